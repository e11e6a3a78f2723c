"""A person's own account from the profile: a new address asked for, the password changed or set, a
single sign-on identity unlinked; each audited, each on a page of ours in both languages, and allauth's
pages for the same things leading to ours."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import PASSWORD, client_for
from sangtao.core.models import AuditEvent

NEW_PASSWORD = "Sen-hồng-nở-2027"


def signs_in(username: str, password: str = PASSWORD) -> bool:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and "confirm-email" not in response["Location"] and (
        "_auth_user_id" in client.session)


def audited(user, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(actor=user, action=action, object_id=str(user.pk)))


@pytest.mark.django_db
def test_an_account_dost_made_that_asks_for_a_new_address_still_signs_in_before_the_link_is_opened(officer):
    client = client_for(officer)
    response = client.post("/accounts/profile/", {"full_name": officer.full_name, "email": "hong.moi@example.vn",
                                                  "language": "vi"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=officer, email="hong.moi@example.vn", verified=False).exists()
    assert signs_in("officer")  # held at "confirm your e-mail" before: a mistyped address locked the account
    officer.refresh_from_db()
    assert officer.email == "officer@example.vn"


@pytest.mark.django_db
def test_allauths_address_page_leads_to_the_profile_and_leaves_no_address_to_confirm(officer):
    response = client_for(officer).get("/accounts/email/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client_for(officer).get("/en/accounts/email/")["Location"] == "/en/accounts/profile/"
    assert not EmailAddress.objects.filter(user=officer).exists()
    assert signs_in("officer")


@pytest.mark.django_db
def test_allauths_reset_pages_lead_to_the_one_reset_that_is_audited_and_limited():
    client = Client()
    assert client.get("/accounts/password/reset/")["Location"] == "/accounts/password-reset/"
    assert client.get("/en/accounts/password/reset/")["Location"] == "/en/accounts/password-reset/"
    assert client.get("/accounts/password/reset/done/")["Location"] == "/accounts/password-reset/sent/"
    assert client.get("/accounts/password/reset/key/3-abc-def/")["Location"] == "/accounts/password-reset/"
    assert client.get("/accounts/password/reset/key/done/")["Location"] == "/accounts/login/"


@pytest.mark.django_db
def test_the_password_is_changed_from_the_profile_audited_and_other_sessions_must_sign_in_again(officer):
    here, elsewhere = client_for(officer), client_for(officer)
    assert 'href="/accounts/password/change/"' in here.get("/accounts/profile/").content.decode()
    page = here.get("/accounts/password/change/").content.decode()
    assert "<h1>Đổi mật khẩu</h1>" in page and "Change Password" not in page and "placeholder" not in page
    wrong = here.post("/accounts/password/change/", {"oldpassword": "not-it", "password1": NEW_PASSWORD,
                                                    "password2": NEW_PASSWORD})
    assert wrong.status_code == 200 and "Mật khẩu hiện tại" in wrong.content.decode()
    assert 'href="#id_oldpassword"' in wrong.content.decode()  # named in the error summary
    response = here.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": NEW_PASSWORD,
                                                       "password2": NEW_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "Đã đổi mật khẩu." in response.content.decode()
    assert len(audited(officer, "password_changed")) == 1
    assert elsewhere.get("/accounts/profile/").status_code == 302  # signed out by the change
    assert here.get("/accounts/profile/").status_code == 200
    assert signs_in("officer", NEW_PASSWORD) and not signs_in("officer")


@pytest.mark.django_db
def test_the_password_page_is_english_under_en(officer):
    page = client_for(officer).get("/en/accounts/password/change/").content.decode()
    assert "<h1>Change password</h1>" in page and "Đổi mật khẩu" not in page


@pytest.mark.django_db
def test_an_account_made_by_single_sign_on_sets_a_password_and_then_changes_it(outsider):
    outsider.set_unusable_password()
    outsider.save()
    client = client_for(outsider)
    assert 'href="/accounts/password/set/"' in client.get("/accounts/profile/").content.decode()
    assert client.get("/accounts/password/change/")["Location"] == "/accounts/password/set/"
    assert "<h1>Đặt mật khẩu</h1>" in client.get("/accounts/password/set/").content.decode()
    response = client.post("/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert len(audited(outsider, "password_set")) == 1
    assert signs_in(outsider.username, NEW_PASSWORD)


def _identity(user, email: str) -> SocialAccount:
    app = SocialApp.objects.create(provider="openid_connect", provider_id="vneid", name="VNeID",
                                   client_id="sangtao", secret="s", settings={"server_url": "http://127.0.0.1:9/o"})
    return SocialAccount.objects.create(user=user, provider=app.provider_id, uid="079123456789",
                                        extra_data={"id_token": {"sub": "079123456789"}, "userinfo": {"email": email}})


@pytest.mark.django_db
def test_an_identity_is_unlinked_from_the_profile_and_audited(outsider):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)
    identity = _identity(outsider, "an@vneid.example")
    client = client_for(outsider)
    assert 'href="/accounts/sso/"' in client.get("/accounts/profile/").content.decode()
    page = client.get("/accounts/sso/").content.decode()
    assert "VNeID · an@vneid.example" in page and "Bỏ liên kết" in page
    response = client.post("/accounts/sso/", {"account": identity.pk}, follow=True)
    assert "Đã bỏ liên kết danh tính." in response.content.decode()
    assert not SocialAccount.objects.filter(user=outsider).exists()
    [row] = audited(outsider, "sso_identity_unlinked")
    assert row.data["provider"] == "vneid"


@pytest.mark.django_db
def test_an_account_dost_made_unlinks_its_last_identity_once_it_has_a_password_and_an_address(officer, settings):
    identity = _identity(officer, "hong@vneid.example")  # no allauth e-mail row, as for every account DoST made
    response = client_for(officer).post("/accounts/sso/", {"account": identity.pk})
    assert response.status_code == 302 and not SocialAccount.objects.filter(user=officer).exists()
    identity = _identity_again(officer)
    settings.SSO_REQUIRED_FOR_UNIT_ROLES = True  # then the identity is its only way in: kept, with the reason
    refused = client_for(officer).post("/accounts/sso/", {"account": identity.pk})
    assert refused.status_code == 200 and "đăng nhập một lần" in refused.content.decode()
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


@pytest.mark.django_db
def test_an_identity_whose_provider_dost_removed_is_still_listed_and_unlinked(outsider):
    EmailAddress.objects.create(user=outsider, email=outsider.email, verified=True, primary=True)
    identity = _identity(outsider, "an@vneid.example")
    SocialApp.objects.all().delete()
    client = client_for(outsider)
    assert client.get("/accounts/sso/").status_code == 200
    assert client.post("/accounts/sso/", {"account": identity.pk}).status_code == 302
    assert not SocialAccount.objects.filter(user=outsider).exists()
    assert audited(outsider, "sso_identity_unlinked")


def _identity_again(user) -> SocialAccount:
    return SocialAccount.objects.create(user=user, provider="vneid", uid="079123456790",
                                        extra_data={"id_token": {"sub": "079123456790"}})


@pytest.mark.django_db
def test_the_last_identity_of_an_account_no_address_can_recover_is_kept_with_a_reason(outsider):
    outsider.set_unusable_password()
    outsider.save()
    identity = _identity(outsider, "an@vneid.example")
    response = client_for(outsider).post("/accounts/sso/", {"account": identity.pk})
    assert response.status_code == 200
    assert "mật khẩu" in response.content.decode()  # allauth's reason, in Vietnamese
    assert SocialAccount.objects.filter(pk=identity.pk).exists()


# --- every page allauth serves is one of ours ---------------------------------------------------------

ALLAUTH_TEMPLATES = str(Path(allauth.__file__).parent / "templates")


def allauth_pages():
    """The paths of allauth's views in the URL conf, each parameter filled with a placeholder."""
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.callback.__module__.startswith("allauth."):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns):
        route = re.sub(r"\(\?P<\w+>[^)]*\)", "x1", route.replace("^", "").replace("$", ""))
        yield "/" + re.sub(r"<[^>]+>", "x1", route)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["", "/en"])
def test_every_page_allauth_serves_is_drawn_by_our_templates(language, outsider):
    pages = sorted({page.replace("/en/", "/") for page in allauth_pages()})
    assert len(pages) > 20  # the walk still finds allauth's views
    drawn_by_allauth = {}
    for client in (Client(), client_for(outsider)):
        for page in pages:
            response = client.get(language + page)
            theirs = {template.origin.name for template in response.templates
                      if template.origin and template.origin.name.startswith(ALLAUTH_TEMPLATES)}
            if theirs:
                drawn_by_allauth[page] = sorted(theirs)
    assert drawn_by_allauth == {}

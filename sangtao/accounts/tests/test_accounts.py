import re

import pytest
from django.core import mail
from django.test import Client

from conftest import PASSWORD, client_for, make_expert
from sangtao.accounts.models import ApiToken, User
from sangtao.core.models import AuditEvent


@pytest.mark.django_db
@pytest.mark.parametrize("login", ["officer", "officer@example.vn", "OFFICER@EXAMPLE.VN"])
def test_login_by_username_or_email(officer, login):
    response = Client().post("/accounts/login/", {"username": login, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_wrong_password_keeps_the_username_and_explains(officer):
    response = Client().post("/accounts/login/", {"username": "officer", "password": "sai"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="officer"' in page
    # Signing in saves nothing, and the password is not sent back: the summary says so
    assert "Vui lòng sửa các lỗi sau" in page and "trừ mật khẩu: hãy nhập lại" in page and "Chưa lưu được" not in page


@pytest.mark.django_db
def test_demo_logins_are_shown_only_in_demo_mode(settings, db):
    settings.DEMO_MODE = False
    assert "demo12345" not in Client().get("/accounts/login/").content.decode()
    settings.DEMO_MODE = True
    assert "demo12345" in Client().get("/accounts/login/").content.decode()
    english = Client().get("/en/accounts/login/").content.decode()
    assert "Leader, Department of Health" in english and "Lãnh đạo Sở Y tế" not in english


@pytest.mark.django_db
def test_password_reset_by_email(officer):
    Client().post("/accounts/password-reset/", {"email": "officer@example.vn"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Mật-khẩu-mới-2026",
                                                             "new_password2": "Mật-khẩu-mới-2026"})
    assert response.status_code == 302
    assert Client().login(username="officer", password="Mật-khẩu-mới-2026")


@pytest.mark.django_db
def test_token_is_shown_once_stored_hashed_and_revocable(outsider):
    client = client_for(outsider)
    client.post("/accounts/profile/tokens/", {"name": "script"})
    page = client.get("/accounts/profile/").content.decode()
    raw = re.search(r'id="new-token">(st_[^<]+)<', page).group(1)
    token = ApiToken.objects.get()
    assert token.digest != raw and raw not in token.digest
    assert ApiToken.authenticate(raw) == outsider
    assert "new-token" not in client.get("/accounts/profile/").content.decode()
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert ApiToken.authenticate(raw) == outsider  # the first post asks again
    client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", {"confirmed": "1"})
    assert ApiToken.authenticate(raw) is None
    again = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", {"confirmed": "1"})
    assert again.status_code == 302  # a revoked token is not asked about nor revoked again
    assert AuditEvent.objects.filter(action="api_token_revoked").count() == 1


@pytest.mark.django_db
def test_one_user_cannot_revoke_anothers_token(outsider, officer):
    token, _raw = ApiToken.issue(officer, "x")
    assert client_for(outsider).post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404


@pytest.mark.django_db
def test_a_superuser_is_bound_by_the_programme_rules_but_keeps_the_admin(make_challenge, dost):
    from sangtao.accounts.models import User
    from sangtao.challenges.models import Status

    admin = User.objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)
    draft, published = make_challenge(Status.DRAFT), make_challenge(Status.PUBLISHED)
    assert not admin.has_perm("challenges.edit_challenge", published)  # the workflow forbids it for anyone
    assert not admin.has_perm("challenges.view_challenge", draft)  # not a member of the owning unit
    assert client_for(admin).get(draft.get_absolute_url()).status_code == 404
    assert admin.has_perm("review.change_councilrules")  # Django's model permission: the admin site
    assert client_for(admin).get("/admin/review/councilrules/").status_code == 200
    assert dost.has_perm("challenges.view_challenge", draft) and not dost.has_perm("challenges.edit_challenge",
                                                                                   published)


@pytest.mark.django_db
def test_people_are_ordered_by_the_database_as_vietnamese_readers_look_for_them(dost):
    from conftest import make_user
    from sangtao.review.models import Expert

    names = ["Zô Thị Inh", "Ánh Nguyễn", "Đặng Văn An", "Dương Minh", "Ông Văn Ba", "Oanh Lê"]
    for number, name in enumerate(names):
        Expert.objects.create(user=make_user(f"cg{number}", full_name=name))
    expected = ["Ánh Nguyễn", "Dương Minh", "Đặng Văn An", "Oanh Lê", "Ông Văn Ba", "Zô Thị Inh"]
    assert [e.user.full_name for e in Expert.objects.select_related("user")] == expected
    renamed = User.objects.get(username="cg0")
    renamed.full_name = "An Thị Inh"
    renamed.save(update_fields=["full_name"])  # a name saved alone moves its place too
    assert Expert.objects.select_related("user").first().user.full_name == "An Thị Inh"
    page = client_for(dost).get("/experts/").content.decode()
    assert page.index("An Thị Inh") < page.index("Dương Minh") < page.index("Đặng Văn An") < page.index("Ông Văn Ba")


@pytest.mark.django_db
def test_a_signed_in_request_knows_whether_its_user_is_an_expert_without_asking_again(officer,
                                                                                       django_assert_num_queries):
    from django.contrib.auth import get_user
    from django.test import RequestFactory

    expert = make_expert("expert9", "Phạm Văn Chuyên")
    for user, is_expert in ((expert.user, True), (officer, False)):
        request = RequestFactory().get("/")
        request.session = client_for(user).session
        loaded = get_user(request)  # the session, then the user with the profile joined
        with django_assert_num_queries(0):
            assert loaded.pk == user.pk and hasattr(loaded, "expert") is is_expert

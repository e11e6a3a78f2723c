"""Sign-up with e-mail confirmation, no account enumeration, and login protection (issue 11, points 1 and 3)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from conftest import PASSWORD, client_for, make_user
from sangtao.accounts.models import ApiToken, User
from sangtao.core.models import AuditEvent
from sangtao.orgs.models import Role

NEW_PASSWORD = "Hoa-sen-nở-2026"


def sign_up(client, email="lan.nguyen@example.vn", **extra):
    data = {"email": email, "full_name": "Nguyễn Thị Lan", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "consent_account": "on", **extra}
    return client.post("/accounts/signup/", data)


def confirmation_link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@pytest.mark.django_db
def test_a_citizen_signs_up_confirms_the_address_and_lands_on_the_next_steps():
    client = Client()
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="lan.nguyen@example.vn")
    assert user.full_name == "Nguyễn Thị Lan" and not user.memberships.exists()
    assert "Xác nhận địa chỉ email" in mail.outbox[0].subject
    assert client.get("/accounts/confirm-email/").status_code == 200
    link = confirmation_link(mail.outbox[0])
    assert "Xác nhận" in client.get(link).content.decode()  # a page with a button: a mail scanner's GET confirms nothing
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/accounts/welcome/"
    page = client.get("/accounts/welcome/").content.decode()
    assert "Đăng ký tổ chức" in page and "Theo dõi bài toán" in page
    assert client.get("/accounts/profile/").status_code == 200  # signed in by the confirmation
    actions = set(AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)).values_list(
        "action", flat=True))
    assert {"signed_up", "email_confirmed", "login"} <= actions
    assert AuditEvent.objects.filter(actor=user, action="consent_given", data__purpose="account").exists()
    consent = user.consents.get()
    assert consent.given and consent.purpose.key == "account" and consent.version == 1


@pytest.mark.django_db
def test_sign_up_in_english_sends_the_confirmation_in_english():
    response = Client().post("/en/accounts/signup/", {
        "email": "an@example.vn", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "consent_account": "on"})
    assert response.status_code == 302
    assert "Confirm your e-mail address" in mail.outbox[0].subject and "/en/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_unconfirmed_account_cannot_sign_in_and_is_asked_to_confirm():
    sign_up(Client())
    client = Client()
    response = client.post("/accounts/login/", {"username": "lan.nguyen@example.vn", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_up_with_a_taken_address_looks_the_same_and_tells_only_the_owner(officer):
    response = sign_up(Client(), email="OFFICER@example.vn")
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="officer@example.vn").count() == 1
    [message] = mail.outbox
    assert message.to == ["officer@example.vn"] and "đã có tài khoản" in message.subject


@pytest.mark.django_db
@pytest.mark.parametrize(("password", "words"), [("123", "quá ngắn"), ("password123", "quá phổ biến")])
def test_weak_passwords_are_refused_by_djangos_validators_with_a_clear_message(password, words):
    response = Client().post("/accounts/signup/", {"email": "b@example.vn", "password1": password,
                                                   "password2": password, "consent_account": "on"})
    assert response.status_code == 200 and not User.objects.filter(email="b@example.vn").exists()
    assert words in response.content.decode()


@pytest.mark.django_db
def test_sign_up_without_consent_is_refused_silence_is_not_consent():
    response = sign_up(Client(), consent_account="")
    assert response.status_code == 200 and "Cần đồng ý" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_failed_logins_lock_the_account_for_a_stated_time_and_are_audited(settings, officer):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    client = Client()
    for _attempt in range(3):
        assert client.post("/accounts/login/", {"username": "officer", "password": "sai"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200 and "thử lại sau" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() == 3
    locked = AuditEvent.objects.get(action="login_locked")
    assert locked.object_id == str(officer.pk) and locked.data["login"] == "officer"
    # another account from the same address still signs in
    make_user("khac")
    assert client.post("/accounts/login/", {"username": "khac", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_an_unknown_login_is_locked_the_same_way_no_enumeration(settings, db):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    for _attempt in range(2):
        Client().post("/accounts/login/", {"username": "ai.do@example.vn", "password": "sai"})
    response = Client().post("/accounts/login/", {"username": "ai.do@example.vn", "password": "sai"})
    assert "thử lại sau" in response.content.decode()


@pytest.mark.django_db
def test_failed_logins_from_one_address_are_limited_across_accounts(settings, officer):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    for number in range(4):
        Client().post("/accounts/login/", {"username": f"khong-co-{number}", "password": "sai"})
    response = Client().post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200 and "thử lại sau" in response.content.decode()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code == 302


@pytest.mark.django_db
def test_password_reset_requests_are_limited_and_audited(settings, officer):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    for _attempt in range(2):
        assert Client().post("/accounts/password-reset/", {"email": "officer@example.vn"}).status_code == 302
    response = Client().post("/accounts/password-reset/", {"email": "officer@example.vn"})
    assert response.status_code == 200 and "thử lại sau" in response.content.decode()
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="password_reset_requested", object_id=str(officer.pk)).count() == 2


@pytest.mark.django_db
def test_api_token_guesses_are_limited_per_address(settings, outsider):
    settings.TOKEN_FAILURES_PER_ADDRESS = 3
    _token, raw = ApiToken.issue(outsider, "script")
    client = Client()
    for number in range(3):
        assert client.get("/api/v1/follows", HTTP_AUTHORIZATION=f"Bearer st_sai{number}").status_code == 401
    response = client.get("/api/v1/follows", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401 and "thử lại sau" in response.json()["message"]
    locked = AuditEvent.objects.get(action="api_token_locked")  # once, when the third wrong token locked it
    assert (locked.object_type, locked.object_id, locked.data["ip"]) == ("accounts.apitoken", "0", "127.0.0.1")
    assert Client(REMOTE_ADDR="10.9.9.9").get("/api/v1/follows",
                                              HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.django_db
def test_a_setting_requires_single_sign_on_for_accounts_with_unit_roles(settings, officer, outsider):
    settings.SSO_REQUIRED_FOR_UNIT_ROLES = True
    response = Client().post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 200 and "SSO" in response.content.decode()
    assert Client().post("/accounts/login/", {"username": "citizen", "password": PASSWORD}).status_code == 302
    assert officer.memberships.filter(role=Role.OFFICER).exists()


@pytest.mark.django_db
def test_a_setting_keeps_dost_coordinators_without_a_second_factor_to_setting_one_up(settings, dost, officer):
    settings.MFA_REQUIRED_FOR_DOST = True
    client = Client()
    response = client.post("/accounts/login/", {"username": "dost", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    # Not only after signing in: every page sends them back until the second factor is on.
    for page in ("/my-work/", "/privacy/reads/"):
        assert client.get(page)["Location"] == "/accounts/2fa/totp/activate/", page
    assert client.get("/en/manage/users/")["Location"] == "/en/accounts/2fa/totp/activate/"
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/accounts/reauthenticate/").status_code == 200
    assert client_for(officer).get("/my-work/").status_code == 200  # only DoST's coordinators
    Authenticator.objects.create(user=dost, type="totp", data={"secret": "x"})
    assert client.get("/my-work/").status_code == 200


@pytest.mark.django_db
def test_a_second_factor_is_set_up_and_then_asked_for_at_every_password_login_a_wrong_code_audited(officer,
                                                                              django_capture_on_commit_callbacks):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    def code(secret):
        return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))

    client = Client()
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    response = client.get("/accounts/2fa/totp/activate/")  # a sensitive change: the password again first
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert "Thao tác này cần bạn nhập lại mật khẩu" in client.get(response["Location"]).content.decode()
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    assert "Bật xác thực hai bước" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/2fa/totp/activate/", {"code": code(secret)})
    assert response.status_code == 302 and officer.authenticator_set.filter(type="totp").exists()
    assert AuditEvent.objects.filter(action="second_factor_added", object_id=str(officer.pk)).exists()
    again = Client()
    response = again.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/" and "_auth_user_id" not in again.session
    assert "Xác thực hai bước" in again.get("/accounts/2fa/authenticate/").content.decode()
    response = again.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "_auth_user_id" not in again.session
    failed = AuditEvent.objects.get(action="second_factor_failed", object_id=str(officer.pk))
    assert failed.data["type"] == "totp" and "000000" not in str(failed.data)
    response = again.post("/accounts/2fa/authenticate/", {"code": code(secret)})
    assert response.status_code == 302 and again.session["_auth_user_id"] == str(officer.pk)

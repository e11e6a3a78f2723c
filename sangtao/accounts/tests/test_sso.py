"""Single sign-on against a real OpenID provider (django-oauth-toolkit, OpenID Connect on) that the
tests start as its own process on 127.0.0.1: discovery, authorization code with PKCE and nonce, an
RS256 ID token checked against the provider's JWKS (a rotated key too), claim mapping, the linking
rules, and refusals (wrong nonce, state, audience, key, algorithm)."""

import re
import time
from urllib.parse import parse_qs, urlencode, urljoin, urlparse, urlunparse

import jwt
import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from django.test import Client

from conftest import PASSWORD, client_for
from sangtao.accounts.models import User
from sangtao.accounts.oidc import verify_id_token
from sangtao.accounts.tests.oidc_op.constants import CLIENT_ID, CLIENT_SECRET
from sangtao.accounts.tests.oidc_op.constants import PASSWORD as OP_PASSWORD
from sangtao.accounts.tests.oidc_op.runner import new_key, running_provider
from sangtao.core.models import AuditEvent

CALLBACK = "http://testserver/sso/oidc/test-op/login/callback/"


class Provider:
    def __init__(self, base, keys):
        self.base, self.keys = base, keys
        self.config = requests.get(base + "/o/.well-known/openid-configuration", timeout=10).json()


@pytest.fixture(scope="module")
def op(tmp_path_factory):
    """The OpenID provider: signs with the current key, still publishes the retired one."""
    current, retired = new_key(), new_key()
    with running_provider(tmp_path_factory.mktemp("op"), [CALLBACK], [current, retired]) as base:
        yield Provider(base, {"current": current, "retired": retired})


@pytest.fixture
def app(op, db):
    return SocialApp.objects.create(
        provider="openid_connect", provider_id="test-op", name="VNeID (thử)", client_id=CLIENT_ID,
        secret=CLIENT_SECRET, settings={"server_url": op.base + "/o", "scope": ["openid", "profile", "email", "phone"],
                                        "claims": {"identity_level": "loa", "phone": "phone_number"}})


def sso(client, op, username, *, process=None, tamper=None, agent=None):
    """Drive the whole round trip: the platform's redirect, the provider's login and authorization,
    and the callback. Returns the platform's answer to the callback and the authorization URL."""
    response = client.post("/sso/oidc/test-op/login/", {"process": process} if process else {})
    assert response.status_code == 302, response
    authorize = response["Location"]
    if tamper is not None:
        authorize = tamper(authorize)
    agent = agent or requests.Session()
    answer = agent.get(authorize, allow_redirects=False, timeout=10)
    if answer.status_code == 302 and "/login/" in answer.headers["Location"]:
        login_url = urljoin(op.base, answer.headers["Location"])
        answer = agent.post(login_url, {"username": username, "password": OP_PASSWORD,
                                        "next": parse_qs(urlparse(login_url).query)["next"][0]},
                            allow_redirects=False, timeout=10)
        answer = agent.get(urljoin(op.base, answer.headers["Location"]), allow_redirects=False, timeout=10)
    callback = urlparse(answer.headers["Location"])
    assert callback.netloc == "testserver", answer.headers["Location"]
    return client.get(f"{callback.path}?{callback.query}"), authorize


def with_query(url, **changes):
    parts = urlparse(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunparse(parts._replace(query=urlencode(query)))


def signed_in(client):
    return client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_a_new_person_signs_up_through_the_provider_with_pkce_and_nonce_and_claims_mapped(op, app):
    client = Client()
    response, authorize = sso(client, op, "hung")
    query = parse_qs(urlparse(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    assert query["response_type"] == ["code"] and "openid" in query["scope"][0]
    assert urlparse(authorize).path == urlparse(op.config["authorization_endpoint"]).path  # found by discovery
    assert response.status_code == 302 and response["Location"] == "/accounts/welcome/"
    user = User.objects.get(email="hung@congty.vn")
    assert signed_in(client) == str(user.pk) and user.full_name == "Phạm Văn Hùng"
    assert not user.memberships.exists() and not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "test-op" and account.extra_data["id_token"]["nonce"] == query["nonce"][0]
    # The phone and identity level are optional profile data: not kept without the person's consent.
    profile = client.get("/accounts/profile/").content.decode()
    assert "+84901234567" not in profile and "muc-2" not in profile
    assert "+84901234567" not in str(account.extra_data) and "muc-2" not in str(account.extra_data)
    assert AuditEvent.objects.filter(action="signed_up", object_id=str(user.pk), data__via="test-op").exists()
    # With consent, the next time the same identity signs straight in they are kept, through the claim map.
    client.post("/privacy/mine/consent/profile/", {"give": "1"})
    again = Client()
    assert sso(again, op, "hung")[0]["Location"] == "/my-work/"
    assert signed_in(again) == str(user.pk) and User.objects.filter(email="hung@congty.vn").count() == 1
    profile = again.get("/accounts/profile/").content.decode()
    assert "+84901234567" in profile and "muc-2" in profile
    # Withdrawn: erased at once from what the identity holds.
    again.post("/privacy/mine/consent/profile/", {"give": "0"})
    account.refresh_from_db()
    assert "+84901234567" not in str(account.extra_data) and "muc-2" not in str(account.extra_data)
    assert account.extra_data["id_token"]["nonce"]  # the rest of the identity is kept


@pytest.mark.django_db
def test_a_wrong_nonce_is_refused(op, app):
    client = Client()
    response, _authorize = sso(client, op, "hung", tamper=lambda url: with_query(url, nonce="ke-gian"))
    assert response.status_code == 401 and "Không đăng nhập được" in response.content.decode()
    assert not signed_in(client) and not User.objects.filter(email="hung@congty.vn").exists()


@pytest.mark.django_db
def test_a_wrong_state_is_refused(op, app):
    client = Client()
    response, _authorize = sso(client, op, "hung", tamper=lambda url: with_query(url, state="gia-mao"))
    assert "Không đăng nhập được" in response.content.decode() and not signed_in(client)


@pytest.mark.django_db
def test_a_verified_email_of_an_existing_account_links_only_after_its_owner_confirms(op, app, officer):
    client = Client()
    response, _authorize = sso(client, op, "officer")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not signed_in(client) and not SocialAccount.objects.exists()
    response = client.post(response["Location"], {"username": "officer", "password": PASSWORD,
                                                   "next": "/accounts/sso/link/"})
    assert response["Location"] == "/accounts/sso/link/"
    page = client.get("/accounts/sso/link/").content.decode()
    assert "VNeID (thử)" in page and "officer@example.vn" in page
    client.post("/accounts/sso/link/", {"confirm": "1"})
    assert SocialAccount.objects.get().user == officer
    assert AuditEvent.objects.filter(action="sso_identity_linked", object_id=str(officer.pk)).exists()
    later = Client()
    sso(later, op, "officer")
    assert signed_in(later) == str(officer.pk)


@pytest.mark.django_db
def test_a_signed_in_person_links_an_identity_after_confirming_and_can_decline(op, app, outsider):
    client = client_for(outsider)
    response, _authorize = sso(client, op, "hung", process="connect")
    assert response["Location"] == "/accounts/sso/link/"
    client.post("/accounts/sso/link/", {"decline": "1"})
    assert not SocialAccount.objects.exists()
    sso(client, op, "hung", process="connect")
    client.post("/accounts/sso/link/", {"confirm": "1"})
    assert SocialAccount.objects.get().user == outsider
    assert not User.objects.filter(email="hung@congty.vn").exists()


@pytest.mark.django_db
def test_an_unverified_email_of_an_existing_account_neither_links_nor_reveals_it(op, app):
    User.objects.create_user("lan", "lan@example.vn", PASSWORD)
    client = Client()
    response, _authorize = sso(client, op, "chua-xac-minh")
    assert response["Location"] == "/accounts/confirm-email/"  # as for any sign-up: "check your mail"
    assert not signed_in(client) and not SocialAccount.objects.exists()


def _token(op, key, **claims):
    now = int(time.time())
    body = {"iss": op.config["issuer"], "aud": CLIENT_ID, "sub": "1", "iat": now, "exp": now + 300,
            "nonce": "n-1", **claims}
    public = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    kid = jwt.PyJWK(public).key_id or _thumbprint(public)
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def _thumbprint(public: dict) -> str:
    from jwcrypto import jwk

    return jwk.JWK(**public).thumbprint()


@pytest.mark.django_db
def test_id_tokens_are_checked_against_the_providers_jwks_rotated_key_audience_nonce_and_algorithm(op, app):
    config = op.config
    assert verify_id_token(config, app, _token(op, op.keys["current"]), "n-1")["sub"] == "1"
    assert verify_id_token(config, app, _token(op, op.keys["retired"]), "n-1")["sub"] == "1"  # rotated, still published
    unknown = new_key()
    refused = [
        (_token(op, unknown), "n-1"),
        (_token(op, op.keys["current"], aud="ung-dung-khac"), "n-1"),
        (_token(op, op.keys["current"], iss="http://ke-gian.example"), "n-1"),
        (_token(op, op.keys["current"], exp=int(time.time()) - 10), "n-1"),
        (_token(op, op.keys["current"]), "n-khac"),
        (_token(op, op.keys["current"]), None),
        (jwt.encode({"iss": config["issuer"], "aud": CLIENT_ID, "sub": "1", "nonce": "n-1",
                     "exp": int(time.time()) + 60}, CLIENT_SECRET * 2, algorithm="HS256"), "n-1"),
    ]
    for raw, nonce in refused:
        with pytest.raises(OAuth2Error):
            verify_id_token(config, app, raw, nonce)


@pytest.mark.django_db
def test_the_pages_that_start_single_sign_on_allow_only_the_providers_origins_as_form_targets(op, app):
    login = Client().get("/accounts/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {op.base}" in login
    assert op.base not in Client().get("/challenges/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_logout_ends_the_platform_session_and_offers_the_providers_logout(op, app):
    client, agent = Client(), requests.Session()
    sso(client, op, "hung", agent=agent)
    page = client.post("/accounts/logout/").content.decode()
    assert not signed_in(client) and "Đăng xuất khỏi VNeID (thử)" in page
    end_session = re.search(r'id="end-session" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert end_session.startswith(op.config["end_session_endpoint"]) and "id_token_hint=" in end_session
    assert agent.get(end_session, allow_redirects=False, timeout=10).status_code == 302  # signed out there
    # the provider's session is over: the next sign-on asks for the password at the provider again
    response = client.post("/sso/oidc/test-op/login/")
    answer = agent.get(response["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]


def test_a_citizen_id_in_the_claims_never_gives_a_province_or_a_unit():
    """A national identity provider may send the 12-digit citizen ID, whose first three digits were once
    the province of birth: only the mapped name, e-mail, phone and identity level are ever read."""
    from allauth.socialaccount.models import SocialApp

    from sangtao.accounts.oidc import MAPPED_FIELDS, mapped_claims

    app = SocialApp(provider="openid_connect", provider_id="vneid", name="VNeID", client_id="c", secret="s",
                    settings={"claims": {"identity_level": "acr"}})
    claims = {"sub": "1", "name": "Nguyễn Văn An", "email": "an@example.vn", "acr": "2",
              "citizen_id": "079203001234", "cccd": "079203001234", "address": {"region": "Thành phố Hồ Chí Minh"}}
    mapped = mapped_claims(app, {"id_token": claims})
    assert set(mapped) == set(MAPPED_FIELDS) == {"name", "email", "phone", "identity_level"}
    assert not any("079" in value or "Hồ Chí Minh" in value for value in mapped.values())

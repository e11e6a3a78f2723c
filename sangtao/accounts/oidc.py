"""OpenID Connect single sign-on, providers configured as data (admin: Social applications, provider
"openid_connect"; one row per identity provider: name, provider id, client id and secret, and in
settings the discovery URL `server_url`, `scope`, and the claim map `claims`).

allauth's OpenID Connect provider, made strict: the authorization-code flow always with PKCE (S256)
and a nonce; the ID token's signature is always checked against the provider's JWKS (fetched each
time, so a rotated key is found), with issuer, audience, expiry and the nonce; userinfo must name the
same subject. Only standard OpenID Connect is assumed of a provider. Nothing is derived from an
identity number (no province or unit from a citizen-ID prefix): claims are only copied as mapped.
"""

import hmac
import secrets

from allauth.core.internal.deferred import jwt
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpResponseRedirect

# Which claim gives each field, unless a provider's settings["claims"] says otherwise.
DEFAULT_CLAIMS = {"name": "name", "email": "email", "email_verified": "email_verified",
                  "phone": "phone_number", "identity_level": "acr"}
MAPPED_FIELDS = ("name", "email", "phone", "identity_level")
SSO_LOGOUT = "sso_logout"  # session key: how to end the provider's session at logout


def claim_map(app: SocialApp) -> dict[str, str]:
    return {**DEFAULT_CLAIMS, **(app.settings.get("claims") or {})}


def merged_claims(data: dict) -> dict:
    """The ID token's claims, completed by userinfo (same subject, checked before)."""
    return {**(data.get("userinfo") or {}), **(data.get("id_token") or {})} if "id_token" in data else dict(data)


def mapped_claims(app: SocialApp, data: dict) -> dict[str, str]:
    """The person's name, e-mail, phone and identity level as this provider's claim map names them."""
    claims, mapping = merged_claims(data), claim_map(app)
    return {field: str(claims.get(mapping[field]) or "") for field in MAPPED_FIELDS}


PROFILE_FIELDS = ("phone", "identity_level")  # optional profile data: kept only with the person's consent


def forget_profile_claims(account) -> None:
    """Drop the claims that give the phone and identity level (as the provider's claim map names them)
    from an identity's stored data: the ID token's copy, userinfo's and a flat one alike."""
    app = SocialApp.objects.filter(provider_id=account.provider).first()
    mapping = claim_map(app) if app is not None else DEFAULT_CLAIMS
    names = {mapping[field] for field in PROFILE_FIELDS}
    data = dict(account.extra_data or {})
    for part in (data, data.get("id_token"), data.get("userinfo")):
        if isinstance(part, dict):
            for name in names:
                part.pop(name, None)
    account.extra_data = data


def verify_id_token(config: dict, app: SocialApp, raw: str, nonce: str | None) -> dict:
    """An RS256 (or as the provider's settings allow) ID token signed by a key of the provider's JWKS,
    for this client, from this issuer, unexpired, carrying the nonce this login sent."""
    try:
        algorithm = jwt.get_unverified_header(raw).get("alg")
    except jwt.PyJWTError as error:
        raise OAuth2Error("Invalid id_token") from error
    if algorithm not in app.settings.get("id_token_algorithms", ["RS256"]):
        raise OAuth2Error(f"ID token signed with {algorithm!r}")
    claims = jwtkit.verify_and_decode(credential=raw, keys_url=config["jwks_uri"], issuer=config["issuer"],
                                      audience=app.client_id, lookup_kid=jwtkit.lookup_kid_jwk, verify_signature=True)
    if not nonce or not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise OAuth2Error("ID token nonce does not match")
    return claims


class SangTaoOIDCAdapter(OpenIDConnectOAuth2Adapter):
    state: dict | None = None  # the login's stashed state (nonce, PKCE verifier), set by the callback view

    def complete_login(self, request, app, token, **kwargs):
        raw = kwargs["response"].get("id_token")
        if not raw:
            raise OAuth2Error("No ID token")
        id_token = verify_id_token(self.openid_config, app, raw, (self.state or {}).get("nonce"))
        data: dict = {"id_token": id_token}
        if app.settings.get("fetch_userinfo", True) and self.openid_config.get("userinfo_endpoint"):
            userinfo = self._fetch_user_info(token.token)
            if str(userinfo.get("sub")) != str(id_token.get("sub")):
                raise OAuth2Error("userinfo names another subject")
            data["userinfo"] = userinfo
        if self.openid_config.get("end_session_endpoint"):  # for signing out at the provider too (logout page)
            request.session[SSO_LOGOUT] = {"endpoint": self.openid_config["end_session_endpoint"], "id_token": raw,
                                           "client_id": app.client_id, "name": app.name}
        return self.get_provider().sociallogin_from_response(request, data)


class SangTaoOIDCProvider(OpenIDConnectProvider):
    oauth2_adapter_class = SangTaoOIDCAdapter

    def get_pkce_params(self) -> dict:
        return generate_code_challenge()  # always, whatever a provider's settings say

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        oauth2_adapter = self.get_oauth2_adapter(request)
        client = oauth2_adapter.get_client(request, self.app)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        pkce = self.get_pkce_params()
        verifier = pkce.pop("code_verifier")
        nonce = secrets.token_urlsafe(32)
        auth_params.update(pkce, nonce=nonce)
        scope = kwargs.pop("scope", None) or self.get_scope()
        state_id = self.stash_redirect_state(request, process, next_url, data, pkce_code_verifier=verifier,
                                             nonce=nonce, **kwargs)
        client.state = state_id  # convention: allow status-outside-workflow -- the OAuth state parameter
        return HttpResponseRedirect(client.get_redirect_url(oauth2_adapter.authorize_url, scope, auth_params))

    def extract_uid(self, data):
        return str((data.get("id_token") or data)["sub"])

    def extract_common_fields(self, data):
        mapped = mapped_claims(self.app, data)
        return {"email": mapped["email"] or None, "name": mapped["name"], "username": None}

    def extract_email_addresses(self, data):
        from allauth.account.models import EmailAddress

        claims, mapping = merged_claims(data), claim_map(self.app)
        email = claims.get(mapping["email"])
        if not email:
            return []
        return [EmailAddress(email=email, verified=claims.get(mapping["email_verified"]) is True, primary=True)]


class SangTaoCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.state = state  # type: ignore[attr-defined]  # convention: allow status-outside-workflow -- OAuth state, not a status
        return state, response


def end_session_url(sso: dict) -> str:
    """The provider's RP-initiated logout URL for this sign-in (OpenID Connect RP-Initiated Logout 1.0)."""
    from django.utils.http import urlencode

    return f"{sso['endpoint']}?{urlencode({'id_token_hint': sso['id_token'], 'client_id': sso['client_id']})}"


def callback(request, provider_id):
    try:
        view = SangTaoCallbackView.adapter_view(SangTaoOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as error:
        raise Http404 from error

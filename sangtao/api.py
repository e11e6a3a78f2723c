"""The public API at /api/v1/: session (with CSRF) or personal-token authentication."""

import json
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from sangtao.accounts import throttle
from sangtao.accounts.models import ApiToken
from sangtao.core.api_errors import install as install_error_handlers
from sangtao.core.audit import record
from sangtao.core.ratelimit import client_address


class TokenGuessesBlocked(AuthenticationError):
    """Too many wrong tokens from this address: refused until the stated time, even a right one."""

    def __init__(self, until: float):
        super().__init__(401, _("Quá nhiều token sai từ địa chỉ này. Hãy thử lại sau %(time)s.")
                         % {"time": throttle.retry_text(until)})
        self.explained = True


def authenticate_token(request, raw: str):
    until = throttle.token_locked_until(request)
    if until:
        raise TokenGuessesBlocked(until)
    user = ApiToken.authenticate(raw)
    if user is None:
        if throttle.count_token_failure(request):
            # No token is known to be meant: the row is on "no token" (id 0), with the address and the lock's end.
            record(None, "api_token_locked", ApiToken(pk=0), ip=client_address(request),
                   until=throttle.retry_at().isoformat())
        return None
    request.user = user
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        return authenticate_token(request, token)


class SessionAuthUnlessToken(SessionAuth):
    """The session, for a request that names no token and carries a session cookie: one that names a token
    is judged by its token alone (a wrong token sent beside a session cookie was answered 403 by the
    session's CSRF check, not 401), and one with neither is a 401 (ninja checked CSRF first, a 403 that
    told a caller with no credentials about a token it had no session to need)."""

    def __call__(self, request):
        if (request.headers.get("Authorization", "").lower().startswith("bearer ")
                or settings.SESSION_COOKIE_NAME not in request.COOKIES):
            return None
        return super().__call__(request)


token_auth = TokenAuth()
session_auth = SessionAuthUnlessToken(csrf=True)
WRITE_AUTH = [token_auth, session_auth]


class SangTaoAPI(NinjaAPI):
    """Every route is registered at import, so the schema is built once per process and language
    (building it took about 135 ms a request)."""

    _schemas: dict[tuple[str | None, str | None, str], Any] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, json.dumps(path_params, sort_keys=True) if path_params else None, get_language())
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return self._schemas[key]


api = SangTaoAPI(
    title="Sáng Tạo API",
    version="1",
    description="Bài toán lớn đổi mới sáng tạo khu vực công / Public-sector grand challenges. "
    "Authenticate with a session cookie (plus the X-CSRFToken header on writes) or with a "
    "personal token: `Authorization: Bearer st_...`. Errors are JSON: "
    "{code, message, field?, errors?}; send Accept-Language: en for English messages.",
    urls_namespace="api",
    # Swagger UI from django-ninja's static files (templates/ninja/swagger.html); deep links off, as they
    # put a link inside each operation's button (nested controls a screen reader cannot use).
    docs=Swagger(settings={"deepLinking": False}),
)


def request_user(request):
    """The caller: a token's owner, else the session's user (possibly anonymous)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = authenticate_token(request, header[7:].strip())
        if user is None:
            raise AuthenticationError()
    return request.user


install_error_handlers(api)

api.add_router("/", "sangtao.challenges.api.router")
api.add_router("/", "sangtao.orgs.api.router")
api.add_router("/", "sangtao.proposals.api.router")
api.add_router("/", "sangtao.review.api.router")
api.add_router("/", "sangtao.surveys.api.router")
api.add_router("/", "sangtao.evaluation.api.router")
api.add_router("/", "sangtao.capacity.api.router")
api.add_router("/", "sangtao.initiatives.api.router")
api.add_router("/", "sangtao.annual.api.router")
api.add_router("/", "sangtao.knowledge.suggest_api.router")
api.add_router("/", "sangtao.knowledge.api.router")

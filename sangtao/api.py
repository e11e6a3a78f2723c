"""The public API at /api/v1/: session (with CSRF) or personal-token authentication."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from sangtao.accounts.models import ApiToken
from sangtao.core.errors import ServiceError


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)
WRITE_AUTH = [token_auth, session_auth]

api = NinjaAPI(
    title="Sáng Tạo API",
    version="1",
    description="Bài toán lớn đổi mới sáng tạo khu vực công / Public-sector grand challenges. "
    "Authenticate with a session cookie (plus the X-CSRFToken header on writes) or with a "
    "personal token: `Authorization: Bearer st_...`. Errors are JSON: "
    "{code, message, field?, errors?}; send Accept-Language: en for English messages.",
    urls_namespace="api",
)


def request_user(request):
    """The caller: a token's owner, else the session's user (possibly anonymous)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        user = ApiToken.authenticate(header[7:].strip())
        if user is None:
            raise AuthenticationError()
        request.user = user
    return request.user


def _error(request, status: int, code: str, message: str, **extra):
    body = {"code": code, "message": message, "field": extra.pop("field", None)}
    body.update(extra)
    return api.create_response(request, body, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return _error(request, exc.status, exc.code, str(exc.message), field=exc.field,
                  **{k: v for k, v in exc.context.items() if isinstance(v, (str, int))})


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", []) if part not in ("body", "payload", "query")]
        errors.append({"field": ".".join(location), "message": item.get("msg", "")})
    first = errors[0]["field"] if errors else None
    return _error(request, 422, "validation_error", _("Dữ liệu không hợp lệ."), field=first, errors=errors)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", _("Không tìm thấy."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Cần đăng nhập hoặc token hợp lệ."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/", "sangtao.challenges.api.router")
api.add_router("/", "sangtao.orgs.api.router")
api.add_router("/", "sangtao.proposals.api.router")
api.add_router("/", "sangtao.review.api.router")
api.add_router("/", "sangtao.surveys.api.router")
api.add_router("/", "sangtao.evaluation.api.router")

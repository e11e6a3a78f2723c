"""The API's errors in one place: the JSON body every error has, the handlers that write it, and
the statuses each kind of endpoint documents.

Every error is `{code, message, field?, errors?}`. An endpoint lists the statuses it can answer
with by what it does (see the sets below), so the OpenAPI schema names every status the API
returns.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from sangtao.core.errors import ServiceError


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[ErrorItem] | None = None
    current_status: str | None = None
    current_version: int | None = None


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(statuses, ErrorOut)


# 400: a body that is not JSON, or a request no one can read (too large, too many fields: any endpoint);
# 401: a bad token, or no credentials where they are needed;
# 403: a refused action (or a session without its CSRF token); 404: an object the caller may not see;
# 409: the object changed since the caller read it; 422: input that fails the schema or a service's checks.
LIST = errors(400, 401, 422)  # a list anyone may read, with query parameters
READ = errors(400, 401, 404, 422)  # one object by id, 404 unless the caller may see it
MINE = errors(400, 401, 403)  # the caller's own things: credentials needed
WRITE = errors(400, 401, 403, 404, 409, 422)  # a change, with or without a body
ERRORS = WRITE


# Where ninja says a value came from, and the names our endpoints give a schema argument.
LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file")
ARGUMENTS = ("payload", "params")


# What django-ninja itself answers, in English, said in the API's language.
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_noop("Không đọc được nội dung yêu cầu: hãy gửi JSON hợp lệ."),
    "CSRF check Failed": gettext_noop("Phiên đăng nhập gửi yêu cầu này thiếu mã chống giả mạo (tiêu đề X-CSRFToken), "
                                      "hoặc mã đã cũ."),
}


def _error(api: NinjaAPI, request, status: int, code: str, message: str, **extra):
    body = {"code": code, "message": message, "field": extra.pop("field", None)}
    body.update(extra)
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    """Answer every error the API raises with an ErrorOut body."""

    @api.exception_handler(ServiceError)
    def service_error(request, exc: ServiceError):
        return _error(api, request, exc.status, exc.code, str(exc.message), field=exc.field,
                      **{k: v for k, v in exc.context.items() if isinstance(v, (str, int))})

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        items = []
        for item in exc.errors:
            location = [str(part) for part in item.get("loc", [])]
            if location[:1] and location[0] in LOCATIONS:  # ("body", "payload", "title") names field "title"
                location = location[2:] if location[1:2] and location[1] in ARGUMENTS else location[1:]
            items.append({"field": ".".join(location), "message": item.get("msg", "")})
        first = items[0]["field"] if items else None
        return _error(api, request, 422, "validation_error", _("Dữ liệu không hợp lệ."), field=first, errors=items)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return _error(api, request, 404, "not_found", _("Không tìm thấy."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = str(exc) if getattr(exc, "explained", False) else _("Cần đăng nhập hoặc token hợp lệ.")
        return _error(api, request, 401, "unauthenticated", message)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        message = NINJA_MESSAGES.get(str(exc))
        return _error(api, request, exc.status_code, "http_error", _(message) if message else str(exc))

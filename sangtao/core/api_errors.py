"""The API's errors in one place: the JSON body every error has, the handlers that write it, and
the statuses each kind of endpoint documents.

Every error is `{code, message, field?, errors?}`. An endpoint lists the statuses it can answer
with by what it does (see the sets below), so the OpenAPI schema names every status the API
returns.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop, ngettext_lazy
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


# What the API answers when Django answers before an endpoint is reached: an address no endpoint has,
# a method the endpoint does not take (core.middleware.api_errors_in_json).
BEFORE_ENDPOINT = {
    404: ("not_found", _lazy("Không tìm thấy.")),
    405: ("method_not_allowed", _lazy("Địa chỉ này không nhận phương thức %(method)s.")),
}


def before_endpoint(status: int, method: str) -> dict:
    code, message = BEFORE_ENDPOINT[status]
    return {"code": code, "message": str(message) % {"method": method}, "field": None}


# Where ninja says a value came from, and the names our endpoints give a schema argument.
LOCATIONS = ("body", "query", "path", "header", "cookie", "form", "file")
ARGUMENTS = ("payload", "params")


# What django-ninja itself answers, in English, said in the API's language.
NINJA_MESSAGES = {
    "Cannot parse request body": gettext_noop("Không đọc được nội dung yêu cầu: hãy gửi JSON hợp lệ."),
    "CSRF check Failed": gettext_noop("Phiên đăng nhập gửi yêu cầu này thiếu mã chống giả mạo (tiêu đề X-CSRFToken), "
                                      "hoặc mã đã cũ."),
}


# What pydantic says of a field, by the kind of its error, in the API's language: pydantic writes English
# only. A kind not listed here keeps pydantic's words. %(name)s is the value pydantic gives in its context
# (a bound, a length, the accepted values); a message about a count is plural in English.
_SAID_OF = {
    ("missing",): _lazy("Thiếu trường bắt buộc này."),
    ("extra_forbidden",): _lazy("Không có trường này."),
    ("string_type",): _lazy("Cần một chuỗi văn bản."),
    ("string_unicode",): _lazy("Văn bản có ký tự NUL hoặc mã ký tự không hợp lệ."),
    ("string_too_short",): ngettext_lazy("Cần ít nhất %(min_length)s ký tự.", "Cần ít nhất %(min_length)s ký tự.",
                                         "min_length"),
    ("string_too_long",): ngettext_lazy("Tối đa %(max_length)s ký tự.", "Tối đa %(max_length)s ký tự.", "max_length"),
    ("int_type", "int_parsing", "int_from_float", "int_parsing_size"): _lazy("Cần một số nguyên."),
    ("float_type", "float_parsing", "decimal_type", "decimal_parsing"): _lazy("Cần một số."),
    ("finite_number",): _lazy("Cần một số hữu hạn."),
    ("decimal_max_digits",): _lazy("Tối đa %(max_digits)s chữ số."),
    ("decimal_max_places",): _lazy("Tối đa %(decimal_places)s chữ số sau dấu thập phân."),
    ("decimal_whole_digits",): _lazy("Tối đa %(whole_digits)s chữ số trước dấu thập phân."),
    ("greater_than_equal",): _lazy("Cần lớn hơn hoặc bằng %(ge)s."),
    ("greater_than",): _lazy("Cần lớn hơn %(gt)s."),
    ("less_than_equal",): _lazy("Cần nhỏ hơn hoặc bằng %(le)s."),
    ("less_than",): _lazy("Cần nhỏ hơn %(lt)s."),
    ("bool_type", "bool_parsing"): _lazy("Cần true hoặc false."),
    ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        _lazy("Cần một ngày có thật, dạng YYYY-MM-DD."),
    ("datetime_type", "datetime_parsing", "datetime_from_date_parsing", "datetime_object_invalid"):
        _lazy("Cần một ngày giờ có thật, dạng YYYY-MM-DDTHH:MM:SS, có thể kèm múi giờ (+07:00)."),
    ("enum", "literal_error"): _lazy("Cần một trong các giá trị %(expected)s."),
    ("list_type", "tuple_type", "set_type"): _lazy("Cần một danh sách."),
    ("dict_type", "model_type", "model_attributes_type"): _lazy("Cần một đối tượng JSON."),
    ("too_short",): ngettext_lazy("Cần ít nhất %(min_length)s phần tử.", "Cần ít nhất %(min_length)s phần tử.",
                                  "min_length"),
    ("too_long",): ngettext_lazy("Tối đa %(max_length)s phần tử.", "Tối đa %(max_length)s phần tử.", "max_length"),
    ("url_type", "url_parsing", "url_syntax_violation", "url_scheme"):
        _lazy("Cần một địa chỉ URL đầy đủ (https://...)."),
    ("uuid_type", "uuid_parsing"): _lazy("Cần một mã UUID."),
}
SAID_OF = {kind: message for kinds, message in _SAID_OF.items() for kind in kinds}


def field_message(item: dict) -> str:
    """What is wrong with one field, from one of pydantic's errors, in the active language."""
    kind, values = item.get("type", ""), dict(item.get("ctx") or {})
    if kind == "value_error" and "error" in values:  # our validators' own words (core/api_input.py)
        return str(values["error"])
    if kind not in SAID_OF:
        return item.get("msg", "")
    if "expected" in values:  # pydantic's "'a', 'b' or 'c'"
        values["expected"] = str(values["expected"]).replace(" or ", ", ")
    try:
        return str(SAID_OF[kind] % values)
    except (KeyError, TypeError):  # a context without the value the message names
        return item.get("msg", "")


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
            items.append({"field": ".".join(location), "message": field_message(item)})
        first = (items[0]["field"] or None) if items else None  # the body as a whole names no field
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

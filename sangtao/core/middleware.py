"""Request middleware of our own."""

from urllib.parse import parse_qsl

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from sangtao.core.api_input import BIGINT_MAX


def arrival_time(get_response):
    """Stamp each request with the server time at which it arrived, read once, before any work.

    Deadlines judge this time, not the moment a request's transaction wins its locks.
    """
    def middleware(request):
        request.arrived_at = timezone.now()
        return get_response(request)
    return middleware


class IdsThatFit:
    """A whole number in a page's address (`<int:pk>`) that no id column can hold names no page: a 404.

    Django's int converter takes any digits. A lookup by primary key turns 2**63 into "no such row", but
    one through a relation or a list (`authors__user_id=`, `number__in=`) handed it to the driver, and
    SQLite raised OverflowError: a 500. Checked here once, before any view runs, for every route. The API
    bounds its own path ids in its schemas (a 422 that names the field)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.path_info.startswith("/api/") and any(
                isinstance(value, int) and value > BIGINT_MAX for value in (*view_args, *view_kwargs.values())):
            raise Http404
        return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def forms_in_utf8(get_response):
    """A form whose text is not UTF-8 (what every page of the site sends) is the 400 page.

    Django reads bytes it cannot decode as U+FFFD and goes on: a name posted in latin-1 was stored as
    "Nguy\ufffdn", with nothing to tell anyone it was lost. Only the urlencoded body is looked at: a
    multipart body's text is decoded the same way, but its parts are not kept raw to check."""
    def middleware(request):
        if request.method == "POST" and request.content_type == FORM_TYPES[0]:
            try:
                parse_qsl(request.body.decode(), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise BadRequest("The form's text is not UTF-8.") from None
        return get_response(request)
    return middleware


def form_line_breaks(get_response):
    """A posted form's line breaks become LF, as the API's clients send them.

    A browser counts a line break in a text box as one character against its maxlength but sends it as
    two (CR LF): a 4,000-character reason typed on 40 lines reached the form as 4,040 and was refused.
    Done once here, every form and its length check sees the text as the person typed it."""
    def middleware(request):
        if request.method == "POST" and request.content_type in FORM_TYPES:
            posted = request.POST.copy()
            for name, values in posted.lists():
                posted.setlist(name, [value.replace("\r\n", "\n") for value in values])
            posted._mutable = False
            request.POST = posted
        return get_response(request)
    return middleware


def api_language(get_response):
    """The API answers in the language the client asks for (Accept-Language), Vietnamese by default.

    Its URLs carry no language prefix, and for such paths LocaleMiddleware always picks the
    default language; this runs after it and, on /api/ only, follows the client's header."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.cache import patch_vary_headers
    from django.utils.translation.trans_real import parse_accept_lang_header

    supported = {code for code, _name in settings.LANGUAGES}

    def chosen(header: str) -> str:
        for code, _quality in parse_accept_lang_header(header or ""):
            base = code.split("-")[0].lower()
            if base in supported:
                return base
        return settings.LANGUAGE_CODE

    def middleware(request):
        if not request.path_info.startswith("/api/"):
            return get_response(request)
        language = chosen(request.headers.get("Accept-Language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response
    return middleware


def api_errors_in_json(get_response):
    """Under /api/, the errors Django gives before an endpoint is reached also come as the API's JSON
    error (core/api_errors.py), in the client's language: an address no endpoint has (a trailing slash
    too), and a method the endpoint does not take (405, its Allow header kept). They were HTML pages."""
    from django.http import JsonResponse

    from sangtao.core.api_errors import BEFORE_ENDPOINT, before_endpoint

    def middleware(request):
        response = get_response(request)
        if (request.path_info.startswith("/api/") and response.status_code in BEFORE_ENDPOINT
                and not response.get("Content-Type", "").startswith("application/json")):
            answer = JsonResponse(before_endpoint(response.status_code, request.method), status=response.status_code,
                                  content_type="application/json; charset=utf-8")  # as the API's own errors
            if response.has_header("Allow"):
                allowed = [method.strip() for method in response["Allow"].split(",")]
                # HEAD too wherever GET is (api_head_as_get)
                answer["Allow"] = ", ".join(allowed + ["HEAD"] if "GET" in allowed else allowed)
            return answer
        return response
    return middleware


def api_head_as_get(get_response):
    """Under /api/, HEAD is answered as GET is (HTTP asks it of every address that takes GET; the API routes
    by method and answered 405), as Django's own views do: the server sends the headers without the body."""
    def middleware(request):
        if request.method != "HEAD" or not request.path_info.startswith("/api/"):
            return get_response(request)
        request.method = "GET"
        try:
            return get_response(request)
        finally:
            request.method = "HEAD"  # an address that takes no GET says so for HEAD (api_errors_in_json)
    return middleware


# Put on the element of each template that shows a form's errors (the error summary, a field's errors).
# With its quotes it cannot come from text people typed, which the templates escape.
FORM_ERROR_MARK = b'data-form-error="true"'


def error_in_title(get_response):
    """A page sent back with errors in its form says so first in its title ("Lỗi: ..."), as GOV.UK's
    pages do: the title is what a screen reader reads first, and the browser tab shows it. The head is
    rendered before the form, so the templates mark the errors they show and the title is changed here."""
    def middleware(request):
        response = get_response(request)
        if (not response.streaming and response.get("Content-Type", "").startswith("text/html")
                and FORM_ERROR_MARK in response.content):
            prefix = f"<title>{gettext('Lỗi:')} ".encode()
            response.content = response.content.replace(b"<title>", prefix, 1)
        return response
    return middleware

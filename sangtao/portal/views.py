import datetime

from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sangtao.challenges.access import public_challenges
from sangtao.challenges.models import PUBLIC_STATUSES, Field, Follow, Status
from sangtao.core.workitems import work_for
from sangtao.notifications.models import Notification

FOLLOWED_SHOWN = 8
NOTIFICATIONS_SHOWN = 8


def home(request):
    now = timezone.now()
    published = public_challenges().filter(status=Status.PUBLISHED)
    open_now = published.filter(call_opens_at__lte=now, call_closes_at__gt=now)
    # As many as the field's list (its link) shows anyone: every public challenge, not only open calls.
    fields = Field.objects.filter(active=True).annotate(
        n=Count("challenge", filter=Q(challenge__status__in=PUBLIC_STATUSES))).order_by("sort_name")  # a count drops Meta.ordering
    return render(request, "portal/home.html", {
        "latest": published.order_by("-published_at", "-id")[:6],
        "closing_soon": open_now.order_by("call_closes_at")[:5],
        "open_count": open_now.count(),
        "public_count": public_challenges().count(),
        "fields": [field for field in fields if field.n],
    })


def trivial(request):
    """A view doing nothing: the baseline the benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")  # convention: allow untranslated-string -- the benchmarks' baseline, read by no person


@login_required
def my_work(request):
    """"Việc của tôi": what awaits the person now (from every context's work-item providers),
    their unread notifications split into action needed and for information, and what changed
    in what they follow. A fixed number of queries, whatever the number of items."""
    items = work_for(request.user)
    groups: dict[str, list] = {}
    for item in items:
        if item.action_needed:
            groups.setdefault(str(item.group), []).append(item)
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    since = timezone.now() - datetime.timedelta(days=30)
    followed = (Follow.objects.filter(user=request.user, challenge__isnull=False)
                .select_related("challenge").order_by("-challenge__updated_at")[:FOLLOWED_SHOWN])
    return render(request, "portal/my_work.html", {
        "work_groups": list(groups.items()),
        "work_count": sum(item.count for group in groups.values() for item in group),
        "info_items": [item for item in items if not item.action_needed],
        "notifications_action": unread.filter(action_needed=True)[:NOTIFICATIONS_SHOWN],
        "notifications_info": unread.filter(action_needed=False)[:NOTIFICATIONS_SHOWN],
        "followed": [(follow.challenge, follow.challenge.updated_at >= since) for follow in followed],
    })


def accessibility(request):
    """The accessibility statement: the target (WCAG 2.2 AA), what is checked and how, what is known."""
    return render(request, "portal/accessibility.html")


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale security token (most often a page left open past its
    session): the styled 403 page, which says to reload and try again; Django's own is bare English."""
    return render(request, "403.html", status=403)


def _error_page(request, template: str, status: int, last_resort: str) -> HttpResponse:
    """A styled error page, with the site's header; plain text if even that cannot be drawn. An error raised
    before the authentication middleware ran (a body no one could read) leaves the request without its
    user: it is read from the session here, so that the header still says who is signed in."""
    if not hasattr(request, "user") and hasattr(request, "session"):
        request.user = SimpleLazyObject(lambda: auth.get_user(request))
    try:
        return render(request, template, status=status)
    except Exception:  # noqa: BLE001 -- the page of last resort must not fail
        return HttpResponse(last_resort, status=status, content_type="text/plain; charset=utf-8")


def server_error(request):
    """The styled 500 page."""
    return _error_page(request, "500.html", 500,
                       "Lỗi máy chủ / Server error (500)")  # convention: allow untranslated-string -- bilingual last resort


# What the API answers to a request it cannot read (the pages say it in 400.html).
BAD_REQUEST = gettext_noop("Máy chủ không đọc được yêu cầu này (nội dung quá lớn, quá nhiều trường, hoặc không "
                           "theo bảng mã UTF-8). Không có gì được lưu.")


def bad_request(request, exception=None):
    """A request the server cannot read (a form in a charset other than UTF-8, a broken multipart body, more
    than 1,000 fields, too large a body): the styled 400 page, or the API's JSON error. Django's own page is
    bare English, and it checks the CSRF token first, which reads the unreadable body again: a signed-in
    person got a 500."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "bad_request", "message": _(BAD_REQUEST), "field": None}, status=400)
    return _error_page(request, "400.html", 400,
                       "Yêu cầu không hợp lệ / Bad request (400)")  # convention: allow untranslated-string -- bilingual last resort


import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils import timezone

from sangtao.challenges.access import public_challenges
from sangtao.challenges.models import Field, Follow, Status
from sangtao.core.workitems import work_for
from sangtao.notifications.models import Notification

FOLLOWED_SHOWN = 8
NOTIFICATIONS_SHOWN = 8


def home(request):
    now = timezone.now()
    published = public_challenges().filter(status=Status.PUBLISHED)
    open_now = published.filter(call_opens_at__lte=now, call_closes_at__gt=now)
    fields = Field.objects.filter(active=True).annotate(
        n=Count("challenge", filter=Q(challenge__status__in=[Status.PUBLISHED, Status.CLOSED]))
    )
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


def server_error(request):
    """The styled 500 page, with the site's header; plain text if even that cannot be drawn."""
    try:
        return render(request, "500.html", status=500)
    except Exception:  # noqa: BLE001 -- the page of last resort must not fail
        text = "Lỗi máy chủ / Server error (500)"  # convention: allow untranslated-string -- bilingual last resort
        return HttpResponseServerError(text, content_type="text/plain; charset=utf-8")

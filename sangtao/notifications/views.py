from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sangtao.core.forms import ids
from sangtao.core.redirects import safe_redirect
from sangtao.notifications.services import mark_read


@login_required
def notification_list(request):
    """Unread notices that ask for an action first ("cần xử lý"), then the others ("để biết"): one list in
    pages, so that every notice is on a page however many ask for an action."""
    notes = request.user.notifications.annotate(
        informs=Case(When(action_needed=True, read_at__isnull=True, then=Value(0)), default=Value(1)))
    page = Paginator(notes.order_by("informs", "-created_at", "-id"), 30).get_page(request.GET.get("page"))
    items = list(page.object_list)
    return render(request, "notifications/list.html", {
        "page": page, "action": [n for n in items if not n.informs], "info": [n for n in items if n.informs],
        "action_count": notes.filter(informs=0).count()})


@login_required
@require_POST
def notification_read(request):
    mark_read(request.user, ids(request.POST.getlist("id")) or None)
    return safe_redirect(request, request.POST.get("next"), "notifications")

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sangtao.core.forms import ids
from sangtao.core.redirects import safe_redirect
from sangtao.notifications.services import mark_read


@login_required
def notification_list(request):
    """Unread notices that ask for an action first ("cần xử lý"), then the others ("để biết")."""
    notes = request.user.notifications.all()
    action = notes.filter(action_needed=True, read_at__isnull=True)
    page = Paginator(notes.exclude(action_needed=True, read_at__isnull=True), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "action": list(action[:100])})


@login_required
@require_POST
def notification_read(request):
    mark_read(request.user, ids(request.POST.getlist("id")) or None)
    return safe_redirect(request, request.POST.get("next"), "notifications")

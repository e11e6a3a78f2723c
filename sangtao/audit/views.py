import json
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from sangtao.audit.forms import AuditFilterForm
from sangtao.audit.labels import known_actions
from sangtao.core.csv import streamed_csv_response
from sangtao.core.models import AuditEvent

PAGE_SIZE = 50


def _events(request):
    if not request.user.has_perm("audit.read"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    return form, form.apply(AuditEvent.objects.select_related("actor"))


@login_required
def audit_log(request):
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(known_actions())
    for event in page.object_list:
        event.label = labels.get(event.action, event.action)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "querystring": params.urlencode()})


@login_required
def audit_csv(request):
    _form, events = _events(request)
    header = ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash"]
    rows = ([event.pk, timezone.localtime(event.at).isoformat(), event.actor.username if event.actor else "",
             event.action, event.object_type, event.object_id, json.dumps(event.data, ensure_ascii=False),
             event.prev_hash, event.hash] for event in events.iterator(chunk_size=2000))
    return streamed_csv_response(chain([header], rows), "nhat-ky-kiem-toan.csv")

import json
from itertools import chain, islice

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from sangtao.audit.forms import AuditFilterForm
from sangtao.audit.labels import known_actions
from sangtao.audit.trail import entries, trail
from sangtao.core.csv import streamed_csv_response

PAGE_SIZE = 50
CSV_BATCH = 2000


def _trail(request):
    if not request.user.has_perm("audit.read"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    return form, trail(form)


@login_required
def audit_log(request):
    form, rows = _trail(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(entries(page.object_list))
    labels = dict(known_actions())
    for event in page.object_list:
        event.label = labels.get(event.action, event.action)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "querystring": params.urlencode()})


def _batches(rows, size: int):
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield from entries(batch)


@login_required
def audit_csv(request):
    _form, rows = _trail(request)
    header = ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash", "table"]
    lines = ([event.id, timezone.localtime(event.at).isoformat(), event.actor.username if event.actor else "",
              event.action, event.object_type, event.object_id, json.dumps(event.data, ensure_ascii=False),
              event.prev_hash, event.hash, event.source] for event in _batches(rows.iterator(chunk_size=CSV_BATCH),
                                                                                 CSV_BATCH))
    return streamed_csv_response(chain([header], lines), "nhat-ky-kiem-toan.csv")

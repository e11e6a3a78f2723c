import csv
import json
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from sangtao.audit.forms import AuditFilterForm
from sangtao.core.models import AuditEvent

PAGE_SIZE = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _events(request):
    if not request.user.has_perm("audit.read"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    return form, form.apply(AuditEvent.objects.select_related("actor"))


@login_required
def audit_log(request):
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "audit/log.html", {"form": form, "page": page, "querystring": params.urlencode()})


def _cell(value) -> str:
    """A spreadsheet must not run a cell as a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    def write(self, line: str) -> str:
        return line


@login_required
def audit_csv(request):
    _form, events = _events(request)
    writer = csv.writer(_Line())
    header = ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash"]
    rows = ([event.pk, timezone.localtime(event.at).isoformat(), event.actor.username if event.actor else "",
             event.action, event.object_type, event.object_id, json.dumps(event.data, ensure_ascii=False),
             event.prev_hash, event.hash] for event in events.iterator(chunk_size=2000))
    lines = (writer.writerow([_cell(value) for value in row]) for row in chain([header], rows))
    response = StreamingHttpResponse(chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="nhat-ky-kiem-toan.csv"'
    return response

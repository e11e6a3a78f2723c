import json
from itertools import chain
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from sangtao.audit.forms import AuditFilterForm, AuditPageForm
from sangtao.audit.labels import details, known_actions, object_type_labels, state_labels
from sangtao.audit.trail import count, everything, page, trail
from sangtao.core.csv import streamed_csv_response

PAGE_SIZE = 50
CSV_BATCH = 2000
COUNT_CAP = 10_000  # past it the page says "more than" (trail.count says why)


def _trail(request):
    if not request.user.has_perm("audit.read"):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    return form, trail(form)


@login_required
def audit_log(request):
    form, parts = _trail(request)
    where = AuditPageForm(request.GET)
    if not where.is_valid():
        messages.warning(request, where.refusal())
    position = where.cleaned_data if where.is_valid() else {}
    shown = page(parts, PAGE_SIZE, before=position.get("before"), after=position.get("after"))
    labels, types, states = dict(known_actions()), object_type_labels(), state_labels()
    for event in shown.entries:
        event.label = labels.get(event.action, event.action)
        event.type_label = types.get(event.object_type, event.object_type)
        event.details = details(event.data, states.get(event.object_type, {}))
    # The links keep the filters as typed (the form has read them); the page's position is theirs.
    filters = {name: form[name].value() for name in form.fields if form[name].value()}

    def link(**place) -> str:
        return "?" + urlencode(filters | {name: str(value) for name, value in place.items()})

    total = count(parts, COUNT_CAP)
    return render(request, "audit/log.html", {
        "form": form, "actions": labels.values(), "page": shown, "total": min(total, COUNT_CAP), "more": total > COUNT_CAP,
        "querystring": urlencode(filters), "newest": link(),
        "newer": link(after=shown.newer) if shown.newer else "", "older": link(before=shown.older) if shown.older else ""})


@login_required
def audit_csv(request):
    _form, parts = _trail(request)
    header = ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash", "table"]
    lines = ([event.id, timezone.localtime(event.at).isoformat(), event.actor.username if event.actor else "",
              event.action, event.object_type, event.object_id, json.dumps(event.data, ensure_ascii=False),
              event.prev_hash, event.hash, event.source] for event in everything(parts, CSV_BATCH))
    return streamed_csv_response(chain([header], lines), "nhat-ky-kiem-toan.csv")

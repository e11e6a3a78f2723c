"""The audit trail as DoST reads it: the audit events and the moves of every workflow that keeps its own
transition table (challenge, proposal, scoresheet, capacity round, initiative, annual plan...), in one
list. Nothing is copied: each workflow's transition rows stay the one record of its moves, and the log
reads them with the audit events in one UNION ALL query, a move as the action "<workflow>.<move>" on
its object, so the filters, the pages and the CSV treat both alike.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import CharField, F, TextField, Value
from django.db.models.functions import Cast, Concat

from sangtao.accounts.models import User
from sangtao.core.models import AuditEvent
from sangtao.core.workflow import Workflow

# The columns of the union, in this order in every part (annotations under names no model uses).
COLUMNS = ("t_source", "t_id", "t_at", "t_actor", "t_action", "t_object_type", "t_object_id", "t_data",
           "t_from", "t_to", "t_reason", "t_prev_hash", "t_hash")


@dataclass
class Entry:
    source: str  # the table's model, app_label.model_name
    id: int
    at: Any
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    data: dict
    prev_hash: str
    hash: str
    actor: User | None = None
    label: str = field(default="")


def logged_workflows() -> list[Workflow]:
    """The workflows whose moves are rows of their own transition table (the others' are audit events)."""
    from sangtao.audit.labels import _moves
    from sangtao.core.workflow import REGISTRY

    _moves()  # imports every app's workflow module, which registers its workflows
    return sorted((flow for flow in REGISTRY.values() if flow.transitions is not None), key=lambda flow: flow.name)


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


def _audit_part(events: models.QuerySet) -> models.QuerySet:
    return events.annotate(
        t_source=_text(AuditEvent._meta.label_lower), t_id=F("pk"), t_at=F("at"), t_actor=F("actor_id"),
        t_action=F("action"), t_object_type=F("object_type"), t_object_id=F("object_id"),
        t_data=Cast("data", TextField()), t_from=_text(""), t_to=_text(""), t_reason=_text(""),
        t_prev_hash=F("prev_hash"), t_hash=F("hash"),
    ).order_by().values_list(*COLUMNS)


def _moves_part(flow: Workflow, rows: models.QuerySet) -> models.QuerySet:
    subject = flow.transitions._meta.get_field(flow.subject).attname  # type: ignore[union-attr]
    return rows.annotate(
        t_source=_text(rows.model._meta.label_lower), t_id=F("pk"), t_at=F("at"), t_actor=F("actor_id"),
        t_action=Concat(_text(f"{flow.name}."), "move", output_field=CharField()),
        t_object_type=_text(flow.model._meta.label_lower), t_object_id=Cast(subject, CharField()),
        t_data=_text(""), t_from=F("from_status"), t_to=F("to_status"), t_reason=F("reason"),
        t_prev_hash=F("prev_hash"), t_hash=F("hash"),
    ).order_by().values_list(*COLUMNS)


def trail(filters) -> models.QuerySet:
    """The audit events and workflow moves that the filters keep, newest first, as one query of rows
    in COLUMNS' order. filters is a bound, valid or unbound AuditFilterForm."""
    parts = [_audit_part(filters.apply(AuditEvent.objects.all()))]
    wanted = filters.cleaned_values() if filters.is_bound and filters.is_valid() else {}
    for flow in logged_workflows():
        rows = flow.transitions._base_manager.all()  # type: ignore[union-attr]
        if wanted.get("object_type") and wanted["object_type"] != flow.model._meta.label_lower:
            continue
        if wanted.get("object_id"):
            if not wanted["object_id"].isdigit():
                continue
            rows = rows.filter(**{f"{flow.subject}_id": int(wanted["object_id"])})
        if wanted.get("action"):
            prefix, _dot, move = wanted["action"].partition(".")
            if prefix != flow.name or not move:
                continue
            rows = rows.filter(move=move)
        parts.append(_moves_part(flow, filters.apply_common(rows)))
    first, *others = parts
    return first.union(*others, all=True).order_by("-t_at", "-t_id", "t_source")


def entries(rows: Iterable[tuple]) -> Iterator[Entry]:
    """Rows of the union as entries, their actors fetched in one query per batch given."""
    rows = list(rows)
    actors = User.objects.in_bulk({row[3] for row in rows if row[3] is not None})
    for source, pk, at, actor_id, action, object_type, object_id, data, source_status, target, reason, prev, hashed \
            in rows:
        details = json.loads(data) if data else {"from_status": source_status, "to_status": target,
                                                 **({"reason": reason} if reason else {})}
        yield Entry(source, pk, at, actor_id, action, object_type, object_id, details, prev, hashed,
                    actors.get(actor_id) if actor_id is not None else None)

"""The audit trail as DoST reads it: the audit events and the moves of every workflow that keeps its own
transition table (challenge, proposal, scoresheet, capacity round, initiative, annual plan...), in one
list. Nothing is copied: each workflow's transition rows stay the one record of its moves, and the log
reads them beside the audit events, a move as the action "<workflow>.<move>" on its object, so the
filters, the pages and the CSV treat both alike.

The list is ordered by each row's Position (time, table, id), newest first, and read by keyset: a page
asks every table for its newest rows past a position (`ORDER BY at DESC, id DESC LIMIT n` on an index
of (at, id)) and merges the answers here. A page costs one short index scan per table however long the
log is and however far back the page is, where one sorted UNION ALL of the tables read and sorted every
row for each page and counted them all (a city audits every login: millions of rows a year).
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from django.db import models
from django.db.models import Q

from sangtao.accounts.models import User
from sangtao.core.forms import is_id
from sangtao.core.models import AuditEvent
from sangtao.core.workflow import Workflow

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


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

    @property
    def position(self) -> "Position":
        return Position(self.at, self.source, self.id)


@dataclass(frozen=True, order=True)
class Position:
    """A row's place in the log: the log is ordered by (at, source, id), newest first. The table breaks
    ties of time between tables (their ids are unrelated), the id ties within one."""

    at: datetime.datetime
    source: str
    id: int

    def __str__(self) -> str:
        """As a page link carries it: microseconds since 1970 (exact, unlike a float; no time zone
        to spell in a URL), the table, the id. PositionField (audit/forms.py) reads it back."""
        return f"{(self.at - EPOCH) // MICROSECOND}-{self.source}-{self.id}"


@dataclass(frozen=True)
class Part:
    """One table of the log, filtered: its rows (unordered) and how a row becomes an entry."""

    source: str
    rows: models.QuerySet  # values_list whose first two columns are at and pk
    entry: Callable[[tuple], Entry]

    def beyond(self, position: Position | None, older: bool, limit: int) -> list[Entry]:
        """At most limit entries of this table nearest to position on one side (older: newest first;
        newer: oldest first), from the newest or the oldest row when no position is given."""
        rows = self.rows if position is None else self.rows.filter(self._past(position, older))
        order = ("-at", "-pk") if older else ("at", "pk")
        return [self.entry(row) for row in rows.order_by(*order)[:limit]]

    def _past(self, position: Position, older: bool) -> Q:
        """The rows whose Position is past the given one. `at` is bounded alone first so that the
        database reads the index of (at, id) from there (an `at < t OR (at = t AND id < n)` alone
        makes PostgreSQL filter the index from its newest end); the rest only settles the rows of
        the same instant."""
        at = position.at
        if older:
            if self.source == position.source:
                return Q(at__lte=at) & (Q(at__lt=at) | Q(pk__lt=position.id))
            # A table sorting before the position's comes after it at the same instant, newest first.
            return Q(at__lte=at) if self.source < position.source else Q(at__lt=at)
        if self.source == position.source:
            return Q(at__gte=at) & (Q(at__gt=at) | Q(pk__gt=position.id))
        return Q(at__gte=at) if self.source > position.source else Q(at__gt=at)


def logged_workflows() -> list[Workflow]:
    """The workflows whose moves are rows of their own transition table (the others' are audit events)."""
    from sangtao.audit.labels import _moves
    from sangtao.core.workflow import REGISTRY

    _moves()  # imports every app's workflow module, which registers its workflows
    return sorted((flow for flow in REGISTRY.values() if flow.transitions is not None), key=lambda flow: flow.name)


def sources() -> set[str]:
    """The tables the log reads, as Position names them."""
    return {AuditEvent._meta.label_lower} | {flow.transitions._meta.label_lower  # type: ignore[union-attr]
                                             for flow in logged_workflows()}


def _audit_part(events: models.QuerySet) -> Part:
    source = AuditEvent._meta.label_lower

    def entry(row: tuple) -> Entry:
        at, pk, actor_id, action, object_type, object_id, data, prev_hash, hashed = row
        return Entry(source, pk, at, actor_id, action, object_type, object_id, data, prev_hash, hashed)

    return Part(source, events.values_list("at", "pk", "actor_id", "action", "object_type", "object_id", "data",
                                           "prev_hash", "hash"), entry)


def _moves_part(flow: Workflow, rows: models.QuerySet) -> Part:
    source = rows.model._meta.label_lower
    subject = rows.model._meta.get_field(flow.subject).attname
    object_type = flow.model._meta.label_lower

    def entry(row: tuple) -> Entry:
        at, pk, actor_id, move, subject_id, from_status, to_status, reason, prev_hash, hashed = row
        data = {"from_status": from_status, "to_status": to_status, **({"reason": reason} if reason else {})}
        return Entry(source, pk, at, actor_id, f"{flow.name}.{move}", object_type, str(subject_id), data,
                     prev_hash, hashed)

    return Part(source, rows.values_list("at", "pk", "actor_id", "move", subject, "from_status", "to_status",
                                         "reason", "prev_hash", "hash"), entry)


def trail(filters) -> list[Part]:
    """The tables of the log with the filters applied, the audit events first (the longest table);
    a workflow's table is left out when the filters name another object type or action.
    filters is a bound, valid or unbound AuditFilterForm."""
    parts = [_audit_part(filters.apply(AuditEvent.objects.all()))]
    wanted = filters.cleaned_values()
    for flow in logged_workflows():
        rows = flow.transitions._base_manager.all()  # type: ignore[union-attr]
        if wanted.get("object_type") and wanted["object_type"] != flow.model._meta.label_lower:
            continue
        if wanted.get("object_id"):
            if not is_id(wanted["object_id"]):  # no such object: an out-of-range number would reach the driver
                continue
            rows = rows.filter(**{f"{flow.subject}_id": int(wanted["object_id"])})
        if wanted.get("action"):
            prefix, _dot, move = wanted["action"].partition(".")
            if prefix != flow.name or not move:
                continue
            rows = rows.filter(move=move)
        parts.append(_moves_part(flow, filters.apply_common(rows)))
    return parts


def _merged(parts: list[Part], position: Position | None, older: bool, size: int) -> list[Entry]:
    """The size + 1 entries nearest to position on one side, nearest first, from size + 1 of each table
    (the one more tells whether the log goes on past the page)."""
    found = chain.from_iterable(part.beyond(position, older, size + 1) for part in parts)
    return sorted(found, key=lambda entry: entry.position, reverse=older)[:size + 1]


@dataclass
class Page:
    entries: list[Entry]  # newest first, their actors fetched
    newest: bool  # the log's first page
    newer: Position | None  # where the page before this one ends (its link), if any
    older: Position | None  # where the page after this one starts (its link), if any


def page(parts: list[Part], size: int, before: Position | None = None, after: Position | None = None) -> Page:
    """The page of size entries older than before, or newer than after, or the newest. A page past
    which nothing is left in the direction asked (a link from before the newest rows came, or one
    edited by hand) is the newest page. One query per table, two when it falls back to the newest."""
    if after is not None:
        found = _merged(parts, after, older=False, size=size)
        if len(found) > size:
            entries = found[:size][::-1]
            return Page(with_actors(entries), False, entries[0].position, entries[-1].position)
    elif before is not None:
        found = _merged(parts, before, older=True, size=size)
        if found:
            entries = found[:size]
            return Page(with_actors(entries), False, entries[0].position,
                        entries[-1].position if len(found) > size else None)
    found = _merged(parts, None, older=True, size=size)
    entries = found[:size]
    return Page(with_actors(entries), True, None, entries[-1].position if len(found) > size else None)


def count(parts: list[Part], cap: int) -> int:
    """How many rows match, exactly up to cap, and cap + 1 for any more: each table counts at most the
    rows still wanted (`COUNT(*)` over a `LIMIT`), and the tables left are not asked once cap is passed.

    Why a cap rather than the total: DoST's narrow questions (one object, one person, one day) get
    their exact number, while the whole log's millions would be counted on every view for a figure
    nobody acts on; bounded, the count costs at most cap + 1 index entries whatever the log's size."""
    total = 0
    for part in parts:
        if total > cap:
            break
        total += part.rows.order_by().values("pk")[:cap + 1 - total].count()
    return total


def everything(parts: list[Part], batch: int) -> Iterator[Entry]:
    """Every matching entry once, newest first, batch at a time: each batch merges at most batch rows
    of each table still holding older ones, so memory stays bounded and the first rows come at once.
    A table is no longer asked once all its rows past the position were given."""
    position = None
    while parts:
        fetched = [(part, part.beyond(position, True, batch)) for part in parts]
        entries = sorted(chain.from_iterable(rows for _part, rows in fetched), key=lambda entry: entry.position,
                         reverse=True)[:batch]
        if not entries:
            return
        yield from with_actors(entries)
        position = entries[-1].position
        parts = [part for part, rows in fetched if len(rows) == batch or (rows and rows[-1].position < position)]


def with_actors(entries: list[Entry]) -> list[Entry]:
    """The entries with their actors, fetched in one query."""
    actors = User.objects.in_bulk({entry.actor_id for entry in entries if entry.actor_id is not None})
    for entry in entries:
        entry.actor = actors.get(entry.actor_id) if entry.actor_id is not None else None
    return entries

"""The registry through which each bounded context says what awaits a person.

A context declares one provider per kind of work: a function of the user that returns
its `WorkItem`s in a fixed number of queries, whatever the number of items. The home page
("Việc của tôi") asks every provider and never knows the contexts, so a new context plugs
in by registering in its `AppConfig.ready`, without touching the page.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class WorkItem:
    """One line of a person's work: what to do, how many, where to act, by when."""

    kind: str  # a stable key, "<app>.<what>", e.g. "challenges.approve"
    title: Any  # translated text (lazy or not)
    count: int
    url: str
    due: datetime.datetime | datetime.date | None = None
    overdue: bool = False
    action_needed: bool = True  # False: for information only ("để biết")
    group: Any = ""  # the heading it is shown under, e.g. the context's name


Provider = Callable[[Any], list[WorkItem]]
_providers: dict[str, Provider] = {}


def provider(name: str) -> Callable[[Provider], Provider]:
    """Register `function(user) -> list[WorkItem]` under a unique name (re-registering replaces)."""

    def register(function: Provider) -> Provider:
        _providers[name] = function
        return function

    return register


def work_for(user: AbstractBaseUser | AnonymousUser) -> list[WorkItem]:
    """Every non-empty item for `user`: overdue first, then by due date, then in registry order."""
    if not user.is_authenticated:
        return []
    items = [item for function in _providers.values() for item in function(user) if item.count]
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(items, key=lambda item: (not item.overdue, _as_datetime(item.due) or far))


def _as_datetime(value: datetime.datetime | datetime.date | None) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time.max, tzinfo=datetime.UTC)


def one_or_list(found: dict[str, Any], name: str, object_url: Callable[[Any], str], list_url: str) -> str:
    """Where a line of work links: the object itself when the line is about one object, else the list.

    `found` holds the aggregates `<name>_first` and `<name>_last` (Min and Max of the object's key over the
    line's rows, asked in the same query as its count): equal keys mean one object, however many rows.
    """
    first, last = found.get(f"{name}_first"), found.get(f"{name}_last")
    return object_url(first) if first is not None and first == last else list_url


def span(name: str, field: str, condition) -> dict[str, Any]:
    """The two aggregates one_or_list reads, for the rows of `condition` (a Q)."""
    from django.db.models import Max, Min

    return {f"{name}_first": Min(field, filter=condition), f"{name}_last": Max(field, filter=condition)}

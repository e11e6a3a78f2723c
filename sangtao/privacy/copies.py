"""Where the platform holds a person's data beyond the rows that point to their account.

Two kinds, each declared by the context that holds it, in its AppConfig.ready():

- a *copy* of a person's identity typed into another record when it was made (a challenge's contact
  person, an initiative's author, an annual task's person in charge, a survey answer's follow-up
  address): erasing the account replaces it, correcting the name reaches it, the export includes it;
- rows *about* the person reached through another table (an expert's council seats and scoresheets,
  through the expert profile): the export includes them.

    copy("challenges.contact", lambda user: with_email(Challenge.objects.all(), "contact_email", user),
         erased=lambda pseudonym: {"contact_name": "", "contact_email": "", "contact_phone": ""},
         name_field="contact_name")
    about("review.seats", lambda user: CouncilMember.objects.filter(expert__user=user))

The privacy context reads this list; no context is imported by it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Holding:
    label: str  # the name of its part of the export: "<app>.<what>"
    rows: Callable[[Any], QuerySet]  # the rows holding this person's data (the account as it is before erasure)
    erased: Callable[[str], dict[str, Any]] | None = None  # the values that replace a copy, given the pseudonym
    name_field: str | None = None  # the copy of the name, which a correction of the name reaches


HOLDINGS: dict[str, Holding] = {}


def _add(holding: Holding) -> Holding:
    if holding.label in HOLDINGS:
        raise ValueError(f"{holding.label} is declared twice")
    HOLDINGS[holding.label] = holding
    return holding


def copy(label: str, rows: Callable[[Any], QuerySet], *, erased: Callable[[str], dict[str, Any]],
         name_field: str | None = None) -> Holding:
    """Declare a copy of a person's identity: what replaces it on erasure, and where the name is."""
    return _add(Holding(label, rows, erased, name_field))


def about(label: str, rows: Callable[[Any], QuerySet]) -> Holding:
    """Declare rows about a person reached through another table: they are in the person's export."""
    return _add(Holding(label, rows))


def with_email(queryset: QuerySet, field: str, user) -> QuerySet:
    """The rows whose `field` is the person's e-mail address (none when the account has no address)."""
    email = (getattr(user, "email", "") or "").strip()
    return queryset.filter(**{f"{field}__iexact": email}) if email else queryset.none()


def erase_copies(user, pseudonym: str, *, actor) -> int:
    """Replace every copy of the person's identity (before the account itself is pseudonymised: the rows
    are found by its e-mail and name), each record's change in its audit trail. Returns how many rows."""
    return _change(user, actor, "personal_data_copy_erased",
                   lambda holding: holding.erased(pseudonym) if holding.erased is not None else None)


def correct_name(user, new_name: str, *, actor) -> int:
    """Carry a corrected name to every copy of it (`user` as it was before the correction)."""
    return _change(user, actor, "personal_data_copy_corrected",
                   lambda holding: {holding.name_field: new_name} if holding.name_field and new_name else None)


def _change(user, actor, action: str, values_of: Callable[[Holding], dict[str, Any] | None]) -> int:
    from sangtao.core.audit import record

    changed = 0
    for holding in HOLDINGS.values():
        values = values_of(holding)
        if values is None:
            continue
        rows = list(holding.rows(user))
        if not rows:
            continue
        type(rows[0])._base_manager.filter(pk__in=[row.pk for row in rows]).update(**values)
        for row in rows:  # no name in the row: the audit trail outlives the erasure
            record(actor, action, row, copy=holding.label)
        changed += len(rows)
    return changed

from django.apps import apps

from sangtao.core.chain import BrokenLink, Heads, first_broken_link, new_heads
from sangtao.core.models import AppendOnlyModel, AuditEvent


def record(actor, action: str, obj, **data) -> AuditEvent:
    """Append an audit row for an action that has no workflow transition of its own."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
    )


def append_only_models() -> list[type[AppendOnlyModel]]:
    return [model for model in apps.get_models() if issubclass(model, AppendOnlyModel)]


CHECKPOINT = "audit_chains_verified"  # the action of the audit row a successful check leaves


LEGACY = "*"  # the subject of a head recorded when a table had one chain (a checkpoint's [id, hash])


def known_heads() -> dict[str, Heads]:
    """The last row (id, hash) of each subject of each table, as the successful checks found them:
    each check names the subjects that had new rows since the one before; the latest wins."""
    known: dict[str, Heads] = {}
    for data in AuditEvent.objects.filter(action=CHECKPOINT).order_by("pk").values_list("data", flat=True):
        for label, recorded in (data or {}).get("heads", {}).items():
            known.setdefault(label, {}).update(recorded if isinstance(recorded, dict) else {LEGACY: recorded})
    return known


def heads(known: dict[str, Heads] | None = None) -> dict[str, Heads]:
    """The last row (id, hash) of each subject that has rows after the last check's, for the next check
    to find again (the highest id a check recorded is the highest the table had)."""
    known = known_heads() if known is None else known
    found = {}
    for model in append_only_models():
        since = max((row_id for row_id, _hash in known.get(model._meta.label_lower, {}).values()), default=0)
        if recorded := new_heads(model, since):
            found[model._meta.label_lower] = recorded
    return found


def broken_links() -> list[BrokenLink]:
    """The first broken link of each append-only table's subject chains; empty when all hold.
    Each subject's last row at the successful checks must still be there, unchanged."""
    known = known_heads()
    links = []
    for model in append_only_models():
        if (link := first_broken_link(model, heads=known.get(model._meta.label_lower))) is not None:
            links.append(link)
    return links

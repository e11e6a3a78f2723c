from django.apps import apps

from sangtao.core.chain import BrokenLink, first_broken_link
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


def heads() -> dict[str, list]:
    """The last row (id, hash) of each append-only table, for the next check to find again."""
    return {model._meta.label_lower: list(last) for model in append_only_models()
            if (last := model._base_manager.order_by("-pk").values_list("pk", "hash").first())}


def broken_links() -> list[BrokenLink]:
    """The first broken link of each append-only table's hash chain; empty when all hold.
    The tables' last rows at the latest successful check must still be there, unchanged."""
    checkpoint = AuditEvent.objects.filter(action=CHECKPOINT).order_by("-pk").values_list("data", flat=True).first()
    known = (checkpoint or {}).get("heads", {})
    links = []
    for model in append_only_models():
        head = known.get(model._meta.label_lower)
        if (link := first_broken_link(model, head=tuple(head) if head else None)) is not None:
            links.append(link)
    return links

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


def broken_links() -> list[BrokenLink]:
    """The first broken link of each append-only table's hash chain; empty when all hold."""
    return [link for model in append_only_models() if (link := first_broken_link(model)) is not None]

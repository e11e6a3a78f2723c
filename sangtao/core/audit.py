from sangtao.core.models import AuditEvent


def record(actor, action: str, obj, **data) -> AuditEvent:
    """Append an audit row for an action that has no workflow transition of its own."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
    )

"""Writing the audit trail. Services call `record` inside their transaction."""
from .models import AuditEvent


def record(*, actor, verb, obj=None, partnership=None, summary="", changes=None, kind=AuditEvent.Kind.CHANGE):
    """Record that `actor` did `verb` to `obj`. Never pass case detail or personal data in `changes`."""
    if partnership is None and obj is not None:
        partnership = getattr(obj, "audit_partnership", None) or getattr(obj, "partnership", None)
    return AuditEvent.objects.create(
        partnership=partnership,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        kind=kind,
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        summary=summary[:300],
        changes=changes or {},
    )


def diff(instance, fields, before):
    """The changed fields between `before` (a dict of old values) and `instance`, as JSON-safe strings."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changes

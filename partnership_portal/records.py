"""Saving a record and its many-to-many links with the audit-trail entry, for the services of the evidence apps.

Both helpers must be called inside the caller's transaction.
"""
from .audit import diff, record


def save_new(obj, *, actor, verb, partnership, m2m=None, summary=""):
    """Validate and insert `obj`, set its many-to-many links, and record who did it."""
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    for name, values in (m2m or {}).items():
        getattr(obj, name).set(values)
    record(actor=actor, verb=verb, obj=obj, partnership=partnership, summary=summary or str(obj))
    return obj


def save_changes(obj, *, actor, verb, partnership, fields, m2m=None, summary="", log_values=True):
    """Validate and update the named fields of `obj` (and links), recording what changed.

    With `log_values=False` only the names of the changed fields go into the trail, never their values
    (for records that may hold sensitive detail).
    """
    # Compare with the stored row: a bound ModelForm may already have set the new values on `obj`.
    stored = type(obj)._default_manager.get(pk=obj.pk)
    before = {name: getattr(stored, name) for name in fields}
    for name, value in fields.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._history_user = actor
    changes = diff(obj, fields, before)
    if changes:
        obj.save(update_fields=list(changes))
    changed_links = []
    for name, values in (m2m or {}).items():
        manager = getattr(obj, name)
        if {v.pk for v in manager.all()} != {v.pk for v in values}:
            manager.set(values)
            changed_links.append(name)
    if not log_values:
        changes = {name: ["…", "…"] for name in changes}
    changes.update({name: ["links changed"] for name in changed_links})
    record(actor=actor, verb=verb, obj=obj, partnership=partnership, summary=summary or str(obj), changes=changes)
    return obj


def delete_recorded(obj, *, actor, verb, partnership, summary=""):
    """Record the deletion, then delete `obj` (and what cascades from it)."""
    record(actor=actor, verb=verb, obj=obj, partnership=partnership, summary=summary or str(obj))
    obj._history_user = actor
    obj.delete()

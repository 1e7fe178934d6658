"""Saving a record and its many-to-many links with the audit-trail entry: the one recipe every service uses.

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


def save_changes(obj, **kwargs):
    """Validate and update the named fields of `obj` (and links), recording what changed; returns `obj`.
    See `update_recorded` for the arguments."""
    return update_recorded(obj, **kwargs)[0]


def update_recorded(obj, *, actor, verb, fields, partnership=None, m2m=None, summary="", log_values=True,
                    check=None, record_unchanged=True):
    """The one way a service updates a record: lock its row, set `fields` (a dict of new values), validate
    (with `check(obj)` first, when given), save only what changed and record the change in the audit trail.
    Returns (obj, changes).

    The row stays locked until the caller's transaction ends, so two people saving at once are applied one
    after the other and each change is recorded against what was really stored. With `log_values=False`
    only the names of the changed fields go into the trail, never their values (for records that may hold
    sensitive detail); with `record_unchanged=False` a save that changes nothing leaves no trail entry.
    """
    # Compare with the stored row: a bound ModelForm may already have set the new values on `obj`.
    stored = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
    before = {name: getattr(stored, name) for name in fields}
    for name, value in fields.items():
        setattr(obj, name, value)
    if check is not None:
        check(obj)
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
    trail = {name: ["…", "…"] for name in changes} if not log_values else dict(changes)
    trail.update({name: ["links changed"] for name in changed_links})
    if trail or record_unchanged:
        record(actor=actor, verb=verb, obj=obj, partnership=partnership, summary=summary or str(obj), changes=trail)
    return obj, changes


def delete_recorded(obj, *, actor, verb, partnership, summary=""):
    """Record the deletion, then delete `obj` (and what cascades from it)."""
    record(actor=actor, verb=verb, obj=obj, partnership=partnership, summary=summary or str(obj))
    obj._history_user = actor
    obj.delete()

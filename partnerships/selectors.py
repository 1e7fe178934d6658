"""Reads for the partnership core."""
from datetime import datetime, time

from django.utils import timezone

from . import access


def audit_log(membership, *, kind="", verb="", actor=None, date_from=None, date_to=None):
    """The partnership's audit events, newest first, narrowed by the given filters."""
    events = access.visible_audit_events(membership).select_related("actor")
    if kind:
        events = events.filter(kind=kind)
    if verb:
        events = events.filter(verb__icontains=verb)
    if actor is not None:
        events = events.filter(actor=actor)
    tz = timezone.get_current_timezone()
    if date_from:
        events = events.filter(created_at__gte=timezone.make_aware(datetime.combine(date_from, time.min), tz))
    if date_to:
        events = events.filter(created_at__lte=timezone.make_aware(datetime.combine(date_to, time.max), tz))
    return events.order_by("-created_at", "-id")

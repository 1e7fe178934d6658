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


def agencies_with_counts(partnership):
    """The partnership's agencies, current first, each with how many active people represent it (`people`)
    and how many actions it leads (`actions`)."""
    from django.db.models import Count, Q

    from .models import Agency

    return (
        Agency.objects.filter(partnership=partnership)
        .annotate(
            people=Count("memberships", filter=Q(memberships__is_active=True, memberships__user__is_active=True),
                         distinct=True),
            actions=Count("led_actions", distinct=True),
        )
        .order_by("archived_at", "name")
    )


def people(partnership):
    """The people page: active members, pending (and expired) invitations, and former members."""
    from .models import Invitation, Membership

    memberships = list(
        Membership.objects.filter(partnership=partnership).select_related("user", "agency")
        .order_by("user__full_name", "user__email")
    )
    invitations = list(
        Invitation.objects.filter(partnership=partnership, accepted_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("agency", "invited_by").order_by("email")
    )
    return {
        "members": [m for m in memberships if m.is_active and m.user.is_active],
        "former": [m for m in memberships if not (m.is_active and m.user.is_active)],
        "invitations": invitations,
    }

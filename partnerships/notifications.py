"""Notifications: what a person should know about, in the portal and by email.

Every app notifies through `notify`. A notification is listed on the person's notifications page and
sent by email once: straight away (a task enqueued when the transaction commits) or in the weekly
digest, as the person chose for that partnership. The header's unread count costs no query of its own:
it is counted (on a partial index) in the query that already reads the person's memberships on every
page (`access.memberships_of`).
"""
import datetime
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from .audit import record
from .models import (
    Membership,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    Partnership,
    Role,
)
from .tasks_support import enqueue

# A notification meant to go straight away that has still not gone after this long (its task was lost)
# goes in the next digest instead.
MISSED_AFTER = datetime.timedelta(hours=1)


def _forget_unread(user):
    # The count read with the memberships is kept on the user object for the request: read it afresh.
    if hasattr(user, "_portal_memberships"):
        del user._portal_memberships


def unread_count(user):
    """How many unread notifications `user` has across their partnerships, from their memberships."""
    from . import access

    return sum(m.unread_notifications for m in access.memberships_of(user).values())


def delivery_for(user, partnership):
    preference = NotificationPreference.objects.filter(user=user, partnership=partnership).first()
    return preference.delivery if preference else NotificationDelivery.IMMEDIATE


def _check_url(url):
    # Only a path in the portal: never another site, never a script.
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValidationError({"url": "A notification links only to a page of the portal."})


@transaction.atomic
def notify(*, user, partnership, kind, subject, body="", url="", emailed_by_caller=False):
    """Tell `user` about something in `partnership`. Nobody outside the partnership is told anything:
    returns None for a person with no active membership of it. Otherwise the new Notification.

    `emailed_by_caller`: the caller sends an email of its own for this (or, by a rule of its own, none), so
    the notification is listed in the portal but never emailed again, alone or in a digest."""
    if kind not in NotificationKind.values:
        raise ValidationError({"kind": f"Unknown notification kind {kind!r}."})
    _check_url(url)
    if not Membership.objects.filter(user=user, partnership=partnership, is_active=True).exists():
        return None
    notification = Notification(user=user, partnership=partnership, kind=kind, subject=subject[:200],
                                body=body, url=url, emailed_at=timezone.now() if emailed_by_caller else None)
    notification.full_clean()
    notification.save()
    record(actor=None, verb="notification.created", obj=notification, partnership=partnership,
           summary=f"{notification.get_kind_display()} for {user}")
    _forget_unread(user)
    if not emailed_by_caller and delivery_for(user, partnership) == NotificationDelivery.IMMEDIATE:
        transaction.on_commit(lambda: enqueue("partnerships.tasks.send_notification_email", notification.pk))
    return notification


def notify_role(*, partnership, role, kind, subject, body="", url="", exclude=None):
    """Notify every active member of `partnership` with `role` (the business managers, say)."""
    members = Membership.objects.filter(partnership=partnership, role=role, is_active=True).select_related("user")
    return [
        notify(user=m.user, partnership=partnership, kind=kind, subject=subject, body=body, url=url)
        for m in members if m.user.is_active and m.user != exclude
    ]


def notify_business_managers(*, partnership, **kwargs):
    return notify_role(partnership=partnership, role=Role.BUSINESS_MANAGER, **kwargs)


def _base_url():
    return settings.PORTAL_BASE_URL.rstrip("/")


def notification_email_send(*, notification_id):
    """Email one notification now, unless it has gone already. Returns whether an email went."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("user", "partnership")
            .filter(pk=notification_id, emailed_at__isnull=True).first()
        )
        if notification is None or not notification.user.is_active:
            return False
        body = render_to_string("partnerships/email/notification.txt",
                                {"notification": notification, "base_url": _base_url()})
        send_mail(f"{notification.partnership.name}: {notification.subject}", body, settings.DEFAULT_FROM_EMAIL,
                  [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def notifications_send_digest(*, now=None):
    """Send each person the weekly digest of each partnership's notifications not yet emailed, one email
    per person per partnership. Also picks up notifications meant to go straight away whose email was
    lost. Safe to run again: a notification goes by email once."""
    now = now or timezone.now()
    weekly = set(
        NotificationPreference.objects.filter(delivery=NotificationDelivery.WEEKLY)
        .values_list("user_id", "partnership_id")
    )
    pending = (
        Notification.objects.filter(emailed_at__isnull=True, created_at__lte=now, user__is_active=True)
        .values_list("user_id", "partnership_id", "created_at")
    )
    due = set()
    for user_id, partnership_id, created_at in pending:
        if (user_id, partnership_id) in weekly or created_at <= now - MISSED_AFTER:
            due.add((user_id, partnership_id))
    sent = 0
    for user_id, partnership_id in sorted(due):
        sent += _send_digest(user_id=user_id, partnership_id=partnership_id, now=now)
    return sent


def _send_digest(*, user_id, partnership_id, now):
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update()
            .filter(user_id=user_id, partnership_id=partnership_id, emailed_at__isnull=True, created_at__lte=now)
            .select_related("user", "partnership").order_by("created_at", "id")
        )
        if not notifications:
            return 0
        user, partnership = notifications[0].user, notifications[0].partnership
        body = render_to_string("partnerships/email/notification_digest.txt", {
            "user": user, "partnership": partnership, "notifications": notifications, "base_url": _base_url(),
        })
        count = len(notifications)
        send_mail(f"{partnership.name}: {count} notification{'s' if count != 1 else ''} this week", body,
                  settings.DEFAULT_FROM_EMAIL, [user.email])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        record(actor=None, verb="notification.digest_sent", partnership=partnership,
               summary=f"{count} to {user}")
    return 1


# --- The person's own list -------------------------------------------------------------------------------


def notifications_for(user):
    """The person's notifications in the partnerships they still belong to: unread first, newest first."""
    from . import access

    partnership_ids = list(access.memberships_of(user))
    return (
        Notification.objects.filter(user=user, partnership_id__in=partnership_ids)
        .select_related("partnership")
        .annotate(unread_first=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1),
                                    output_field=IntegerField()))
        .order_by("unread_first", "-created_at", "-id")
    )


@transaction.atomic
def notification_mark_read(*, user, notification_ids=None):
    """Mark the person's notifications read: the ones named, or all of them. Returns how many changed."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
    by_partnership = defaultdict(int)
    for partnership_id in Notification.objects.filter(pk__in=ids).values_list("partnership_id", flat=True):
        by_partnership[partnership_id] += 1
    for partnership in Partnership.objects.filter(pk__in=list(by_partnership)):
        record(actor=user, verb="notification.read", partnership=partnership,
               summary=f"{by_partnership[partnership.pk]} marked read")
    _forget_unread(user)
    return len(ids)


@transaction.atomic
def notification_preference_set(*, user, partnership, delivery, actor):
    """Choose how the person gets this partnership's notifications by email."""
    if delivery not in NotificationDelivery.values:
        raise ValidationError({"delivery": "Choose straight away or a weekly digest."})
    preference, created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, partnership=partnership, defaults={"delivery": delivery}
    )
    before = NotificationDelivery.IMMEDIATE if created else preference.delivery
    if not created and preference.delivery != delivery:
        preference.delivery = delivery
        preference.save(update_fields=["delivery", "updated_at"])
    if before != delivery or created:
        record(actor=actor, verb="notification.preference_changed", obj=preference, partnership=partnership,
               changes={"delivery": [before, delivery]})
    return preference


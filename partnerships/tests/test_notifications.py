"""Notifications: listed per person with unread first, emailed once (straight away or in the weekly digest)."""
import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import AuditEvent, Notification, NotificationDelivery, NotificationKind
from partnerships.notifications import (
    notification_preference_set,
    notifications_send_digest,
    notify,
    unread_count,
)
from partnerships.tasks import send_notification_digests

pytestmark = pytest.mark.django_db


def _notify(side, role="member_lead", subject="Please look at action 1.1", **kwargs):
    return notify(user=side.users[role], partnership=side.partnership, kind=kwargs.pop("kind", NotificationKind.MENTIONED),
                  subject=subject, body="Body text.", url=f"/p/{side.slug}/", **kwargs)


def test_it_emails_straight_away_once_the_transaction_commits(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = _notify(world.own)
    assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.own.users["member_lead"].email]
    assert message.subject == f"{world.own.partnership.name}: Please look at action 1.1"
    assert f"{settings.PORTAL_BASE_URL.rstrip('/')}/p/{world.own.slug}/" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert AuditEvent.objects.filter(verb="notification.created", object_id=str(notification.pk)).exists()


def test_sending_again_sends_nothing(world, django_capture_on_commit_callbacks):
    from partnerships.tasks import send_notification_email

    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(world.own)
    send_notification_email(notification.pk)
    send_notification_email(notification.pk)
    assert len(mail.outbox) == 1


def test_nobody_outside_the_partnership_is_told_anything(world):
    outsider = world.other.users["manager"]
    assert notify(user=outsider, partnership=world.own.partnership, kind=NotificationKind.MENTIONED,
                  subject="Secret", url="/") is None
    assert not Notification.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:alert(1)"])
def test_a_notification_links_only_inside_the_portal(world, url):
    with pytest.raises(ValidationError):
        notify(user=world.own.users["manager"], partnership=world.own.partnership, kind=NotificationKind.MENTIONED,
               subject="x", url=url)


def test_weekly_digest_sends_one_email_per_person_and_never_twice(world, django_capture_on_commit_callbacks):
    side = world.own
    lead = side.users["member_lead"]
    notification_preference_set(user=lead, partnership=side.partnership, delivery=NotificationDelivery.WEEKLY,
                                actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        _notify(side, subject="First")
        _notify(side, subject="Second")
        _notify(side, role="manager", subject="For the manager")  # straight away
    assert [m.to for m in mail.outbox] == [[side.users["manager"].email]]
    mail.outbox.clear()

    assert send_notification_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [lead.email]
    assert digest.subject == f"{side.partnership.name}: 2 notifications this week"
    assert "First" in digest.body and "Second" in digest.body and "For the manager" not in digest.body
    assert not Notification.objects.filter(user=lead, emailed_at__isnull=True).exists()

    assert notifications_send_digest() == 0  # run again (a retried beat task): nothing more goes
    assert len(mail.outbox) == 1


def test_the_digest_picks_up_a_straight_away_email_that_was_lost(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task never ran
        notification = _notify(world.own)
    assert notifications_send_digest() == 0  # not yet: it may still be on its way
    later = timezone.now() + datetime.timedelta(hours=2)
    assert notifications_send_digest(now=later) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_digest_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["notification-digests"]
    assert entry["task"] == "partnerships.tasks.send_notification_digests"


def test_the_list_shows_unread_first_and_marks_as_read(world, client):
    side = world.own
    lead = side.users["member_lead"]
    old = _notify(side, subject="Older and unread")
    read = _notify(side, subject="Newer but read")
    newest = _notify(side, subject="Newest and unread")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    _notify(world.other, role="member_lead", subject="Not mine")
    client.force_login(lead)

    page = client.get(reverse("notifications")).content.decode()
    assert page.index("Newest and unread") < page.index("Older and unread") < page.index("Newer but read")
    assert "Not mine" not in page
    assert 'Notifications <span class="portal-count">2</span>' in page

    response = client.post(reverse("notification_read"), {"notification": old.pk})
    assert response.status_code == 302
    old.refresh_from_db()
    newest.refresh_from_db()
    assert old.read_at is not None and newest.read_at is None
    assert AuditEvent.objects.filter(verb="notification.read", actor=lead).count() == 1

    client.post(reverse("notification_read"))
    assert not Notification.objects.filter(user=lead, read_at__isnull=True).exists()
    assert "portal-count" not in client.get(reverse("notifications")).content.decode()


def test_nobody_marks_someone_elses_notification(world, client):
    theirs = _notify(world.own, role="manager")
    client.force_login(world.own.users["member_lead"])
    client.post(reverse("notification_read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_settings_page_saves_a_choice_per_partnership(world, client):
    side = world.own
    lead = side.users["member_lead"]
    client.force_login(lead)
    assert client.get(reverse("notification_settings")).status_code == 200
    response = client.post(reverse("notification_settings"), {f"delivery-{side.partnership.pk}": "weekly"})
    assert response.status_code == 302
    assert lead.notification_preferences.get().delivery == NotificationDelivery.WEEKLY
    assert AuditEvent.objects.filter(verb="notification.preference_changed", actor=lead).exists()

    response = client.post(reverse("notification_settings"), {})
    assert response.status_code == 400
    assert f"Choose how you get notifications from {side.partnership.name}." in response.content.decode()
    assert lead.notification_preferences.get().delivery == NotificationDelivery.WEEKLY


def test_the_unread_count_costs_no_query_of_its_own(world, client):
    """The header's count is read with the memberships every page reads anyway: a page makes as many
    queries with 40 unread notifications as with none."""
    side = world.own
    lead = side.users["member_lead"]
    client.force_login(lead)
    url = reverse("my_actions", kwargs={"slug": side.slug})
    client.get(url)
    with CaptureQueriesContext(connection) as none_unread:
        client.get(url)
    for n in range(40):
        _notify(side, subject=f"Number {n}")
    with CaptureQueriesContext(connection) as many_unread:
        response = client.get(url)
    assert 'Notifications <span class="portal-count">40</span>' in response.content.decode()
    assert len(many_unread) == len(none_unread)
    assert not any("partnerships_notification" in q["sql"] and "partnerships_membership" not in q["sql"]
                   for q in many_unread.captured_queries)


def test_unread_count_is_per_person_and_partnership(world):
    _notify(world.own)
    _notify(world.own)
    _notify(world.own, role="manager")
    assert unread_count(world.own.users["member_lead"]) == 2
    assert unread_count(world.other.users["member_lead"]) == 0


def test_the_list_makes_as_many_queries_for_many_notifications_as_for_one(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])
    _notify(side)
    client.get(reverse("notifications"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("notifications"))
    for n in range(30):
        _notify(side, subject=f"Number {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications"))
    assert len(many) == len(one)

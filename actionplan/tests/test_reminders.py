"""Weekly reminders: who gets what, with links, and never twice in a week."""
import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from actionplan.models import ReminderLog
from actionplan.tasks import send_weekly_reminders
from actionplan.tests.factories import ActionFactory

TODAY = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture
def plan(world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    side = world.own
    recent = timezone.now()
    side.action.last_update_at = recent
    side.action.save(update_fields=["last_update_at"])
    due = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2",
                        completion_date=TODAY + datetime.timedelta(days=14), last_update_at=recent)
    overdue = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.3",
                            completion_date=TODAY - datetime.timedelta(days=1), last_update_at=recent)
    ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.4",
                  completion_date=TODAY + datetime.timedelta(days=15), last_update_at=recent)  # not yet
    ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.5", status="completed",
                  completion_note="Done.", completion_date=TODAY - datetime.timedelta(days=5))  # closed
    stale = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.6",
                          last_update_at=recent - datetime.timedelta(days=200))
    world.other.action.last_update_at = recent
    world.other.action.save(update_fields=["last_update_at"])
    return side, due, overdue, stale


@pytest.mark.django_db
def test_each_lead_gets_their_agencys_actions_and_managers_a_summary(plan):
    side, due, overdue, stale = plan
    result = send_weekly_reminders.delay(TODAY.isoformat()).get()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    # Own and other partnership managers; own lead and other-agency members. The other side has nothing due.
    assert sorted(by_recipient) == ["lead@ashvale.example", "manager@ashvale.example", "manager@brookfield.example",
                                    "other@ashvale.example"]
    assert result["sent"] == 4
    lead = by_recipient["lead@ashvale.example"].body
    assert lead.index("1.3 ") < lead.index("1.2 ")  # overdue first
    assert "1.4 " not in lead and "1.5 " not in lead and "1.6 " not in lead
    # Each action's link is the lead's personal update link (see test_owners.py), not the sign-in route.
    assert re.search(rf"Update it: https://portal\.example\.org/update/[\w-]+/actions/{overdue.pk}/\n", lead)
    assert "overdue since 22 November 2026" in lead
    other = by_recipient["other@ashvale.example"].body
    assert "1.6 " in other and "no recent update" in other
    summary = by_recipient["manager@ashvale.example"].body
    assert "6 actions, 16.7% completed, 1 overdue, 1 with no recent update." in summary
    assert f"https://portal.example.org/p/ashvale/strategies/{side.strategy.pk}/progress/" in summary


@pytest.mark.django_db
def test_running_twice_in_a_week_sends_nothing_twice(plan):
    send_weekly_reminders.delay(TODAY.isoformat())
    first = len(mail.outbox)
    send_weekly_reminders.delay((TODAY + datetime.timedelta(days=3)).isoformat())
    assert len(mail.outbox) == first
    assert ReminderLog.objects.count() == first
    send_weekly_reminders.delay((TODAY + datetime.timedelta(days=7)).isoformat())
    assert len(mail.outbox) > first


@pytest.mark.django_db
def test_a_failed_send_is_not_logged_so_it_is_tried_again(plan, monkeypatch):
    import actionplan.services as services

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(services, "send_mail", broken)
    with pytest.raises(ConnectionError):
        send_weekly_reminders.delay(TODAY.isoformat())
    assert ReminderLog.objects.count() == 0

"""Owners keep updating: from the weekly reminder email to a saved update, a revised completion date, and one
action once after a new version. Every page is checked by axe and for reflow at 320 px (conftest.py).

Clicks are counted as a person would count them: opening the link in the email, choosing an option, pressing a
button. Typing into a field is counted apart, as a field. Seconds are printed for the report, never asserted.
"""
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from actionplan.models import Action, ActionStatus, CompletionDateChange
from actionplan.services import reminders_send
from actionplan.tests.factories import ActionFactory
from partnerships.tests.factories import TEST_PASSWORD
from reviews.versions import strategy_new_version
from strategy.models import Strategy

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}


class Counted:
    """The person's clicks and the fields they type into, on top of the audited portal tab."""

    def __init__(self, portal):
        self.portal, self.clicks, self.fields = portal, 0, 0

    def open_link(self, url):
        self.clicks += 1
        self.portal.goto(url.replace("http://testserver", "").replace(_base(), ""))

    def choose(self, label):
        self.clicks += 1
        self.portal.page.get_by_label(label, exact=True).check()

    def type(self, label, text):
        self.fields += 1
        self.portal.page.get_by_label(label).fill(text)

    def press(self, name, exact=False):
        self.clicks += 1
        self.portal.submit(name, exact=exact)


def _base():
    from django.conf import settings

    return settings.PORTAL_BASE_URL.rstrip("/")


def _due_soon(world):
    own = world.own
    action = own.action
    action.completion_date = timezone.localdate() + timedelta(days=10)
    action.save(update_fields=["completion_date"])
    second = ActionFactory(outcome=own.outcome, lead_agency=own.lead_agency, reference="1.2",
                           completion_date=timezone.localdate() + timedelta(days=12))
    return action, second


def _reminder_links(user):
    reminders_send(day=timezone.localdate())
    body = next(m.body for m in mail.outbox if m.to == [user.email] and "to update" in m.subject)
    return re.findall(r"Update it: (\S+)", body)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "390px"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["signed-out", "signed-in"])
def test_from_the_reminder_email_to_a_saved_update_in_three_clicks(portal, world, viewport, signed_in):
    own, page = world.own, portal.page
    page.set_viewport_size(viewport)
    action, second = _due_soon(world)
    if signed_in:
        portal.sign_in(own.users["member_lead"])
    links = _reminder_links(own.users["member_lead"])
    assert len(links) == 2 and "/update/" in links[0]

    person = Counted(portal)
    started = time.monotonic()
    person.open_link(links[0])
    assert page.get_by_text(f"Action {action.reference}").first.is_visible()
    assert page.get_by_text("Last update", exact=True).is_visible()
    assert page.get_by_text("Completion date", exact=True).first.is_visible()
    person.choose("On track")
    person.type("Progress (per cent)", "40")
    person.type("What has happened since the last update", "Two of five sessions delivered.")
    person.press("Save and go to the next action that needs an update")
    seconds = time.monotonic() - started

    action.refresh_from_db()
    assert (action.status, action.progress) == (ActionStatus.ON_TRACK, 40)
    update = action.updates.get()
    assert (update.author, update.narrative) == (own.users["member_lead"], "Two of five sessions delivered.")
    assert person.clicks <= 3, f"{person.clicks} clicks from the email to a saved update"
    # Saved, and already on the next action that needs an update.
    assert page.get_by_text(f"Update to action {action.reference} saved.").is_visible()
    assert page.get_by_text(f"Action {second.reference}").first.is_visible()
    print(f"\nOWNER LOOP {viewport['width']}px signed-{'in' if signed_in else 'out'}: "
          f"{person.clicks} clicks, {person.fields} fields, {seconds:.1f} s (scripted)")


def test_before_the_personal_link_signing_in_from_the_email(portal, world):
    """The route the reminder used to take (the signed-in update page), measured the same way for the report."""
    own = world.own
    action, _ = _due_soon(world)
    person = Counted(portal)
    started = time.monotonic()
    person.open_link(f"/p/{own.slug}/actions/{action.pk}/update/")
    person.type("Email address", own.users["member_lead"].email)
    person.type("Password", TEST_PASSWORD)
    person.press("Sign in", exact=True)
    person.choose("On track")
    person.type("Progress (per cent)", "40")
    person.type("What has happened since the last update", "Two of five sessions delivered.")
    person.press("Save update")
    seconds = time.monotonic() - started
    action.refresh_from_db()
    assert action.progress == 40
    print(f"\nBEFORE (sign in from the email): {person.clicks} clicks, {person.fields} fields, {seconds:.1f} s")


def test_an_owner_proposes_a_new_date_and_the_manager_accepts_it(portal, world):
    own, page = world.own, portal.page
    action = own.action
    original = timezone.localdate() - timedelta(days=5)
    action.completion_date = original
    action.save(update_fields=["completion_date"])
    portal.sign_in(own.users["member_lead"])
    portal.goto(f"/p/{own.slug}/actions/{action.pk}/update/")
    assert page.locator("main").get_by_text("Overdue").first.is_visible()
    page.get_by_label("On track", exact=True).check()
    page.get_by_label("Progress (per cent)").fill("50")
    portal.submit("Save update")
    assert page.get_by_text("cannot be on track").first.is_visible(), "On track beside Overdue is refused"

    portal.follow("Propose a new completion date", exact=True)
    new = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Day").fill(str(new.day))
    page.get_by_label("Month").fill(str(new.month))
    page.get_by_label("Year").fill(str(new.year))
    page.get_by_label("Why the action needs a new date").fill("The training provider withdrew; a new one starts soon.")
    portal.submit("Propose the new date")
    change = CompletionDateChange.objects.get(action=action)
    assert (change.status, change.proposed_date) == ("proposed", new)

    page.context.clear_cookies()
    portal.sign_in(own.users["manager"])
    portal.goto(f"/p/{own.slug}/actions/{action.pk}/")
    portal.follow("Accept or reject the new date")
    page.get_by_label("Accept the new date").check()
    portal.submit("Save decision")
    action.refresh_from_db()
    assert (action.completion_date, action.original_completion_date) == (new, original)
    main = page.locator("main")
    assert main.get_by_text(f"Originally {original:%-d %B %Y}").is_visible()
    assert main.get_by_text(f"{new:%-d %B %Y}").first.is_visible()

    page.context.clear_cookies()
    portal.sign_in(own.users["member_lead"])
    portal.goto(f"/p/{own.slug}/actions/{action.pk}/update/")
    assert page.locator("main").get_by_text("Overdue").count() == 0
    page.get_by_label("On track", exact=True).check()
    page.get_by_label("Progress (per cent)").fill("50")
    portal.submit("Save update")
    action.refresh_from_db()
    assert action.status == ActionStatus.ON_TRACK


def test_after_a_new_version_each_action_appears_once(portal, world):
    own, page = world.own, portal.page
    action, second = _due_soon(world)
    manager = own.users["manager"]
    Strategy.objects.filter(pk=own.strategy.pk).update(status="approved", date_agreed=timezone.localdate(),
                                                        agreed_by="The partnership board")
    new = strategy_new_version(strategy=own.strategy, actor=manager, version_label="2.0")
    assert Action.objects.filter(strategy=new, copied_from=action).count() == 1

    links = _reminder_links(own.users["member_lead"])
    assert len(links) == 2, "each action once in the email"
    portal.sign_in(own.users["member_lead"])
    portal.follow("My agency's actions")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert sorted(r.inner_text().split()[0] for r in rows.all()) == ["1.1", "1.2"]
    portal.goto(links[0].replace(_base(), ""))
    assert page.get_by_text(f"Action {action.reference}").first.is_visible()

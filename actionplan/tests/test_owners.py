"""Owners keep updating: the personal link in the reminder, what the update form shows, revised completion
dates, "save and go to the next", and one action once after a new version."""
import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actionplan import selectors, services
from actionplan.models import Action, ActionStatus, CompletionDateChange, StatusMeaning, UpdateLink
from actionplan.tests.factories import ActionFactory
from partnerships.models import AuditEvent, Membership
from partnerships.secret_links import token_hash
from reviews.versions import strategy_new_version, strategy_transition
from strategy.models import Strategy

TODAY = timezone.localdate()


def _lead(side):
    return Membership.objects.get(user=side.users["member_lead"], partnership=side.partnership)


@pytest.fixture
def due(world, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    side = world.own
    side.action.completion_date = TODAY + datetime.timedelta(days=7)
    side.action.save(update_fields=["completion_date"])
    second = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2",
                           completion_date=TODAY + datetime.timedelta(days=9))
    return side, side.action, second


def _links_in_email(user):
    body = next(m.body for m in mail.outbox if m.to == [user.email])
    return re.findall(r"Update it: https://portal\.example\.org(\S+)", body)


# -- The personal link ----------------------------------------------------------------------------


def test_the_reminder_carries_a_personal_link_stored_only_as_a_hash(due, client):
    side, action, second = due
    services.reminders_send(day=TODAY)
    paths = _links_in_email(side.users["member_lead"])
    assert paths == [f"/update/{paths[0].split('/')[2]}/actions/{action.pk}/",
                     f"/update/{paths[0].split('/')[2]}/actions/{second.pk}/"]
    token = paths[0].split("/")[2]
    link = UpdateLink.objects.get(membership=_lead(side))
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert link.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert AuditEvent.objects.filter(verb="update_link.issued", partnership=side.partnership).count() == 1

    response = client.get(paths[0])  # signed out
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and response["X-Robots-Tag"] == "noindex, nofollow"
    response = client.post(paths[0], {"status": "on_track", "progress": "30", "narrative": "Going well.",
                                      "version": action.version, "save_next": "1"})
    assert response.status_code == 302 and response["Location"] == paths[1]
    action.refresh_from_db()
    assert (action.status, action.progress) == ("on_track", 30)
    update = action.updates.get()
    assert update.author == side.users["member_lead"]
    link.refresh_from_db()
    assert link.use_count == 1 and link.last_used_at is not None
    assert AuditEvent.objects.filter(verb="update_link.used", object_id=str(action.pk)).exists()


def test_a_link_never_gives_more_than_the_membership(due, client):
    side, action, _ = due
    _, token = services.update_link_issue(membership=_lead(side))
    theirs = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.9")
    assert client.get(f"/update/{token}/actions/{theirs.pk}/").status_code == 404
    assert client.get(f"/update/{token}/actions/{world_other_action(side)}/").status_code == 404
    assert client.get(f"/p/{side.slug}/actions/{action.pk}/update/").status_code == 302  # no session from it
    # Leaving the agency's lead (or the partnership) ends what the link opens.
    Membership.objects.filter(pk=_lead(side).pk).update(agency=side.other_agency)
    assert client.get(f"/update/{token}/actions/{action.pk}/").status_code == 404
    Membership.objects.filter(pk=_lead(side).pk).update(is_active=False)
    assert client.get(f"/update/{token}/").status_code == 404


def world_other_action(side):
    return Action.objects.exclude(strategy__partnership=side.partnership).first().pk


def test_an_expired_or_unknown_link_opens_nothing(due, client):
    side, action, _ = due
    link, token = services.update_link_issue(membership=_lead(side))
    assert client.get(f"/update/not-{token}/actions/{action.pk}/").status_code == 404
    UpdateLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.post(f"/update/{token}/actions/{action.pk}/",
                           {"status": "on_track", "progress": "30", "version": action.version})
    assert response.status_code == 404 and b"This link has expired." in response.content
    assert action.updates.count() == 0


@pytest.mark.parametrize("case, message, sign_in", [
    ("unknown", "This link is not valid.", True),
    ("expired", "This link has expired.", True),
    ("left", "This link no longer opens anything.", False),
    ("two_step", "Your account signs in with two-step verification.", True),
])
def test_each_refusal_says_why_and_whether_signing_in_still_helps(due, client, monkeypatch, case, message, sign_in):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    side, action, _ = due
    link, token = services.update_link_issue(membership=_lead(side))
    if case == "unknown":
        token = f"not-{token}"
    elif case == "expired":  # a link is expired from the very moment it expires
        moment = timezone.now()
        UpdateLink.objects.filter(pk=link.pk).update(expires_at=moment)
        monkeypatch.setattr(services.timezone, "now", lambda: moment)
    elif case == "left":
        Membership.objects.filter(pk=_lead(side).pk).update(is_active=False)
    else:
        TOTPDevice.objects.create(user=side.users["member_lead"], name="Authenticator app", confirmed=True)
    with pytest.raises(services.LinkRefused) as refused:
        services.update_link_membership(token)
    assert (str(refused.value), refused.value.sign_in) == (message, sign_in)
    page = client.get(f"/update/{token}/actions/{action.pk}/")
    assert page.status_code == 404 and message in page.content.decode()
    # Where signing in can still get the person there, the page offers it; otherwise it says whom to ask.
    assert (">Sign in</a>" in page.content.decode()) is sign_in
    assert action.updates.count() == 0


def test_a_link_never_bypasses_two_step_verification(due, client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    side, action, _ = due
    _, token = services.update_link_issue(membership=_lead(side))
    TOTPDevice.objects.create(user=side.users["member_lead"], name="Authenticator app", confirmed=True)
    response = client.get(f"/update/{token}/actions/{action.pk}/")
    assert response.status_code == 404 and b"two-step verification" in response.content
    # A role the partnership requires it of is refused too.
    TOTPDevice.objects.all().delete()
    side.partnership.require_two_factor = True
    side.partnership.save(update_fields=["require_two_factor"])
    Membership.objects.filter(pk=_lead(side).pk).update(role="business_manager")
    assert client.get(f"/update/{token}/actions/{action.pk}/").status_code == 404


# -- The update form --------------------------------------------------------------------------------


def test_the_update_form_shows_the_due_date_the_last_update_and_the_partnerships_meanings(due, client):
    side, action, _ = due
    services.action_update_progress(action=action, actor=side.users["manager"], status="at_risk", progress=10,
                                    narrative="Trainer off sick.")
    services.status_meanings_set(partnership=side.partnership, meanings={"at_risk": "Needs the board's help."},
                                 actor=side.users["manager"])
    client.force_login(side.users["member_lead"])
    page = client.get(f"/p/{side.slug}/actions/{action.pk}/update/").content.decode()
    assert f"{action.completion_date:%-d %B %Y}" in page
    assert "Trainer off sick." in page and "At risk, 10%" in page
    assert "Needs the board&#x27;s help." in page  # the partnership's own words
    assert "Work has not begun yet." in page  # the default where it has none
    assert 'class="numberinput govuk-input govuk-input--width-5"' in page


def test_the_business_manager_edits_the_status_meanings(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    url = reverse("status_meanings", kwargs={"slug": side.slug})
    response = client.post(url, {"on_track": "Will finish on time.", "at_risk": ""})
    assert response.status_code == 302
    assert dict(StatusMeaning.objects.filter(partnership=side.partnership).values_list("status", "meaning")) == {
        "on_track": "Will finish on time.",
    }
    assert AuditEvent.objects.filter(verb="status_meanings.changed").exists()
    client.force_login(side.users["member_lead"])
    assert client.get(url).status_code == 403


def test_save_and_go_to_the_next_ends_on_my_agencys_actions(due, client):
    side, action, second = due
    client.force_login(side.users["member_lead"])
    post = {"status": "on_track", "progress": "20", "version": 1, "save_next": "1"}
    response = client.post(f"/p/{side.slug}/actions/{action.pk}/update/", post)
    assert response["Location"] == f"/p/{side.slug}/actions/{second.pk}/update/"
    response = client.post(f"/p/{side.slug}/actions/{second.pk}/update/", post)
    assert response["Location"] == f"/p/{side.slug}/my-actions/"


# -- A revised completion date ----------------------------------------------------------------------


def test_a_new_date_is_proposed_then_accepted_and_the_original_stays(world, client):
    side = world.own
    action = side.action
    original = TODAY - datetime.timedelta(days=3)
    Action.objects.filter(pk=action.pk).update(completion_date=original)
    action.refresh_from_db()
    assert Action.objects.filter(selectors.overdue_q(), pk=action.pk).exists()
    with pytest.raises(Exception, match="cannot be on track"):
        services.action_update_progress(action=action, actor=side.users["member_lead"], status="on_track",
                                        progress=10)

    client.force_login(side.users["member_lead"])
    new = TODAY + datetime.timedelta(days=40)
    response = client.post(reverse("action_date_propose", kwargs={"slug": side.slug, "pk": action.pk}), {
        "proposed_date_0": new.day, "proposed_date_1": new.month, "proposed_date_2": new.year,
        "reason": "The provider withdrew.",
    })
    assert response.status_code == 302
    change = CompletionDateChange.objects.get(action=action)
    assert (change.status, change.date_before, change.proposed_date) == ("proposed", original, new)

    url = reverse("date_change_decide", kwargs={"slug": side.slug, "pk": change.pk})
    assert client.get(url).status_code == 403  # the owner cannot decide
    client.force_login(side.users["manager"])
    response = client.post(url, {"decision": "reject"})
    assert response.status_code == 200 and b"Say why the new date is not accepted." in response.content
    assert client.post(url, {"decision": "accept"}).status_code == 302
    action.refresh_from_db()
    assert (action.completion_date, action.original_completion_date) == (new, original)
    assert not Action.objects.filter(selectors.overdue_q(), pk=action.pk).exists()
    assert f"(revised from {original:%b %Y})" in action.timing_label  # the plan and the document
    services.action_update_progress(action=action, actor=side.users["member_lead"], status="on_track", progress=10)

    page = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": action.pk})).content.decode()
    assert f"Originally {original:%-d %B %Y}" in page and f"{new:%-d %B %Y}" in page


def test_the_api_gives_the_original_date_beside_the_current_one(world, api_client_for):
    side = world.own
    Action.objects.filter(pk=side.action.pk).update(completion_date=TODAY, original_completion_date=TODAY
                                                    - datetime.timedelta(days=30))
    api = api_client_for(side.users["manager"])
    body = api.get(f"/api/v1/actions/{side.action.pk}/").json()
    assert body["completion_date"] == TODAY.isoformat()
    assert body["original_completion_date"] == (TODAY - datetime.timedelta(days=30)).isoformat()


def test_a_rejected_date_leaves_the_action_as_it_was(world):
    side = world.own
    Action.objects.filter(pk=side.action.pk).update(completion_date=TODAY)
    change = services.date_change_propose(action=side.action, proposed_date=TODAY + datetime.timedelta(days=9),
                                          reason="Late start.", actor=side.users["member_lead"])
    services.date_change_decide(change=change, accept=False, note="The board needs it this year.",
                                actor=side.users["manager"])
    side.action.refresh_from_db()
    assert (side.action.completion_date, side.action.original_completion_date) == (TODAY, None)
    assert AuditEvent.objects.filter(verb="action.date_change_rejected").exists()


# -- One action, once -------------------------------------------------------------------------------


def test_after_a_new_version_each_action_appears_once_and_carries_on(due):
    side, action, second = due
    manager, member = side.users["manager"], side.users["member_lead"]
    Strategy.objects.filter(pk=side.strategy.pk).update(status="published", date_agreed=TODAY,
                                                        date_launched=TODAY, agreed_by="Board",
                                                        next_review_date=TODAY + datetime.timedelta(days=365))
    new = strategy_new_version(strategy=side.strategy, actor=manager, version_label="2.0")
    copy = Action.objects.get(strategy=new, copied_from=action)

    assert [a.pk for a in selectors.my_agency_actions(_lead(side))] == [action.pk, second.pk]
    leads = [lead for lead in selectors.reminder_leads(day=TODAY) if lead["user"] == member]
    assert [a.pk for a in leads[0]["actions"]] == [action.pk, second.pk]
    services.reminders_send(day=TODAY)
    assert len(_links_in_email(member)) == 2

    # The owner keeps updating the live version while the new one is drafted...
    services.action_update_progress(action=action, actor=member, status="at_risk", progress=35,
                                    narrative="Half the venues booked.")
    # ... and when the new version is published the copy carries on from there.
    Strategy.objects.filter(pk=new.pk).update(status="approved", date_agreed=TODAY, agreed_by="Board")
    new.refresh_from_db()
    strategy_transition(strategy=new, actor=manager, target="published", date_launched=TODAY,
                        next_review_date=TODAY + datetime.timedelta(days=365))
    copy.refresh_from_db()
    assert (copy.status, copy.progress, copy.copied_from_id) == (ActionStatus.AT_RISK, 35, action.pk)
    assert selectors.last_update(copy).narrative == "Half the venues booked."
    assert [a.pk for a in selectors.my_agency_actions(_lead(side))] == [
        copy.pk, Action.objects.get(strategy=new, copied_from=second).pk,
    ]


def test_the_api_refuses_on_track_for_an_overdue_action_with_a_field_error(world, api_client_for):
    side = world.own
    Action.objects.filter(pk=side.action.pk).update(completion_date=TODAY - datetime.timedelta(days=1))
    api = api_client_for(side.users["member_lead"])
    response = api.patch(f"/api/v1/actions/{side.action.pk}/", {"status": "on_track", "progress": 20},
                         format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 400
    assert "cannot be on track" in response.json()["status"][0]

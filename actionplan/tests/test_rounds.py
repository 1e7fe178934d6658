"""Update rounds: meetings, the round page, requests for updates, reminders that follow the round, the board
pack and the home page's next meeting."""
import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from actionplan import selectors, services
from actionplan.models import (
    BoardPack,
    RoundSettings,
    SteeringGroupMeeting,
    UpdateRequestAction,
    UpdateRequestRecipient,
)
from actionplan.tests.factories import ActionFactory
from partnerships.models import AuditEvent, DocumentStatus, Notification, NotificationKind, Role
from partnerships.notifications import notifications_send_digest
from partnerships.tests.factories import MembershipFactory, UserFactory

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def mailbox(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def meeting(side, date, actor=None):
    return services.meeting_create(partnership=side.partnership, date=date, actor=actor or side.users["manager"])


def updated(action, when):
    action.last_update_at = when
    action.save(update_fields=["last_update_at"])
    return action


# --- Meetings and their rounds ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_meeting_closes_a_round_opening_the_day_after_the_meeting_before(world):
    side = world.own
    first = meeting(side, datetime.date(2027, 1, 20))
    second = meeting(side, datetime.date(2027, 4, 14))
    services.round_settings_update(partnership=side.partnership, updates_due_days=10, actor=side.users["manager"])
    one, two = selectors.partnership_rounds(side.partnership.pk)
    assert (one.meeting, one.due_on, one.opens_on) == (first, datetime.date(2027, 1, 10), datetime.date(2026, 12, 13))
    assert (two.meeting, two.due_on, two.opens_on) == (second, datetime.date(2027, 4, 4), datetime.date(2027, 1, 21))
    assert two.state(datetime.date(2027, 1, 20)) == "upcoming" and two.state(datetime.date(2027, 1, 21)) == "open"
    assert two.state(datetime.date(2027, 4, 15)) == "closed"
    assert selectors.next_round(side.partnership.pk, datetime.date(2027, 1, 21)).meeting == second
    verbs = list(AuditEvent.objects.filter(partnership=side.partnership, verb__startswith="round.")
                 .values_list("verb", flat=True).order_by("id"))
    assert verbs == ["round.meeting_recorded", "round.meeting_recorded", "round.settings_changed"]


@pytest.mark.django_db
def test_the_default_is_seven_days_and_a_meeting_is_recorded_once(world):
    side = world.own
    meeting(side, datetime.date(2027, 1, 20))
    assert selectors.partnership_rounds(side.partnership.pk)[0].due_on == datetime.date(2027, 1, 13)
    with pytest.raises(ValidationError) as error:
        meeting(side, datetime.date(2027, 1, 20))
    assert "already recorded" in str(error.value)
    with pytest.raises(ValidationError):
        services.round_settings_update(partnership=side.partnership, updates_due_days=91, actor=side.users["manager"])
    assert not RoundSettings.objects.filter(updates_due_days=91).exists()


@pytest.mark.django_db
def test_the_manager_records_a_meeting_and_bad_dates_are_explained(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    url = reverse("round_list", kwargs={"slug": side.slug})
    response = client.post(url, {"date_0": "31", "date_1": "4", "date_2": "2027"})
    assert response.status_code == 200
    assert "The date must be a real date" in response.content.decode()
    response = client.post(url, {"date_0": "30", "date_1": "4", "date_2": "2027"})
    assert response.status_code == 302
    assert list(SteeringGroupMeeting.objects.filter(partnership=side.partnership).values_list("date", flat=True)) == [
        datetime.date(2027, 4, 30)]
    response = client.post(reverse("round_settings", kwargs={"slug": side.slug}), {"updates_due_days": "-1"})
    assert response.status_code == 200 and "govuk-error-message" in response.content.decode()
    client.post(reverse("round_settings", kwargs={"slug": side.slug}), {"updates_due_days": "5"})
    assert RoundSettings.objects.get(partnership=side.partnership).updates_due_days == 5


# --- The round page --------------------------------------------------------------------------------------


@pytest.fixture
def open_round(world):
    """A round open today (meeting in 20 days, the previous one 30 days ago), the world's action updated in it
    and a second action of the other agency not updated."""
    side = world.own
    meeting(side, TODAY - 30 * DAY)
    current = meeting(side, TODAY + 20 * DAY)
    services.action_update_progress(action=side.action, actor=side.users["member_lead"], status="on_track",
                                    progress=30, narrative="Training booked for March.")
    side.stale = updated(ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.2"),
                         timezone.now() - 40 * DAY)
    return side, current


@pytest.mark.django_db
def test_the_round_page_shows_who_has_updated_per_agency_and_action(open_round, client):
    side, current = open_round
    client.force_login(side.users["scrutineer"])
    response = client.get(reverse("round_detail", kwargs={"slug": side.slug, "pk": current.pk}))
    page = response.content.decode()
    assert "1 updated, 1 not updated (of 2)" in page
    assert "Ashvale Police" in page and "Ashvale Council" in page
    assert "Not updated" in page and "Updated " in page
    assert "Request an update" not in page  # the scrutineer reads only
    assert response.context["progress"]["agencies"][0]["agency"] == side.other_agency
    assert [(r["updated"], r["not_updated"]) for r in response.context["progress"]["agencies"]] == [(0, 1), (1, 0)]


@pytest.mark.django_db
def test_a_steering_group_member_sees_their_own_agencys_part(open_round, client):
    side, current = open_round
    client.force_login(side.users["member_other"])
    response = client.get(reverse("round_detail", kwargs={"slug": side.slug, "pk": current.pk}))
    page = response.content.decode()
    assert "0 updated, 1 not updated (of 1)" in page
    assert "Ashvale Council" in page and "Ashvale Police" not in page
    assert "Board pack" not in page


def _more_actions(side, n):
    for i in range(n):
        agency = side.lead_agency if i % 2 else side.other_agency
        action = ActionFactory(outcome=side.outcome, lead_agency=agency, reference=f"1.{10 + i}")
        services.action_update_progress(action=action, actor=side.users["manager"], status="on_track", progress=5)
        services.update_request_send(partnership=side.partnership, actions=[action], actor=side.users["manager"])


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 6])
def test_the_round_page_reads_in_fixed_queries(open_round, client, django_assert_num_queries, extra):
    side, current = open_round
    _more_actions(side, extra)
    client.force_login(side.users["manager"])
    url = reverse("round_detail", kwargs={"slug": side.slug, "pk": current.pk})
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["progress"]["total"] == 2 + extra


@pytest.mark.django_db
@pytest.mark.parametrize("meetings", [1, 8])
def test_the_rounds_list_reads_in_fixed_queries(world, client, django_assert_num_queries, meetings):
    side = world.own
    for i in range(meetings):
        meeting(side, TODAY + (30 * i) * DAY)
    client.force_login(side.users["manager"])
    url = reverse("round_list", kwargs={"slug": side.slug})
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["rounds"]) == meetings


# --- Requests for updates -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_emails_each_lead_once_per_batch_and_once_a_day(world, mailbox, django_capture_on_commit_callbacks):
    side = world.own
    second_lead = MembershipFactory(partnership=side.partnership, role=Role.STEERING_MEMBER, agency=side.lead_agency,
                                    user=UserFactory(email="deputy@ashvale.example")).user
    MembershipFactory(partnership=side.partnership, role=Role.STEERING_MEMBER, agency=side.lead_agency,
                      is_active=False, user=UserFactory(email="left@ashvale.example"))
    more = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2")
    council = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.3")
    closed = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.4", status="completed",
                           completion_note="Done.")
    current = meeting(side, TODAY + 10 * DAY)
    manager = side.users["manager"]
    with django_capture_on_commit_callbacks(execute=True):
        request = services.update_request_send(partnership=side.partnership, actions=[side.action, more, council,
                                                                                         closed],
                                               actor=manager, meeting=current, message="For the March board.",
                                               day=TODAY)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == ["deputy@ashvale.example", "lead@ashvale.example", "other@ashvale.example"]
    lead = by_recipient["lead@ashvale.example"]
    assert lead.subject == "Ashvale Safeguarding Children Partnership: please update 2 actions"
    assert "1.1 " in lead.body and "1.2 " in lead.body and "1.3 " not in lead.body
    assert "For the March board." in lead.body
    # Each link is the member's personal update link: it opens the update page without signing in.
    link = next(line.split("Update it: ")[1] for line in lead.body.splitlines() if f"/actions/{more.pk}/" in line)
    assert link.startswith("https://portal.example.org/update/") and "The links above are yours alone" in lead.body
    assert Client().get(link.removeprefix("https://portal.example.org")).status_code == 200
    assert f"steering group meeting on {current.date:%-d %B %Y}" in lead.body
    assert sorted(UpdateRequestAction.objects.filter(request=request).values_list("action__reference", flat=True)) == [
        "1.1", "1.2", "1.3"]
    assert AuditEvent.objects.filter(verb="action.update_requested").count() == 3
    assert AuditEvent.objects.get(verb="round.update_requested").summary == "3 actions, 3 people emailed"
    assert AuditEvent.objects.filter(verb="update_link.issued").count() == 3
    # Each of them finds the request in the portal's notifications list, already emailed: never a second email.
    asked = Notification.objects.get(user__email="lead@ashvale.example")
    assert (asked.kind, asked.subject, asked.url) == (
        NotificationKind.UPDATE_REQUESTED, "Please update 2 actions", "/p/ashvale/my-actions/")
    assert "For the March board." in asked.body and "1.2 " in asked.body and asked.emailed_at is not None

    # A second batch the same day is recorded on the action but emails nobody already emailed today.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_request_send(partnership=side.partnership, actions=[side.action], actor=manager, day=TODAY)
    assert mail.outbox == []
    assert side.action.update_request_items.count() == 2
    # Listed in the portal all the same, and never sent later by the digest either.
    assert Notification.objects.filter(user=second_lead, kind=NotificationKind.UPDATE_REQUESTED).count() == 2
    assert notifications_send_digest(now=timezone.now() + datetime.timedelta(days=8)) == 0 and mail.outbox == []
    assert UpdateRequestRecipient.objects.filter(user=second_lead, emailed_on__isnull=True).count() == 1
    # The next day they may be asked again.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_request_send(partnership=side.partnership, actions=[side.action], actor=manager,
                                     day=TODAY + DAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy@ashvale.example", "lead@ashvale.example"]


@pytest.mark.django_db
def test_a_request_carries_no_personal_link_for_someone_who_signs_in_with_two_step_verification(
        world, mailbox, django_capture_on_commit_callbacks):
    side = world.own
    lead = side.users["member_lead"]
    TOTPDevice.objects.create(user=lead, name="phone", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_request_send(partnership=side.partnership, actions=[side.action],
                                     actor=side.users["manager"], day=TODAY)
    (email,) = [m for m in mail.outbox if m.to == [lead.email]]
    assert f"https://portal.example.org/p/ashvale/actions/{side.action.pk}/update/" in email.body
    assert "/update/" not in email.body.split("/actions/")[0] and "yours alone" not in email.body
    assert not AuditEvent.objects.filter(verb="update_link.issued").exists()


@pytest.mark.django_db
def test_a_request_needs_an_open_action_of_the_partnership(world):
    side = world.own
    with pytest.raises(ValidationError):
        services.update_request_send(partnership=side.partnership, actions=[world.other.action],
                                     actor=side.users["manager"])
    with pytest.raises(ValidationError):
        services.update_request_send(partnership=side.partnership, actions=[], actor=side.users["manager"])


@pytest.mark.django_db
def test_the_manager_asks_a_whole_agency_from_the_round_page(open_round, client, mailbox,
                                                            django_capture_on_commit_callbacks):
    side, current = open_round
    client.force_login(side.users["manager"])
    url = reverse("update_request_create", kwargs={"slug": side.slug, "pk": current.pk})
    response = client.post(url, {})
    assert response.status_code == 200 and "Choose the actions, or an agency" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"agencies": [side.other_agency.pk], "message": "Before the board, please."})
    assert response.status_code == 302
    assert [m.to[0] for m in mail.outbox] == ["other@ashvale.example"]
    detail = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.stale.pk})).content.decode()
    assert "Updates requested" in detail and "asked Ashvale Council for an update" in detail
    round_page = client.get(reverse("round_detail", kwargs={"slug": side.slug, "pk": current.pk})).content.decode()
    assert "Update requested " in round_page


# --- Reminders follow the round ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_follow_the_round_and_are_sent_once_a_week(world, mailbox):
    side = world.own
    day = datetime.date(2027, 3, 1)  # a Monday
    meeting(side, datetime.date(2027, 1, 5))
    meeting(side, day + 15 * DAY)  # due on 9 March: reminders run from 23 February
    updated(side.action, timezone.make_aware(datetime.datetime(2027, 1, 10)))  # in the round already
    ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2",
                  last_update_at=timezone.make_aware(datetime.datetime(2027, 1, 4)))  # before the round opened
    assert selectors.reminder_leads(day=datetime.date(2027, 2, 22)) == [] or all(
        lead["partnership"] != side.partnership for lead in selectors.reminder_leads(day=datetime.date(2027, 2, 22)))
    leads = [lead for lead in selectors.reminder_leads(day=day) if lead["partnership"] == side.partnership]
    assert [(lead["user"].email, [a.reference for a in lead["actions"]]) for lead in leads] == [
        ("lead@ashvale.example", ["1.2"])]
    assert services.reminders_send(day=day) >= 1
    body = next(m.body for m in mail.outbox if m.to == ["lead@ashvale.example"])
    assert "The steering group meets on 16 March 2027. Updates are due by 9 March 2027" in body
    assert "1.2 " in body and "1.1 " not in body
    mail.outbox.clear()
    services.reminders_send(day=day + 2 * DAY)
    assert [m for m in mail.outbox if m.to == ["lead@ashvale.example"]] == []
    # After the meeting there is no open round: no lead reminders for this partnership.
    assert [lead for lead in selectors.reminder_leads(day=day + 16 * DAY) if lead["partnership"] == side.partnership
            ] == []


# --- The board pack ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_board_pack_is_a_tagged_pdf_of_the_rounds_data(open_round, client, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    side, current = open_round
    overdue = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.3",
                            completion_date=TODAY - 3 * DAY, text="Publish the harmful sexual behaviour pathway.")
    client.force_login(side.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("board_pack_create", kwargs={"slug": side.slug, "pk": current.pk}))
    assert response.status_code == 302
    pack = BoardPack.objects.get(meeting=current)
    assert pack.status == DocumentStatus.DONE and pack.page_count >= 1
    page = client.get(reverse("round_detail", kwargs={"slug": side.slug, "pk": current.pk})).content.decode()
    assert "Download the board pack" in page and "data-refresh-seconds" not in page
    download = client.get(reverse("board_pack_download", kwargs={"slug": side.slug, "pk": pack.pk}))
    assert download["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    text = " ".join(p.extract_text() for p in reader.pages)
    text = " ".join(text.split())
    assert f"Board pack: steering group meeting on {current.date:%-d %B %Y}" in text
    assert "Updated since the last meeting 1" in text
    assert "Training booked for March." in text  # what changed, by aim
    assert "Not started to On track; 0% to 30%" in text
    assert f"1.3 {overdue.text}" in text  # overdue
    assert "Ashvale Council: 2 not updated" in text  # who has not updated
    assert AuditEvent.objects.filter(verb="board_pack.downloaded", actor=side.users["manager"]).exists()


@pytest.mark.django_db
def test_rendering_a_pack_again_changes_nothing(open_round):
    side, current = open_round
    pack = BoardPack.objects.create(meeting=current, requested_by=side.users["manager"])
    services.board_pack_render(pack_id=pack.pk)
    pack.refresh_from_db()
    name = pack.file.name
    services.board_pack_render(pack_id=pack.pk)
    pack.refresh_from_db()
    assert pack.file.name == name
    assert AuditEvent.objects.filter(verb="board_pack.rendered").count() == 1


# --- The home page ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_home_page_lists_the_agencys_actions_needing_an_update_before_the_meeting(open_round, client):
    side, current = open_round
    client.force_login(side.users["member_other"])
    page = client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
    assert f"Next steering group meeting: {current.date:%-d %B %Y}" in page
    assert "1 of Ashvale Council's actions needs an update by" in page
    assert reverse("action_update", kwargs={"slug": side.slug, "pk": side.stale.pk}) in page
    client.force_login(side.users["member_lead"])
    page = client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
    assert "actions are all up to date for this meeting" in page
    client.force_login(side.users["viewer"])
    page = client.get(reverse("partnership", kwargs={"slug": side.slug})).content.decode()
    assert "Next steering group meeting" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 6])
def test_the_request_page_reads_in_fixed_queries(open_round, client, django_assert_num_queries, extra):
    side, current = open_round
    for i in range(extra):
        ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference=f"1.{20 + i}")
    client.force_login(side.users["manager"])
    url = reverse("update_request_create", kwargs={"slug": side.slug, "pk": current.pk})
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url + f"?agency={side.lead_agency.pk}")
    page = response.content.decode()
    assert page.count('name="actions"') == 2 + extra
    import re

    assert re.search(rf'name="agencies"[^>]*value="{side.lead_agency.pk}"[^>]*checked', page)


@pytest.mark.django_db
def test_the_manager_removes_a_meeting_recorded_by_mistake(open_round, client):
    side, current = open_round
    client.force_login(side.users["manager"])
    url = reverse("meeting_delete", kwargs={"slug": side.slug, "pk": current.pk})
    response = client.post(url, {})
    assert response.status_code == 200 and SteeringGroupMeeting.objects.filter(pk=current.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not SteeringGroupMeeting.objects.filter(pk=current.pk).exists()
    assert AuditEvent.objects.filter(verb="round.meeting_removed", actor=side.users["manager"]).exists()

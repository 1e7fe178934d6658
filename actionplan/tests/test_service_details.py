"""Details of the action plan's services that whole flows do not pin down: the label kept for an uploaded
file's name, the update request's email itself, and the board pack's place in the document pipeline."""
import datetime

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from actionplan import services
from actionplan.models import BoardPack, ReminderKind, ReminderLog, UpdateLink, UpdateRequest
from actionplan.services import BOARD_PACK, _display_name
from partnerships import documents


@pytest.mark.parametrize("uploaded, label", [
    ("minutes.pdf", "minutes.pdf"),
    ("C:\\Users\\Sam\\Desktop\\minutes.pdf", "minutes.pdf"),
    ("reports/2026/q3/minutes.pdf", "minutes.pdf"),
    ("../../etc/passwd", "passwd"),
    ('X-ray "EXIT" <notes>.pdf', "X-ray EXIT notes.pdf"),
    ("line\nbreak\tand\x00nul.docx", "linebreakandnul.docx"),
    ("  spaced name.pdf  ", "spaced name.pdf"),
    ("a" * 250 + ".pdf", "a" * 200),
    ("", "evidence"),
    (None, "evidence"),
    ("   ", "evidence"),
    ("folder/", "evidence"),
])
def test_an_uploaded_files_name_is_kept_as_a_plain_label(uploaded, label):
    """Only the last part of the path, printable, without quotes or angle brackets, at most 200 characters;
    a name that leaves nothing becomes "evidence"."""
    assert _display_name(uploaded) == label


@pytest.fixture
def request_of(world):
    side = world.own
    request = UpdateRequest.objects.create(partnership=side.partnership, requested_by=side.users["manager"],
                                           message="")
    return side, request


@pytest.mark.django_db
def test_the_request_email_for_one_action_with_a_personal_link(request_of, settings):
    side, request = request_of
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    settings.DEFAULT_FROM_EMAIL = "Ashvale partnership <partnership@ashvale.example>"
    member = side.users["member_lead"]
    membership = member.memberships.get(partnership=side.partnership)
    link = services.update_link_issue(membership=membership)
    link[0].expires_at = timezone.make_aware(datetime.datetime(2027, 1, 5, 12))
    services.send_update_request_email(recipient=member, partnership=side.partnership, actions=[side.action],
                                       request=request, link=link)
    (email,) = mail.outbox
    assert email.subject == "Ashvale Safeguarding Children Partnership: please update 1 action"
    assert email.from_email == "Ashvale partnership <partnership@ashvale.example>"
    assert email.to == ["lead@ashvale.example"]
    assert f"Update it: https://portal.example.org/update/{link[1]}/actions/{side.action.pk}/" in email.body
    assert "without signing in, until 5 January 2027." in email.body
    assert "All your agency's actions: https://portal.example.org/p/ashvale/my-actions/" in email.body
    assert "//update/" not in email.body and "//p/" not in email.body


@pytest.mark.django_db
def test_the_request_email_without_a_link_names_the_signed_in_page(request_of, settings):
    side, request = request_of
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    services.send_update_request_email(recipient=side.users["member_lead"], partnership=side.partnership,
                                       actions=[side.action, side.action], request=request)
    (email,) = mail.outbox
    assert email.subject == "Ashvale Safeguarding Children Partnership: please update 2 actions"
    assert f"Update it: https://portal.example.org/p/ashvale/actions/{side.action.pk}/update/" in email.body
    assert "yours alone" not in email.body and not UpdateLink.objects.exists()


@pytest.mark.django_db
def test_the_board_pack_is_registered_with_the_document_pipeline(world, django_assert_num_queries, monkeypatch):
    """The registration itself, called again here into an empty registry: it runs once at start-up, where no
    test would see a mistake in it until a board pack failed in the worker."""
    monkeypatch.setattr(documents, "KINDS", {})
    services.register_documents()
    assert list(documents.KINDS) == [BOARD_PACK]
    registered = documents.kind(BOARD_PACK)
    assert (registered.name, registered.model, registered.verb) == (BOARD_PACK, BoardPack, "board_pack")
    assert registered.render is services._render_board_pack
    side = world.own
    meeting = services.meeting_create(partnership=side.partnership, date=timezone.localdate() + datetime.timedelta(days=9),
                                      actor=side.users["manager"])
    pack = BoardPack.objects.create(meeting=meeting, requested_by=side.users["manager"])
    with django_assert_num_queries(1):
        loaded = registered.rows().get(pk=pack.pk)
        assert registered.partnership_of(loaded) == side.partnership


@pytest.mark.django_db
def test_a_reminder_is_logged_with_its_action_count_and_sent_once_a_week(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example.org/"
    settings.DEFAULT_FROM_EMAIL = "reminders@ashvale.example"
    side = world.own
    calls = []

    def send():
        return services._send_once(
            partnership=side.partnership, recipient=side.users["member_lead"], kind=ReminderKind.LEAD,
            week_start=datetime.date(2027, 1, 4), action_count=3, subject="Three actions to update",
            template="actionplan/email/_update_url.txt",
            context={"partnership": side.partnership, "action": side.action},
            extra_context=lambda: calls.append("due") or {},
        )

    assert send() is True
    assert send() is False
    log = ReminderLog.objects.get()
    assert (log.recipient, log.kind, log.week_start, log.action_count) == (
        side.users["member_lead"], ReminderKind.LEAD, datetime.date(2027, 1, 4), 3)
    assert [(m.from_email, m.subject, m.body) for m in mail.outbox] == [
        ("reminders@ashvale.example", "Three actions to update", f"https://portal.example.org/p/ashvale/actions/{side.action.pk}/update/")]
    assert calls == ["due"]


@pytest.mark.django_db
def test_a_reminder_a_concurrent_run_logged_first_is_not_sent(world, settings, monkeypatch):
    """Two runs at once: the second's insert fails on the unique week; it sends nothing and says so."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    side = world.own

    def logged_first(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(ReminderLog.objects, "get_or_create", logged_first)
    sent = services._send_once(
        partnership=side.partnership, recipient=side.users["member_lead"], kind=ReminderKind.LEAD,
        week_start=datetime.date(2027, 1, 4), action_count=1, subject="One action to update",
        template="actionplan/email/_link_note.txt", context={},
    )
    assert sent is False and mail.outbox == []

"""What each record type's retention does, and files that go with their rows: notifications, invitations,
personal update links, rendered reports and board packs are deleted after their period; audit cases are
anonymised (their profile stays for the audit's figures); a stored file never outlives its row."""
import datetime
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from actionplan import services as actionplan_services
from actionplan.models import BoardPack, UpdateLink
from audits.models import AuditCase
from audits.tests.factories import AuditCaseFactory
from partnerships import retention
from partnerships.models import AuditEvent, DocumentStatus, Membership, Notification, RenderedDocument

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _aged(obj, field, days):
    type(obj).objects.filter(pk=obj.pk).update(**{field: NOW - timedelta(days=days)})


def test_every_policy_has_a_period_and_every_period_a_policy(settings):
    assert set(retention.POLICIES) == set(settings.RETENTION_DAYS)


def test_old_notifications_and_expired_links_go_and_recent_ones_stay(world):
    side = world.own
    user = side.users["member_lead"]
    old, recent = (Notification.objects.create(user=user, partnership=side.partnership, kind="mentioned",
                                               subject=s) for s in ("old", "recent"))
    _aged(old, "created_at", 366)
    membership = Membership.objects.get(user=user, partnership=side.partnership)
    expired, _ = actionplan_services.update_link_issue(membership=membership)
    live, _ = actionplan_services.update_link_issue(membership=membership)
    _aged(expired, "expires_at", 91)
    result = retention.apply_retention(now=NOW)
    assert result["notification"] == 1 and result["update_link"] == 1
    assert list(Notification.objects.values_list("subject", flat=True)) == ["recent"]
    assert list(UpdateLink.objects.values_list("pk", flat=True)) == [live.pk]


def test_a_rendered_report_and_a_board_pack_go_with_their_files(world, django_capture_on_commit_callbacks):
    side = world.own
    document = RenderedDocument.objects.create(partnership=side.partnership, kind="annual_report",
                                               status=DocumentStatus.DONE)
    document.file.save("r.pdf", ContentFile(b"%PDF-1.7 report"), save=True)
    meeting = actionplan_services.meeting_create(partnership=side.partnership, date=datetime.date(2025, 1, 8),
                                                 actor=side.users["manager"])
    pack = BoardPack.objects.create(meeting=meeting, status=DocumentStatus.DONE)
    pack.file.save("p.pdf", ContentFile(b"%PDF-1.7 pack"), save=True)
    names = [document.file.name, pack.file.name]
    assert all(default_storage.exists(n) for n in names)
    _aged(document, "requested_at", 181)
    _aged(pack, "requested_at", 2 * 365 + 1)
    with django_capture_on_commit_callbacks(execute=True):
        result = retention.apply_retention(now=NOW)
    assert result["rendered_document"] == 1 and result["board_pack"] == 1
    assert not RenderedDocument.objects.exists() and not BoardPack.objects.exists()
    assert not any(default_storage.exists(n) for n in names)


def test_a_file_is_kept_when_its_rows_deletion_is_rolled_back(world):
    from django.db import transaction

    meeting = actionplan_services.meeting_create(partnership=world.own.partnership, date=datetime.date(2025, 1, 8),
                                                 actor=world.own.users["manager"])
    pack = BoardPack.objects.create(meeting=meeting, status=DocumentStatus.DONE)
    pack.file.save("p.pdf", ContentFile(b"%PDF-1.7 pack"), save=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        actionplan_services.meeting_delete(meeting=meeting, actor=world.own.users["manager"])
        raise RuntimeError("rolled back")
    assert BoardPack.objects.filter(pk=pack.pk).exists() and default_storage.exists(pack.file.name)


def test_deleting_a_meeting_deletes_its_board_packs_files(world, django_capture_on_commit_callbacks):
    meeting = actionplan_services.meeting_create(partnership=world.own.partnership, date=datetime.date(2025, 1, 8),
                                                 actor=world.own.users["manager"])
    pack = BoardPack.objects.create(meeting=meeting, status=DocumentStatus.DONE)
    pack.file.save("p.pdf", ContentFile(b"%PDF-1.7 pack"), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        actionplan_services.meeting_delete(meeting=meeting, actor=world.own.users["manager"])
    assert not default_storage.exists(pack.file.name)


def test_old_audit_cases_are_anonymised_once_and_keep_their_profile(world):
    old = AuditCaseFactory(audit=world.own.audit, reference="ASH-2023-001", notes="Seen by the school nurse.")
    recent = AuditCaseFactory(audit=world.own.audit, reference="ASH-2026-002", notes="Recent.")
    _aged(old, "created_at", 2 * 365 + 1)
    profile = (old.age_band, old.gender, old.ethnicity_group, old.disability)
    assert retention.apply_retention(now=NOW)["audit_case"] == 1
    old.refresh_from_db()
    assert old.notes == "" and "ASH" not in old.reference and old.anonymised_at is not None
    assert (old.age_band, old.gender, old.ethnicity_group, old.disability) == profile
    assert AuditCase.objects.get(pk=recent.pk).notes == "Recent."
    assert AuditEvent.objects.filter(verb="audit.case_anonymised", object_id=str(old.pk)).count() == 1
    assert retention.apply_retention(now=NOW)["audit_case"] == 0  # never twice

"""Records past their retention period are deleted or anonymised, and each run is logged."""
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from partnerships import retention
from partnerships.models import AuditEvent
from partnerships.tasks import apply_retention

pytestmark = pytest.mark.django_db


def _event(days_old, verb):
    event = AuditEvent.objects.create(verb=verb)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days_old))
    return event


def test_it_deletes_audit_events_older_than_their_retention_and_keeps_the_rest(settings, caplog):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_event": 30}
    _event(31, "old.one"), _event(45, "old.two"), _event(29, "recent")
    with caplog.at_level(logging.INFO, logger="partnerships.retention"):
        result = apply_retention.delay().get()
    assert result["audit_event"] == 2
    assert sorted(AuditEvent.objects.values_list("verb", flat=True)) == ["recent", "retention.applied"]
    run = AuditEvent.objects.get(verb="retention.applied")
    assert run.changes["record_type"] == "audit_event" and run.changes["count"] == 2
    assert "audit_event: 2 record(s) older than 30 days" in caplog.text


def test_a_registered_record_type_can_anonymise_instead_of_deleting(settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_event": 10_000, "test_case": 7}
    old, recent = _event(8, "case.old"), _event(1, "case.recent")

    def anonymise(queryset):
        return queryset.update(summary="", changes={})

    AuditEvent.objects.filter(pk__in=[old.pk, recent.pk]).update(summary="Case detail")
    retention.register("test_case", queryset=lambda: AuditEvent.objects.filter(verb__startswith="case."),
                       date_field="created_at", action=anonymise)
    try:
        assert retention.apply_retention()["test_case"] == 1
    finally:
        retention.POLICIES.pop("test_case")
    assert AuditEvent.objects.get(pk=old.pk).summary == ""
    assert AuditEvent.objects.get(pk=recent.pk).summary == "Case detail"


def test_the_nightly_run_is_scheduled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["apply-retention"]["task"] == "partnerships.tasks.apply_retention"
    assert {"audit_event", "audit_case", "access_attempt"} <= set(settings.RETENTION_DAYS)

"""Retention: records older than their retention period (settings.RETENTION_DAYS) are deleted or
anonymised by a nightly task, and each run is logged and written to the audit trail.

A record type joins by registering a policy, usually from its app's `ready()`:

    retention.register("audit_case", queryset=lambda: AuditCase.objects.all(), date_field="closed_at",
                       action=anonymise_cases)

`action` receives the queryset of expired records and returns how many it dealt with; the default
deletes them. Audit cases are expected to anonymise (blank the free text, keep the findings' counts),
so the audit's figures survive."""
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


def delete_all(queryset):
    deleted, _ = queryset.delete()
    return deleted


@dataclass(frozen=True)
class Policy:
    record_type: str
    queryset: Callable
    date_field: str
    action: Callable = delete_all


POLICIES: dict[str, Policy] = {}


def register(record_type, *, queryset, date_field, action=delete_all):
    """Add (or replace) the retention policy for `record_type`; its period is RETENTION_DAYS[record_type]."""
    POLICIES[record_type] = Policy(record_type, queryset, date_field, action)


def _audit_events():
    from .models import AuditEvent

    return AuditEvent.objects.all()


def _access_attempts():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.all()


def _notifications():
    from .models import Notification

    return Notification.objects.all()


def _invitations():
    from .models import Invitation

    return Invitation.objects.all()


def _rendered_documents():
    from .models import RenderedDocument

    return RenderedDocument.objects.all()


register("audit_event", queryset=_audit_events, date_field="created_at")
register("access_attempt", queryset=_access_attempts, date_field="attempt_time")
register("notification", queryset=_notifications, date_field="created_at")
# An invitation keeps a person's email address: gone some time after it expired (accepted ones made their
# membership, which keeps its own record).
register("invitation", queryset=_invitations, date_field="expires_at")
# Rendered annual reports are rendered again on demand; their files go with them (uploads.delete_files_with_rows:
# a queryset's delete sends each row's post_delete once a receiver is connected).
register("rendered_document", queryset=_rendered_documents, date_field="requested_at")


def apply_retention(*, now=None):
    """Apply every registered policy whose record type has a retention period; returns {type: count}."""
    from .audit import record

    now = now or timezone.now()
    results = {}
    for record_type, policy in POLICIES.items():
        days = settings.RETENTION_DAYS.get(record_type)
        if not days:
            continue
        cutoff = now - timedelta(days=days)
        with transaction.atomic():
            expired = policy.queryset().filter(**{f"{policy.date_field}__lt": cutoff})
            count = policy.action(expired)
            if count:
                record(actor=None, verb="retention.applied",
                       summary=f"{record_type}: {count} record(s) older than {days} days",
                       changes={"record_type": record_type, "count": count, "cutoff": cutoff.isoformat()})
        results[record_type] = count
        logger.info("Retention: %s: %d record(s) older than %d days dealt with", record_type, count, days)
    return results

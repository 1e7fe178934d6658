"""Writes for the published document: exports, their rendering, scrutiny challenges and branding.

Each write runs in a transaction and records who did it in the audit trail.
"""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnerships.audit import diff, record
from partnerships.errors import ConflictError
from partnerships.models import AuditEvent, NotificationKind
from partnerships.notifications import notify, notify_business_managers
from partnerships.tasks_support import enqueue

from .models import (
    ChallengeEntry,
    ChallengeStatus,
    ExportChallenge,
    ExportSeen,
    ExportStatus,
    PartnershipBranding,
    StrategyExport,
)

logger = logging.getLogger(__name__)


# --- The published document ----------------------------------------------------------------------


def export_request(*, strategy, actor):
    """Ask for the strategy's document. Unchanged content reuses the last finished export at once (or
    the one already being rendered); otherwise a queued export is created and rendered in the background
    (in-process with no broker). Returns (export, created)."""
    from .document import build_document, fingerprint_of
    from .tasks import render_strategy_export

    html, snapshot = build_document(strategy)
    fingerprint = fingerprint_of(html)
    same_content = StrategyExport.objects.filter(strategy=strategy, fingerprint=fingerprint).order_by("-requested_at")
    existing = same_content.filter(status=ExportStatus.DONE).exclude(file="").first()
    if existing is None:
        # The same content already on its way: wait for it rather than render it twice.
        existing = next((e for e in same_content.filter(status__in=[ExportStatus.QUEUED, ExportStatus.RENDERING])
                         if not e.is_stalled()), None)
    if existing is not None:
        with transaction.atomic():
            record(actor=actor, verb="export.reused", obj=existing, partnership=strategy.partnership)
        return existing, False
    with transaction.atomic():
        export = StrategyExport.objects.create(
            strategy=strategy, requested_by=actor, version_label=strategy.version_label,
            strategy_status=strategy.status, fingerprint=fingerprint, content_snapshot=snapshot,
        )
        record(actor=actor, verb="export.requested", obj=export, partnership=strategy.partnership)
        transaction.on_commit(lambda: enqueue(render_strategy_export, export.pk))
    export.refresh_from_db()
    return export, True


@transaction.atomic
def export_retry(*, export, actor):
    """Queue a failed or stalled export again (a worker died, or the task was lost)."""
    from .tasks import render_strategy_export

    current = StrategyExport.objects.select_for_update().get(pk=export.pk)
    if not current.is_retryable():
        raise ValidationError("Only a failed export, or one that has stopped making progress, can be tried again.")
    previous = current.status
    current.status, current.error, current.started_at, current.finished_at = ExportStatus.QUEUED, "", None, None
    current.save(update_fields=["status", "error", "started_at", "finished_at"])
    record(actor=actor, verb="export.retried", obj=current, partnership=current.strategy.partnership,
           changes={"status": [previous, ExportStatus.QUEUED]})
    transaction.on_commit(lambda: enqueue(render_strategy_export, current.pk))
    return current


def export_render(*, export_id):
    """Render a queued (or failed, or interrupted) export. Idempotent: a finished export is left alone."""
    import time

    from django.core.files.base import ContentFile

    from .document import build_document, fingerprint_of, render_pdf

    with transaction.atomic():
        export = StrategyExport.objects.select_for_update().select_related("strategy__partnership").get(pk=export_id)
        if export.status == ExportStatus.DONE:
            return export
        export.status, export.started_at, export.error = ExportStatus.RENDERING, timezone.now(), ""
        export.save(update_fields=["status", "started_at", "error"])
    started = time.perf_counter()
    try:
        html, snapshot = build_document(export.strategy)
        pdf_bytes, pages = render_pdf(html)
    except Exception as exc:  # recorded on the export, which can be tried again
        from celery.exceptions import SoftTimeLimitExceeded
        from django.conf import settings

        logger.exception("Export %s failed", export_id)
        error = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SoftTimeLimitExceeded):
            error = f"The render was stopped after {settings.EXPORT_RENDER_TIME_LIMIT} seconds (EXPORT_RENDER_TIME_LIMIT)."
        with transaction.atomic():
            # Another run of the same export may have finished meanwhile: its document stands.
            failed = StrategyExport.objects.filter(pk=export.pk).exclude(status=ExportStatus.DONE).update(
                status=ExportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
            )
            export.refresh_from_db()
            if failed:
                record(actor=None, verb="export.failed", obj=export, partnership=export.strategy.partnership,
                       summary=export.error[:300])
        return export
    with transaction.atomic():
        export = StrategyExport.objects.select_for_update().get(pk=export_id)
        if export.status == ExportStatus.DONE:
            # Two runs of one export overlapped (a task handed out again after its worker was lost, or a retry
            # of an export that only looked stalled): the first to finish keeps its file, this one writes none.
            return export
        # The content is what was rendered now, which may differ from when it was asked for.
        export.fingerprint = fingerprint_of(html)
        export.content_snapshot = snapshot
        # A file already at this name was left by a run that died between writing it and committing: no export
        # refers to it, so it is replaced rather than kept beside a second, suffixed copy.
        name = export.file.field.generate_filename(export, f"{export.pk}.pdf")
        if export.file.storage.exists(name):
            export.file.storage.delete(name)
        export.file.save(f"{export.pk}.pdf", ContentFile(pdf_bytes), save=False)
        export.page_count = pages
        export.render_seconds = round(time.perf_counter() - started, 3)
        export.status, export.finished_at = ExportStatus.DONE, timezone.now()
        export.save(update_fields=[
            "fingerprint", "content_snapshot", "file", "page_count", "render_seconds", "status", "finished_at",
        ])
        record(actor=None, verb="export.rendered", obj=export, partnership=export.strategy.partnership,
               summary=f"{pages} pages")
        if export.requested_by_id:
            strategy = export.strategy
            notify(
                user=export.requested_by, partnership=strategy.partnership, kind=NotificationKind.EXPORT_READY,
                subject=f"The document of {strategy.title} {strategy.period_label} is ready",
                body=f"Version {export.version_label}, {pages} pages.",
                url=_export_url(export),
            )
    return export


def _export_url(export, anchor=""):
    return reverse("export_detail", kwargs={"slug": export.strategy.partnership.slug, "pk": export.pk}) + anchor


@transaction.atomic
def export_mark_seen(*, export, user):
    """Remember that `user` opened or downloaded this export (the first time only)."""
    ExportSeen.objects.get_or_create(export=export, user=user)


@transaction.atomic
def export_record_download(*, export, actor):
    """Log a download of the document as a read in the audit trail."""
    export_mark_seen(export=export, user=actor)
    record(actor=actor, verb="export.downloaded", obj=export, partnership=export.strategy.partnership,
           kind=AuditEvent.Kind.READ)


# --- Scrutiny: challenges on an export -----------------------------------------------------------


def _challenge_step(challenge, *, actor, kind, text, status_to):
    status_from = challenge.status
    challenge.status = status_to
    challenge.version += 1
    challenge.save(update_fields=["status", "version", "updated_at"])
    ChallengeEntry.objects.create(
        challenge=challenge, author=actor, kind=kind, text=text, status_from=status_from, status_to=status_to,
    )
    record(actor=actor, verb=f"challenge.{kind}", obj=challenge, partnership=challenge.export.strategy.partnership,
           changes={"status": [status_from, status_to]})
    return challenge


def _locked_challenge(challenge, expected_version):
    current = ExportChallenge.objects.select_for_update().select_related("export__strategy__partnership").get(
        pk=challenge.pk
    )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("Someone else answered this challenge while you were writing.", current=current)
    return current


@transaction.atomic
def challenge_raise(*, export, actor, text, section_key="", page_reference=""):
    """A scrutineer challenges an export, on the whole document or on one of its sections."""
    sections = {s["key"]: s["title"] for s in (export.content_snapshot or {}).get("sections", [])}
    if section_key and section_key not in sections:
        raise ValidationError({"section_key": "Choose a section of this export."})
    challenge = ExportChallenge(
        export=export, author=actor, section_key=section_key, section_title=sections.get(section_key, ""),
        page_reference=page_reference.strip(), text=text.strip(),
    )
    challenge.full_clean()
    challenge.save()
    ChallengeEntry.objects.create(
        challenge=challenge, author=actor, kind=ChallengeEntry.Kind.RAISED, text=challenge.text,
        status_to=ChallengeStatus.OPEN,
    )
    record(actor=actor, verb="challenge.raised", obj=challenge, partnership=export.strategy.partnership,
           summary=challenge.where)
    notify_business_managers(
        partnership=export.strategy.partnership, kind=NotificationKind.CHALLENGE_RAISED, exclude=actor,
        subject=f"{actor.full_name or actor.email} challenged the document of {export.strategy.title}",
        body=f"{challenge.where}: {challenge.text[:1000]}", url=_export_url(export, f"#challenge-{challenge.pk}"),
    )
    return challenge


@transaction.atomic
def challenge_respond(*, challenge, actor, text, expected_version=None):
    """The business manager answers an open challenge."""
    current = _locked_challenge(challenge, expected_version)
    if current.status == ChallengeStatus.CLOSED:
        raise ValidationError("This challenge is closed.")
    if not text.strip():
        raise ValidationError({"text": "Enter your response."})
    answered = _challenge_step(current, actor=actor, kind=ChallengeEntry.Kind.RESPONSE, text=text.strip(),
                               status_to=ChallengeStatus.RESPONDED)
    export = answered.export
    notify(
        user=answered.author, partnership=export.strategy.partnership, kind=NotificationKind.CHALLENGE_ANSWERED,
        subject=f"Your challenge was answered ({answered.where})",
        body=text.strip()[:1000], url=_export_url(export, f"#challenge-{answered.pk}"),
    )
    return answered


@transaction.atomic
def challenge_follow_up(*, challenge, actor, text, expected_version=None):
    """The scrutineer is not satisfied with a response and reopens the challenge with a note."""
    current = _locked_challenge(challenge, expected_version)
    if current.status == ChallengeStatus.CLOSED:
        raise ValidationError("This challenge is closed.")
    if not text.strip():
        raise ValidationError({"text": "Enter your follow-up."})
    return _challenge_step(current, actor=actor, kind=ChallengeEntry.Kind.FOLLOW_UP, text=text.strip(),
                           status_to=ChallengeStatus.OPEN)


@transaction.atomic
def challenge_close(*, challenge, actor, text="", expected_version=None):
    """The scrutineer closes a challenge they are satisfied with."""
    current = _locked_challenge(challenge, expected_version)
    if current.status == ChallengeStatus.CLOSED:
        raise ValidationError("This challenge is already closed.")
    return _challenge_step(current, actor=actor, kind=ChallengeEntry.Kind.CLOSED, text=text.strip(),
                           status_to=ChallengeStatus.CLOSED)


# --- Branding ------------------------------------------------------------------------------------


@transaction.atomic
def branding_update(*, partnership, actor, accent_colour, logo_alt, logo=None, logo_format="", remove_logo=False):
    """Set the partnership's accent colour and logo. `logo` is an already validated image (bytes)."""
    from django.core.files.base import ContentFile

    branding, _ = PartnershipBranding.objects.select_for_update().get_or_create(partnership=partnership)
    before = {"accent_colour": branding.accent_colour, "logo_alt": branding.logo_alt, "logo": branding.logo.name}
    old_file = branding.logo.name if (logo is not None or remove_logo) else ""
    branding.accent_colour, branding.logo_alt = accent_colour.lower(), logo_alt.strip()
    if remove_logo:
        branding.logo, branding.logo_format = "", ""
    if logo is not None:
        branding.logo_format = logo_format
        branding.logo.save("logo", ContentFile(logo), save=False)
    branding.full_clean()
    branding.save()
    if old_file:
        storage = branding.logo.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    changes = diff(branding, ("accent_colour", "logo_alt"), before)
    if branding.logo.name != before["logo"]:
        changes["logo"] = "changed"
    record(actor=actor, verb="branding.updated", obj=branding, partnership=partnership, changes=changes)
    return branding

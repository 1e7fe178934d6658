"""Writes for the published document: exports, their rendering, scrutiny challenges and branding.

Each write runs in a transaction and records who did it in the audit trail.
"""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from partnerships import documents
from partnerships.audit import diff, record
from partnerships.errors import ConflictError
from partnerships.models import AuditEvent, NotificationKind
from partnerships.notifications import notify, notify_business_managers

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


EXPORT_DOCUMENT = "strategy_export"


def _render_export(export):
    """Build the strategy's document from the database as it is now and render it (in the worker)."""
    from partnerships.word import render_docx_if_possible

    from . import document

    # Taken before the build: a change made during the render leaves the stored fingerprint older than the
    # content, so the next request renders again rather than reusing a document that misses the change.
    fingerprint = document.document_fingerprint(export.strategy)
    html, snapshot = document.build_document(export.strategy)
    pdf_bytes, pages = document.render_pdf(html)
    # The Word version from the very same HTML, in the same job: one status for both, and it costs a small
    # fraction of the PDF's layout.
    return documents.Rendered(pdf_bytes, pages, {"fingerprint": fingerprint, "content_snapshot": snapshot},
                              docx=render_docx_if_possible(html))


def register_documents():
    """Called from ExportsConfig.ready(): the strategy's document joins the background pipeline."""
    documents.register(documents.DocumentKind(
        name=EXPORT_DOCUMENT, model=StrategyExport, render=_render_export, verb="export",
        partnership_of=lambda export: export.strategy.partnership,
        queryset=lambda: StrategyExport.objects.select_related("strategy__partnership"),
        on_done=_notify_export_ready,
    ))


def _notify_export_ready(export):
    """Whoever asked for the export learns it is ready."""
    if export.requested_by_id:
        strategy = export.strategy
        notify(
            user=export.requested_by, partnership=strategy.partnership, kind=NotificationKind.EXPORT_READY,
            subject=f"The document of {strategy.title} {strategy.period_label} is ready",
            body=f"Version {export.version_label}, {export.page_count} pages.",
            url=_export_url(export),
        )


def export_request(*, strategy, actor):
    """Ask for the strategy's document. Unchanged content reuses the last finished export at once (or
    the one already being rendered); otherwise a queued export is created and rendered by the worker.
    Nothing is rendered here: the fingerprint comes from record versions. Returns (export, created)."""
    from .document import document_fingerprint

    fingerprint = document_fingerprint(strategy)
    same_content = StrategyExport.objects.filter(strategy=strategy, fingerprint=fingerprint).order_by("-requested_at")
    # An export finished before documents had a Word version is not reused: asking again gives both.
    existing = same_content.filter(status=ExportStatus.DONE).exclude(file="").exclude(docx_file="").first()
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
            strategy_status=strategy.status, fingerprint=fingerprint,
        )
        record(actor=actor, verb="export.requested", obj=export, partnership=strategy.partnership)
        documents.queue(EXPORT_DOCUMENT, export.pk)
    export.refresh_from_db()
    return export, True


@transaction.atomic
def export_retry(*, export, actor):
    """Queue a failed or stalled export again (a worker died, or the task was lost)."""
    current = StrategyExport.objects.select_for_update().get(pk=export.pk)
    if not current.is_retryable():
        raise ValidationError("Only a failed export, or one that has stopped making progress, can be tried again.")
    previous = current.status
    current.status, current.error, current.started_at, current.finished_at = ExportStatus.QUEUED, "", None, None
    current.save(update_fields=["status", "error", "started_at", "finished_at"])
    record(actor=actor, verb="export.retried", obj=current, partnership=current.strategy.partnership,
           changes={"status": [previous, ExportStatus.QUEUED]})
    documents.queue(EXPORT_DOCUMENT, current.pk)
    return current


def export_render(*, export_id):
    """Render a queued (or failed, or interrupted) export. Idempotent: a finished export is left alone."""
    return documents.render_stored(EXPORT_DOCUMENT, export_id)


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

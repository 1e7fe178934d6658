"""Writes to strategies. Each runs in a transaction and records who did it."""
import hashlib
import logging

from django.db import transaction
from django.utils import timezone

from partnership_portal.audit import diff, record
from partnership_portal.errors import ConflictError
from partnership_portal.tasks_support import enqueue

from .models import ExportStatus, IntendedOutcome, Section, SectionKind, StrategicAim, Strategy, StrategyExport
from .template import TEMPLATE_SECTIONS

logger = logging.getLogger(__name__)

STRATEGY_FIELDS = ("title", "period_start", "period_end", "vision", "strapline", "version_label")


@transaction.atomic
def strategy_create(*, partnership, actor, title, period_start, period_end, vision="", strapline="", version_label="1.0"):
    """Create a draft strategy with the eleven template sections in order."""
    strategy = Strategy(
        partnership=partnership, title=title, period_start=period_start, period_end=period_end,
        vision=vision, strapline=strapline, version_label=version_label, created_by=actor,
    )
    strategy.full_clean()
    strategy._history_user = actor
    strategy.save()
    Section.objects.bulk_create(
        Section(strategy=strategy, kind=SectionKind.TEMPLATE, template_key=t.key, title=t.title, position=t.number * 10)
        for t in TEMPLATE_SECTIONS
    )
    record(actor=actor, verb="strategy.created", obj=strategy, partnership=partnership, summary=str(strategy))
    return strategy


@transaction.atomic
def strategy_update(*, strategy, actor, **fields):
    """Change a strategy's headline fields (title, period, vision, strapline, version)."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    before = {name: getattr(strategy, name) for name in STRATEGY_FIELDS}
    for name, value in fields.items():
        if name not in STRATEGY_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(strategy, name, value)
    strategy.full_clean()
    changes = diff(strategy, STRATEGY_FIELDS, before)
    if changes:
        strategy._history_user = actor
        strategy.save(update_fields=[*changes, "updated_at"])
        record(actor=actor, verb="strategy.updated", obj=strategy, partnership=strategy.partnership, changes=changes)
    return strategy


@transaction.atomic
def section_update(*, section, actor, title, body, expected_revision):
    """Save a section's text, refusing the write if someone else saved it since `expected_revision`."""
    current = Section.objects.select_for_update().get(pk=section.pk)
    if current.revision != expected_revision:
        raise ConflictError("This section was changed by someone else while you were editing it.", current=current)
    before = {"title": current.title, "body": current.body}
    current.title, current.body = title, body
    current.full_clean()
    changes = diff(current, ("title", "body"), before)
    if not changes:
        return current
    current.revision += 1
    current._history_user = actor
    current.save(update_fields=["title", "body", "revision", "updated_at"])
    record(
        actor=actor, verb="section.updated", obj=current, partnership=current.strategy.partnership,
        summary=current.title, changes={k: "changed" for k in changes},
    )
    return current


@transaction.atomic
def aim_create(*, strategy, actor, title, what_this_means="", what_we_want_to_see="", number=None):
    """Add a strategic aim, numbered after the last one unless a number is given."""
    if number is None:
        last = strategy.aims.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    aim = StrategicAim(
        strategy=strategy, number=number, title=title,
        what_this_means=what_this_means, what_we_want_to_see=what_we_want_to_see,
    )
    aim.full_clean()
    aim._history_user = actor
    aim.save()
    record(actor=actor, verb="aim.created", obj=aim, partnership=strategy.partnership, summary=str(aim))
    return aim


@transaction.atomic
def outcome_create(*, aim, actor, text, number=None):
    """Add an intended outcome to an aim, numbered after the last one unless a number is given."""
    if number is None:
        last = aim.outcomes.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    outcome = IntendedOutcome(aim=aim, number=number, text=text)
    outcome.full_clean()
    outcome._history_user = actor
    outcome.save()
    record(actor=actor, verb="outcome.created", obj=outcome, partnership=aim.strategy.partnership, summary=str(outcome))
    return outcome


def export_request(*, strategy, actor):
    """Ask for the strategy's document. Unchanged content reuses the last finished export at once;
    otherwise a queued export is created and rendered in the background (in-process with no broker)."""
    from .export import build_document_html
    from .tasks import render_strategy_export

    html = build_document_html(strategy)
    fingerprint = hashlib.sha256(html.encode("utf-8")).hexdigest()
    existing = (
        StrategyExport.objects.filter(strategy=strategy, fingerprint=fingerprint, status=ExportStatus.DONE)
        .order_by("-requested_at")
        .first()
    )
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
        transaction.on_commit(lambda: enqueue(render_strategy_export, export.pk))
    export.refresh_from_db()
    return export, True


def export_render(*, export_id):
    """Render a queued (or failed, or interrupted) export. Idempotent: a finished export is left alone."""
    import time

    from django.core.files.base import ContentFile

    from .export import build_document_html, render_pdf

    with transaction.atomic():
        export = StrategyExport.objects.select_for_update().select_related("strategy__partnership").get(pk=export_id)
        if export.status == ExportStatus.DONE:
            return export
        export.status, export.started_at, export.error = ExportStatus.RENDERING, timezone.now(), ""
        export.save(update_fields=["status", "started_at", "error"])
    started = time.perf_counter()
    try:
        html = build_document_html(export.strategy)
        pdf_bytes, pages = render_pdf(html)
    except Exception as exc:  # recorded on the export, which can be asked for again
        logger.exception("Export %s failed", export_id)
        StrategyExport.objects.filter(pk=export.pk).update(
            status=ExportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000], finished_at=timezone.now()
        )
        export.refresh_from_db()
        return export
    fingerprint = hashlib.sha256(html.encode("utf-8")).hexdigest()
    with transaction.atomic():
        export = StrategyExport.objects.select_for_update().get(pk=export_id)
        export.fingerprint = fingerprint
        export.file.save(f"{export.pk}.pdf", ContentFile(pdf_bytes), save=False)
        export.page_count = pages
        export.render_seconds = round(time.perf_counter() - started, 3)
        export.status, export.finished_at = ExportStatus.DONE, timezone.now()
        export.save(update_fields=["fingerprint", "file", "page_count", "render_seconds", "status", "finished_at"])
    return export

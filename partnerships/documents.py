"""The one pipeline for every PDF (and its Word version) the portal offers: asked for in a request, rendered by a worker, kept.

A web request never renders a PDF. It computes the document's fingerprint from the versions of the records
the document shows (a few indexed queries, no rendering), reuses a finished or queued document with that
fingerprint, or else creates a queued one and sends its id to the worker. The worker renders it through the
kind's registered renderer and stores the file.

Each kind of document registers itself from its own app's `ready()`, so this core module never imports the
apps above it:

    documents.register(DocumentKind(name="annual_report", model=RenderedDocument, render=..., ...))

With the broker unreachable the document waits, QUEUED, and is sent again by `requeue_waiting` (every minute
from beat, and by the page that shows the document's progress); it is never rendered in the request.
"""
import functools
import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .audit import record
from .models import AuditEvent, DocumentStatus
from .tasks_support import enqueue

logger = logging.getLogger(__name__)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Rendered:
    """What a renderer gives back: the PDF, its page count, fields to save on the row with the file, and the
    Word version when the kind makes one (kept in the row's `docx_file`)."""

    pdf: bytes
    pages: int
    fields: dict = field(default_factory=dict)
    docx: bytes = None


@dataclass
class DocumentKind:
    name: str
    model: type
    # render(obj) -> Rendered: builds the content from the database as it is now, and renders it.
    render: Callable
    # partnership_of(obj): the partnership the audit rows belong to.
    partnership_of: Callable
    # Prefix of the audit verbs: "<verb>.rendered", "<verb>.failed".
    verb: str
    # Loads the row with what render needs (a select_related queryset).
    queryset: Callable = None
    # on_done(obj): called in the transaction that stores the finished document (for example to notify).
    on_done: Callable = None

    def rows(self):
        return self.queryset() if self.queryset else self.model.objects.all()


KINDS = {}


def register(kind):
    KINDS[kind.name] = kind
    return kind


def kind(name):
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"No document kind {name!r} is registered (registered: {', '.join(sorted(KINDS))})") from None


# --- Fingerprints --------------------------------------------------------------------------------

# Audit verbs of the document pipeline itself, and of reads: they change nothing a document shows.
# Recorded events that change nothing a document shows: the pipeline's own, notifications and personal
# links, which a finished export or a weekly reminder records, and an action-plan import asked for or failed
# (an applied one records its actions' changes).
PIPELINE_VERB_PREFIXES = ("export.", "document.", "board_pack.", "challenge.", "notification.", "update_link.",
                          "plan_import.")


def last_change_id(partnership_id):
    """The id of the partnership's latest recorded change: every write goes through a service that records
    one in the same transaction, so this rises with every change to the partnership's records (aims,
    outcomes, priorities, governance, measures, local data, audits, training needs, agencies...).
    One indexed query, newest first."""
    events = AuditEvent.objects.filter(partnership_id=partnership_id, kind=AuditEvent.Kind.CHANGE)
    for prefix in PIPELINE_VERB_PREFIXES:
        events = events.exclude(verb__startswith=prefix)
    return events.order_by("-id").values_list("id", flat=True).first() or 0


def fingerprint(*parts):
    """A stable digest of the versions a document was built from."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


@functools.cache
def code_digest(template_folder, *source_files):
    """A digest of a document's templates (a folder under the template directories) and of the source files
    that fill them: part of its fingerprint, so a release that changes the layout renders documents afresh.
    Computed once per process."""
    digest = hashlib.sha256()
    paths = [Path(f) for f in source_files]
    for root in (d for config in settings.TEMPLATES for d in config.get("DIRS", ())):
        folder = Path(root) / template_folder
        if folder.is_dir():
            paths.extend(sorted(p for p in folder.rglob("*") if p.is_file()))
    for path in paths:
        digest.update(str(path.name).encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- Queueing ------------------------------------------------------------------------------------


def send(kind_name, pk):
    """Send a render to the worker now (not in a transaction). Never renders here: with the broker down the
    document stays QUEUED and `requeue_waiting` sends it again."""
    return enqueue("documents.render", kind_name, pk, in_process_if_unreachable=False)


def queue(kind_name, pk):
    """Send the render once the current transaction commits."""
    transaction.on_commit(lambda: send(kind_name, pk))


def waiting_too_long(obj, now=None):
    """Queued and not started for longer than the queue should take: its message may have been lost."""
    wait = timedelta(seconds=getattr(settings, "DOCUMENT_REQUEUE_AFTER_SECONDS", 60))
    return (obj.status == DocumentStatus.QUEUED and obj.started_at is None
            and (now or timezone.now()) - obj.requested_at > wait)


def nudge(kind_name, obj):
    """Send a document again if it has waited too long (called by the page that shows its progress)."""
    if waiting_too_long(obj):
        send(kind_name, obj.pk)
        return True
    return False


def requeue_waiting(*, now=None):
    """Send again every document that has waited too long in its queue (the broker was down when it was
    asked for, or the message was lost). Rendering is idempotent, so a second delivery does no harm."""
    now = now or timezone.now()
    wait = timedelta(seconds=getattr(settings, "DOCUMENT_REQUEUE_AFTER_SECONDS", 60))
    sent = {}
    for name, registered in KINDS.items():
        ids = list(registered.model.objects.filter(
            status=DocumentStatus.QUEUED, started_at__isnull=True, requested_at__lt=now - wait,
        ).values_list("pk", flat=True))
        for pk in ids:
            send(name, pk)
        sent[name] = len(ids)
    return sent


# --- Rendering (in the worker) -------------------------------------------------------------------


def render_stored(kind_name, pk):
    """Render a queued (or failed, or interrupted) document and store it. Idempotent: a finished one is left
    alone, and when two runs overlap the first to finish keeps the only file."""
    registered = kind(kind_name)
    model = registered.model
    with transaction.atomic():
        obj = registered.rows().select_for_update().get(pk=pk)
        if obj.status == DocumentStatus.DONE:
            return obj
        obj.status, obj.started_at, obj.error = DocumentStatus.RENDERING, timezone.now(), ""
        obj.save(update_fields=["status", "started_at", "error"])
    started = time.perf_counter()
    try:
        rendered = registered.render(obj)
    except Exception as exc:  # recorded on the row, which can be tried again
        from celery.exceptions import SoftTimeLimitExceeded

        logger.exception("Rendering %s %s failed", kind_name, pk)
        error = f"{type(exc).__name__}: {exc}"
        if isinstance(exc, SoftTimeLimitExceeded):
            error = f"The render was stopped after {settings.EXPORT_RENDER_TIME_LIMIT} seconds (EXPORT_RENDER_TIME_LIMIT)."
        with transaction.atomic():
            # Another run of the same document may have finished meanwhile: its file stands.
            failed = model.objects.filter(pk=pk).exclude(status=DocumentStatus.DONE).update(
                status=DocumentStatus.FAILED, error=error[:2000], finished_at=timezone.now()
            )
            obj.refresh_from_db()
            if failed:
                record(actor=None, verb=f"{registered.verb}.failed", obj=obj,
                       partnership=registered.partnership_of(obj), summary=obj.error[:300])
        return obj
    with transaction.atomic():
        obj = registered.rows().select_for_update().get(pk=pk)
        if obj.status == DocumentStatus.DONE:
            return obj
        for name, value in rendered.fields.items():
            setattr(obj, name, value)
        # A file already at this name was left by a run that died between writing it and committing: no row
        # refers to it, so it is replaced rather than kept beside a second, suffixed copy.
        name = obj.file.field.generate_filename(obj, f"{obj.pk}.pdf")
        if obj.file.storage.exists(name):
            obj.file.storage.delete(name)
        obj.file.save(f"{obj.pk}.pdf", ContentFile(rendered.pdf), save=False)
        stored = [*rendered.fields, "file"]
        if rendered.docx is not None:
            name = obj.docx_file.field.generate_filename(obj, f"{obj.pk}.docx")
            if obj.docx_file.storage.exists(name):
                obj.docx_file.storage.delete(name)
            obj.docx_file.save(f"{obj.pk}.docx", ContentFile(rendered.docx), save=False)
            stored.append("docx_file")
        obj.page_count = rendered.pages
        obj.render_seconds = round(time.perf_counter() - started, 3)
        obj.status, obj.finished_at = DocumentStatus.DONE, timezone.now()
        obj.save(update_fields=[*stored, "page_count", "render_seconds", "status", "finished_at"])
        record(actor=None, verb=f"{registered.verb}.rendered", obj=obj, partnership=registered.partnership_of(obj),
               summary=f"{rendered.pages} pages")
        if registered.on_done is not None:
            registered.on_done(obj)
    return obj

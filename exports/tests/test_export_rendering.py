"""Exports in the background: fingerprint, reuse, failure and retry, stalled renders, downloads."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exports import document as export_module
from exports.models import ExportSeen, ExportStatus, StrategyExport
from exports.services import export_render, export_request, export_retry
from partnerships.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def fast_render(monkeypatch):
    """Stand in for WeasyPrint where the test is about the export's life, not the layout."""
    calls = []

    def fake_render(html):
        calls.append(html)
        return b"%PDF-1.7 rendered " + str(len(calls)).encode(), 3

    monkeypatch.setattr(export_module, "render_pdf", fake_render)
    return calls


def files_of(export):
    """The files in storage named for this export (the world's own finished export sits in the same folder)."""
    folder = f"exports/{export.strategy.partnership_id}"
    return [f"{folder}/{name}" for name in export.file.storage.listdir(folder)[1] if name.endswith(f"-{export.pk}.pdf")]


def request_export(side, capture, actor=None):
    with capture(execute=True):
        return export_request(strategy=side.strategy, actor=actor or side.users["manager"])


def test_it_renders_in_the_background_and_reuses_an_unchanged_document(
    world, fast_render, django_capture_on_commit_callbacks
):
    side = world.own
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    # The request returns at once with a queued export; the render is enqueued on commit.
    assert created and export.status == ExportStatus.QUEUED and len(callbacks) == 1 and not fast_render
    for callback in callbacks:
        callback()
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.page_count == 3 and len(fast_render) == 1
    assert export.file.name.startswith(f"exports/{side.partnership.pk}/{export.fingerprint}-")
    assert len(export.fingerprint) == 64 and export.content_snapshot["actions"][0]["ref"] == "1.1"

    again, created = request_export(side, django_capture_on_commit_callbacks)
    assert (again.pk, created, len(fast_render)) == (export.pk, False, 1)
    assert AuditEvent.objects.filter(verb="export.reused", object_id=str(export.pk)).count() == 1


def test_the_fingerprint_changes_with_the_content(world, fast_render, django_capture_on_commit_callbacks):
    from actionplan.services import action_edit

    side = world.own
    first, _ = request_export(side, django_capture_on_commit_callbacks)
    action_edit(action=side.action, actor=side.users["manager"],
                text="Train every designated safeguarding lead in talking to children about sexual abuse")
    second, created = request_export(side, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    second.refresh_from_db()
    assert created and second.fingerprint != first.fingerprint
    assert second.content_snapshot["actions"][0]["text"].startswith("Train every designated")
    # Asked for again with nothing changed: the second document is reused and nothing is rendered.
    renders = len(fast_render)
    third, created = request_export(side, django_capture_on_commit_callbacks)
    assert (third.pk, created) == (second.pk, False) and len(fast_render) == renders


def test_a_failed_render_is_recorded_and_can_be_retried(world, monkeypatch, django_capture_on_commit_callbacks):
    side = world.own

    def broken(html):
        raise RuntimeError("font cache unavailable")

    monkeypatch.setattr(export_module, "render_pdf", broken)
    export, _ = request_export(side, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == "RuntimeError: font cache unavailable"
    assert not export.file and AuditEvent.objects.filter(verb="export.failed", object_id=str(export.pk)).exists()

    monkeypatch.setattr(export_module, "render_pdf", lambda html: (b"%PDF-1.7 fixed", 4))
    client_url = reverse("export_retry", kwargs={"slug": side.slug, "pk": export.pk})
    from django.test import Client

    client = Client()
    client.force_login(side.users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(client_url)
    export.refresh_from_db()
    assert response.status_code == 302
    assert (export.status, export.error, export.page_count) == (ExportStatus.DONE, "", 4)
    assert AuditEvent.objects.filter(verb="export.retried", actor=side.users["manager"]).exists()


def test_a_render_past_its_time_limit_is_recorded_as_failed_and_retryable(world, monkeypatch, settings,
                                                                           django_capture_on_commit_callbacks):
    from celery.exceptions import SoftTimeLimitExceeded

    from exports.tasks import render_strategy_export

    assert render_strategy_export.soft_time_limit == settings.EXPORT_RENDER_TIME_LIMIT
    assert render_strategy_export.soft_time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    from partnerships.tasks import render_document

    assert render_document.soft_time_limit == settings.EXPORT_RENDER_TIME_LIMIT and render_document.acks_late

    def too_slow(html):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(export_module, "render_pdf", too_slow)
    export, _ = request_export(world.own, django_capture_on_commit_callbacks)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.is_retryable()
    assert export.error == f"The render was stopped after {settings.EXPORT_RENDER_TIME_LIMIT} seconds (EXPORT_RENDER_TIME_LIMIT)."


def test_a_stalled_render_can_be_retried_but_a_running_one_cannot(world, fast_render, django_capture_on_commit_callbacks):
    side = world.own
    running = StrategyExport.objects.create(
        strategy=side.strategy, version_label="1.0", strategy_status="draft", status=ExportStatus.RENDERING,
        started_at=timezone.now() - timedelta(seconds=30),
    )
    with pytest.raises(ValidationError):
        export_retry(export=running, actor=side.users["manager"])
    StrategyExport.objects.filter(pk=running.pk).update(started_at=timezone.now() - timedelta(minutes=30))
    running.refresh_from_db()
    assert running.is_stalled() and running.is_retryable()
    with django_capture_on_commit_callbacks(execute=True):
        export_retry(export=running, actor=side.users["manager"])
    running.refresh_from_db()
    assert running.status == ExportStatus.DONE and len(fast_render) == 1


def test_rendering_again_leaves_a_finished_export_alone(world, fast_render, django_capture_on_commit_callbacks):
    export, _ = request_export(world.own, django_capture_on_commit_callbacks)
    export_render(export_id=export.pk)
    assert len(fast_render) == 1


def test_the_detail_page_shows_progress_and_the_download(world, client):
    side = world.own
    queued = StrategyExport.objects.create(strategy=side.strategy, version_label="1.0", strategy_status="draft")
    client.force_login(side.users["scrutineer"])
    page = client.get(reverse("export_detail", kwargs={"slug": side.slug, "pk": queued.pk})).content.decode()
    assert 'data-refresh-seconds="3"' in page and "Download the PDF" not in page and "Try again" not in page
    page = client.get(reverse("export_detail", kwargs={"slug": side.slug, "pk": side.export.pk})).content.decode()
    assert "Download the PDF" in page and "data-refresh-seconds" not in page


def test_a_download_is_logged_and_remembered(world, client):
    side = world.own
    client.force_login(side.users["scrutineer"])
    response = client.get(reverse("export_download", kwargs={"slug": side.slug, "pk": side.export.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'attachment; filename="ashvale-strategy-2026-2029-v1.0.pdf"' == response["Content-Disposition"]
    event = AuditEvent.objects.get(verb="export.downloaded")
    assert (event.kind, event.actor, event.object_id) == (AuditEvent.Kind.READ, side.users["scrutineer"], str(side.export.pk))
    assert ExportSeen.objects.filter(export=side.export, user=side.users["scrutineer"]).count() == 1


def test_asking_twice_while_rendering_does_not_render_twice(world, fast_render, django_capture_on_commit_callbacks):
    side = world.own
    with django_capture_on_commit_callbacks(execute=False):
        first, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second, created_again = export_request(strategy=side.strategy, actor=side.users["manager"])
    assert created and not created_again and second.pk == first.pk and not callbacks
    # Once that render has stalled, a new one is made.
    StrategyExport.objects.filter(pk=first.pk).update(requested_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        third, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    assert created and third.pk != first.pk


@pytest.mark.parametrize("second_run_ends", ["rendered", "failed"])
def test_when_two_runs_of_one_export_overlap_the_first_to_finish_keeps_the_only_file(
    world, monkeypatch, second_run_ends
):
    """A task handed out again while its first run is still going (or a retry of an export that only looked
    stalled) renders the same export twice at once: the run that finishes first writes the document, the other
    writes no second file, records no second render and does not mark the finished export failed."""
    side = world.own
    export = StrategyExport.objects.create(strategy=side.strategy, version_label="1.0", strategy_status="draft")
    calls = []

    def overlapping_render(html):
        calls.append(html)
        if len(calls) == 1:
            export_render(export_id=export.pk)  # the other run starts and finishes while this one renders
            if second_run_ends == "failed":
                raise RuntimeError("worker ran out of memory")
        return b"%PDF-1.7 run " + str(len(calls)).encode(), 3

    monkeypatch.setattr(export_module, "render_pdf", overlapping_render)
    export_render(export_id=export.pk)
    export.refresh_from_db()
    assert len(calls) == 2 and export.status == ExportStatus.DONE and export.error == ""
    assert files_of(export) == [export.file.name]
    with export.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 run 2"
    assert AuditEvent.objects.filter(verb="export.rendered", object_id=str(export.pk)).count() == 1
    assert not AuditEvent.objects.filter(verb="export.failed", object_id=str(export.pk)).exists()


def test_a_file_left_by_a_run_that_died_before_committing_is_replaced_not_kept_beside(world, fast_render):
    from django.core.files.base import ContentFile

    from exports.document import document_fingerprint

    side = world.own
    export = StrategyExport.objects.create(strategy=side.strategy, version_label="1.0", strategy_status="draft",
                                           status=ExportStatus.RENDERING, started_at=timezone.now())
    name = f"exports/{side.partnership.pk}/{document_fingerprint(side.strategy)}-{export.pk}.pdf"
    storage = export.file.storage
    assert storage.save(name, ContentFile(b"%PDF-1.7 half writt")) == name
    export_render(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.file.name == name
    assert files_of(export) == [name]
    with export.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 rendered 1"


# --- The fingerprint comes from record versions, not from rendering --------------------------------------


def _write(name, side):
    """One change, through its service, to something the document shows."""
    from actionplan.services import action_edit
    from exports.services import branding_update
    from impact.services import figure_record
    from strategy import services as strategy_services

    manager = side.users["manager"]
    section = side.extra_section
    writes = {
        "strategy": lambda: strategy_services.strategy_update(strategy=side.strategy, actor=manager, title="A new title"),
        "section": lambda: strategy_services.section_update(section=section, actor=manager, title=section.title,
                                                            body="New words", expected_revision=section.revision),
        "aim": lambda: strategy_services.aim_update(aim=side.aim, actor=manager, title="A sharper aim"),
        "outcome": lambda: strategy_services.outcome_update(outcome=side.outcome, actor=manager, text="A clearer outcome"),
        "priority": lambda: strategy_services.priority_update(priority=side.priority, actor=manager, title="Prevention first"),
        "governance": lambda: strategy_services.governance_body_update(body=side.governance_body, actor=manager,
                                                                        name="The Executive"),
        "measure": lambda: strategy_services.measure_update(measure=side.measure, actor=manager, target="Up 10%"),
        "action": lambda: action_edit(action=side.action, actor=manager, text="A reworded action"),
        "branding": lambda: branding_update(partnership=side.partnership, actor=manager, accent_colour="#112233",
                                            logo_alt=""),
        "local data": lambda: figure_record(period=side.local_period, actor=manager, measure="plans", count=12,
                                            source_agency=side.lead_agency),
    }
    writes[name]()


@pytest.mark.parametrize("change", ["strategy", "section", "aim", "outcome", "priority", "governance", "measure",
                                    "action", "branding", "local data"])
def test_the_fingerprint_changes_when_anything_the_document_shows_changes(world, change):
    from exports.document import document_fingerprint

    side = world.own
    before = document_fingerprint(side.strategy)
    assert document_fingerprint(side.strategy) == before  # stable while nothing changes
    _write(change, side)
    assert document_fingerprint(side.strategy) != before


def test_a_write_that_bypasses_the_services_still_changes_the_fingerprint(world):
    from exports.document import document_fingerprint

    side = world.own
    before = document_fingerprint(side.strategy)
    side.extra_section.body = "Edited outside the services"
    side.extra_section.save()
    assert document_fingerprint(side.strategy) != before


def test_the_fingerprint_ignores_exports_and_the_other_partnership(world, fast_render,
                                                                   django_capture_on_commit_callbacks):
    from exports.document import document_fingerprint
    from strategy.services import aim_update

    side = world.own
    before = document_fingerprint(side.strategy)
    request_export(side, django_capture_on_commit_callbacks)  # its own audit rows change nothing shown
    aim_update(aim=world.other.aim, actor=world.other.users["manager"], title="Their aim")
    assert document_fingerprint(side.strategy) == before


def test_an_unchanged_re_export_renders_nothing_and_builds_nothing(world, fast_render, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    side = world.own
    first, _ = request_export(side, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.status == ExportStatus.DONE and len(fast_render) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("an unchanged re-export built the document")

    monkeypatch.setattr(export_module, "build_document", no_build)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    assert (again.pk, created) == (first.pk, False) and callbacks == [] and len(fast_render) == 1

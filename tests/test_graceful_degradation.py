"""With the broker unreachable, pages still work and an export waits, queued, rendered neither in the request
nor lost: it is sent again once the broker is back; an export interrupted mid-render stays retryable."""
import contextlib

from django.urls import reverse

from exports import services
from exports.models import ExportStatus, StrategyExport
from exports.tasks import render_strategy_export
from partnership_portal.celery import app
from partnerships.tasks_support import broker_reachable

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@contextlib.contextmanager
def broker_down():
    """Point Celery at a closed port, as when Redis is stopped, with tasks really sent to the broker."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = CLOSED_PORT_BROKER, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None


def test_the_broker_really_is_unreachable_in_these_tests():
    assert broker_reachable(CLOSED_PORT_BROKER) is False
    assert broker_reachable("memory://") is True


def test_pages_work_with_the_broker_down(world, client):
    client.force_login(world.own.users["manager"])
    with broker_down():
        for name, kwargs in [
            ("partnership", {"slug": world.own.slug}),
            ("strategy_detail", {"slug": world.own.slug, "pk": world.own.strategy.pk}),
            ("action_plan", {"slug": world.own.slug, "pk": world.own.strategy.pk}),
            ("export_list", {"slug": world.own.slug, "pk": world.own.strategy.pk}),
            ("audit_log", {"slug": world.own.slug}),
        ]:
            assert client.get(reverse(name, kwargs=kwargs)).status_code == 200, name


def test_an_export_asked_for_with_the_broker_down_waits_and_is_sent_again_when_it_is_back(
    world, client, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """Before, the request rendered the document itself when the broker was down (12.6 s at 1,000 actions,
    against gunicorn's 30 s). Now the export waits, queued, and nothing is rendered in the request; the page
    that shows it, and the beat task every minute, send it again once the broker answers."""
    from datetime import timedelta

    from django.utils import timezone

    from exports import document as export_module
    from partnerships import documents

    renders = []
    real_render = export_module.render_pdf
    monkeypatch.setattr(export_module, "render_pdf", lambda html: renders.append(1) or real_render(html))
    client.force_login(world.own.users["manager"])
    url = reverse("export_create", kwargs={"slug": world.own.slug, "pk": world.own.strategy.pk})
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    export = StrategyExport.objects.exclude(pk=world.own.export.pk).get(strategy=world.own.strategy)
    assert response["Location"] == reverse("export_detail", kwargs={"slug": world.own.slug, "pk": export.pk})
    assert export.status == ExportStatus.QUEUED and renders == []
    # Still down a minute later: the progress page and the beat task try again, and it still waits.
    StrategyExport.objects.filter(pk=export.pk).update(requested_at=timezone.now() - timedelta(minutes=2))
    with broker_down():
        assert client.get(response["Location"]).status_code == 200
        assert documents.requeue_waiting()[services.EXPORT_DOCUMENT] == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED and renders == []
    # The broker is back (here: tasks run eagerly): the next look at the page sends it, and it is rendered.
    assert client.get(response["Location"]).status_code == 200
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.page_count >= 1 and renders == [1]


def test_the_beat_task_sends_waiting_documents_again(world, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships import documents

    sent = []
    monkeypatch.setattr(documents, "send", lambda kind, pk: sent.append((kind, pk)))
    waiting = StrategyExport.objects.create(strategy=world.own.strategy, version_label="1.0", strategy_status="draft")
    StrategyExport.objects.filter(pk=waiting.pk).update(requested_at=timezone.now() - timedelta(minutes=5))
    just_asked = StrategyExport.objects.create(strategy=world.own.strategy, version_label="1.0", strategy_status="draft")
    assert just_asked.status == ExportStatus.QUEUED
    documents.requeue_waiting()
    assert (services.EXPORT_DOCUMENT, waiting.pk) in sent and (services.EXPORT_DOCUMENT, just_asked.pk) not in sent
    assert "documents-requeue-waiting" in app.conf.beat_schedule


def test_an_export_interrupted_mid_render_is_rendered_when_the_task_runs_again(world):
    """A worker killed mid-render leaves the export 'rendering'; acks_late with reject_on_worker_lost
    hands the message to another worker, and the render service picks the export up again."""
    export = StrategyExport.objects.create(strategy=world.own.strategy, version_label="1.0",
                                           strategy_status="draft", status=ExportStatus.RENDERING)
    result = render_strategy_export.apply(args=[export.pk]).get()
    export.refresh_from_db()
    assert result["status"] == "done" and export.status == ExportStatus.DONE
    first_file = export.file.name
    # Delivered twice (the first worker finished after all): the finished export is left alone.
    render_strategy_export.apply(args=[export.pk]).get()
    export.refresh_from_db()
    assert export.file.name == first_file


def test_export_tasks_are_acknowledged_late_and_requeued_if_the_worker_dies(settings):
    assert render_strategy_export.acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_failed_export_can_be_asked_for_again(world, monkeypatch, django_capture_on_commit_callbacks):
    from exports import document as export_module

    monkeypatch.setattr(export_module, "render_pdf", lambda html: (_ for _ in ()).throw(OSError("fonts missing")))
    with django_capture_on_commit_callbacks(execute=True):
        failed, _ = services.export_request(strategy=world.own.strategy, actor=world.own.users["manager"])
    failed.refresh_from_db()
    assert failed.status == ExportStatus.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.export_request(strategy=world.own.strategy, actor=world.own.users["manager"])
    again.refresh_from_db()
    assert created and again.status == ExportStatus.DONE


def test_a_board_pack_asked_for_with_the_broker_down_waits_and_is_rendered_once_it_is_back(
        world, client, django_capture_on_commit_callbacks):
    """The board pack used to be rendered in the request when the broker was down; it is a document of the
    pipeline now, like the strategy's export and the annual report."""
    from datetime import date, timedelta

    from django.utils import timezone

    from actionplan import services as actionplan_services
    from actionplan.models import BoardPack
    from partnerships import documents
    from partnerships.models import DocumentStatus

    side = world.own
    meeting = actionplan_services.meeting_create(partnership=side.partnership, date=date(2027, 3, 10),
                                                 actor=side.users["manager"])
    client.force_login(side.users["manager"])
    round_page = reverse("round_detail", kwargs={"slug": side.slug, "pk": meeting.pk})
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("board_pack_create", kwargs={"slug": side.slug, "pk": meeting.pk})).status_code == 302
        page = client.get(round_page).content.decode()
    pack = BoardPack.objects.get(meeting=meeting)
    assert pack.status == DocumentStatus.QUEUED and not pack.file and pack.page_count is None
    assert "being prepared" in page and "data-refresh-seconds" in page
    # The broker is back (tasks run eagerly here): the beat task sends it again, and the worker renders it.
    assert documents.requeue_waiting(now=timezone.now() + timedelta(minutes=5))[actionplan_services.BOARD_PACK] == 1
    pack.refresh_from_db()
    assert pack.status == DocumentStatus.DONE and pack.page_count >= 1
    assert "Download the board pack" in client.get(round_page).content.decode()

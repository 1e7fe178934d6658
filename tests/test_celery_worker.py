"""Exports rendered by a real Celery worker process through Redis, against the real database, and what
becomes of an export whose worker is killed in the middle of it.

Runs when REDIS_URL is set and the database is PostgreSQL (as in CI). With
REQUIRE_CELERY_WORKER_TEST=1 the tests fail instead of skipping, so CI cannot
pass without them.
"""
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from actionplan.tests.factories import ActionFactory
from exports import services as services_export
from exports.models import ExportStatus, StrategyExport
from partnership_portal.celery import app
from partnerships import documents
from partnerships.models import AuditEvent, Role
from partnerships.tasks import render_document
from partnerships.tests.factories import MembershipFactory

ACTION_TEXT = "Run a joint police and children's services review of strategy discussions"


def _require_real_services():
    missing = []
    if not settings.REDIS_URL:
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append("the database is not PostgreSQL")
    if missing:
        message = "needs a real worker: " + " and ".join(missing)
        if os.environ.get("REQUIRE_CELERY_WORKER_TEST") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _worker_env(**extra):
    """The environment of a worker process: production settings on the test database and storage."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnership_portal.settings",
        "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "PRIVATE_STORAGE_ROOT": settings.STORAGES["default"]["OPTIONS"]["location"],
        **extra,
    }


def _start_worker(log_path, queue, env, *, app_module="partnership_portal", pool="solo"):
    """A `celery worker` consuming only `queue`, in a process group of its own (so its pool goes with it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", app_module, "worker", "--pool", pool, "--concurrency", "1",
         "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        env=env, cwd=settings.BASE_DIR, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _forget(name):
    """Remove the test's queue, its bindings and any other Redis key named after it."""
    import redis

    broker = redis.Redis.from_url(settings.REDIS_URL)
    leftovers = broker.keys(f"*{name}*")
    if leftovers:
        broker.delete(*leftovers)


def _stop_worker(worker):
    """Warm shutdown if the worker is still there, then make sure nothing of its process group is left."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.wait(timeout=30)


@contextmanager
def _through_the_broker():
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


def _wait_for(condition, what, timeout=90):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting {timeout} s for {what}")
        time.sleep(0.2)


def _pdf_text(export):
    with export.file.open("rb") as handle:
        return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages).split())


def _files_of(export):
    folder = f"exports/{export.strategy.partnership_id}"
    return [f"{folder}/{name}" for name in export.file.storage.listdir(folder)[1] if name.endswith(f"-{export.pk}.pdf")]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_renders_an_export_in_a_worker_process(tmp_path):
    _require_real_services()
    action = ActionFactory(text=ACTION_TEXT)
    export = StrategyExport.objects.create(
        strategy=action.strategy, version_label="1.0", strategy_status="draft", status=ExportStatus.QUEUED
    )
    queue = f"test-{uuid.uuid4().hex[:10]}"
    worker = _start_worker(tmp_path / "worker.log", queue, _worker_env())
    try:
        with _through_the_broker():
            started = time.monotonic()
            result = render_document.apply_async(args=[services_export.EXPORT_DOCUMENT, export.pk], queue=queue)
            outcome = result.get(timeout=120)
            elapsed = time.monotonic() - started
    finally:
        _stop_worker(worker)
        _forget(queue)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert outcome["status"] == "done", log[-3000:]
    assert "celery@" in log and f"Task documents.render[{result.id}] succeeded" in log
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.page_count >= 3
    assert ACTION_TEXT in _pdf_text(export)
    print(f"worker rendered export {export.pk} ({export.page_count} pages) in {elapsed:.1f} s")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("killed", ["pool process", "whole worker"])
def test_an_export_whose_worker_is_killed_mid_render_is_handed_out_again_and_finished_once(
    killed, tmp_path, monkeypatch
):
    """The export is requested, its render is held once it is RENDERING, and the worker is SIGKILLed there:
    either the pool process alone (as the kernel's out-of-memory killer would), after which the worker puts
    the unacknowledged message back on the queue at once; or the whole worker, whose message stays
    unacknowledged in Redis until a new worker finds it older than the visibility timeout (2 s here) and
    hands it out again. Either way the export ends DONE with one PDF, rendered to completion once.

    With a visibility timeout that short, a render that takes longer than it is handed out yet again while it
    runs (Redis cannot tell a slow consumer from a dead one). That extra delivery must find the export DONE
    and render nothing, so the test allows it and asserts that no third render happened."""
    _require_real_services()
    import redis

    broker = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=120)  # it waits longer than redis-py's 5 s
    key = queue = f"test-held-{uuid.uuid4().hex[:10]}"
    action = ActionFactory(text=ACTION_TEXT)
    manager = MembershipFactory(partnership=action.strategy.partnership, role=Role.BUSINESS_MANAGER).user
    # The export service sends its render through the document pipeline as usual; here to this test's own queue.
    monkeypatch.setattr(documents, "send",
                        lambda kind, pk: render_document.apply_async(args=[kind, pk], queue=queue))
    workers = []

    def start(number, **env):
        workers.append(_start_worker(tmp_path / f"worker-{number}.log", queue,
                                     _worker_env(HELD_RENDER_KEY=key, **env), app_module="tests.held_render",
                                     pool="prefork"))
        return workers[-1]

    def logs(tail=3000):
        texts = [(tmp_path / f"worker-{n}.log").read_text(errors="replace") for n in range(1, len(workers) + 1)]
        return "\n".join(text[-tail:] if tail else text for text in texts)

    try:
        first = start(1)
        started = time.monotonic()
        with _through_the_broker():
            export, created = services_export.export_request(strategy=action.strategy, actor=manager)
        held = broker.blpop([f"{key}:held"], timeout=90)
        assert created and held is not None, logs()
        rendering_pid = int(held[1])
        export.refresh_from_db()
        assert export.status == ExportStatus.RENDERING and not export.file and not export.is_retryable()

        if killed == "pool process":
            assert rendering_pid != first.pid
            os.kill(rendering_pid, signal.SIGKILL)
        else:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
            # Nothing acknowledged the message and nothing has put it back yet: it waits in Redis, and the
            # export is still RENDERING with no file, not DONE.
            assert broker.hlen(f"{key}:unacked") == 1 and broker.llen(queue) == 0
            export.refresh_from_db()
            assert export.status == ExportStatus.RENDERING and not export.file
            start(2, CELERY_VISIBILITY_TIMEOUT="2")

        def finished():
            export.refresh_from_db()
            return export.status == ExportStatus.DONE

        _wait_for(finished, f"export {export.pk} to be rendered again after the {killed} was killed")
        elapsed = time.monotonic() - started
        # The message was acknowledged once the render ended: nothing is left to hand out again. (A copy handed
        # out again while the render outlasted the 2 s timeout is consumed too, and finds the export DONE.)
        _wait_for(lambda: broker.hlen(f"{key}:unacked") == 0 and broker.llen(queue) == 0,
                  "every copy of the message to be consumed and acknowledged", timeout=60)
        deliveries = [d.decode() for d in broker.lrange(f"{key}:deliveries", 0, -1)]
        renders = int(broker.get(f"{key}:renders"))
    finally:
        broker.rpush(f"{key}:release", 1)
        for worker in workers:
            _stop_worker(worker)
        _forget(key)

    assert deliveries[:2] == ["first", "redelivered"], logs()
    assert set(deliveries[2:]) <= {"redelivered"} and (killed == "whole worker" or len(deliveries) == 2), logs()
    assert renders == 2, logs()  # the held render that was killed and the one that finished
    if killed == "pool process":
        assert len(workers) == 1 and "WorkerLostError" in logs(tail=None)
    assert export.status == ExportStatus.DONE and export.error == "" and export.page_count >= 3
    assert _files_of(export) == [export.file.name]
    assert ACTION_TEXT in _pdf_text(export)
    assert AuditEvent.objects.filter(verb="export.rendered", object_id=str(export.pk)).count() == 1
    assert AuditEvent.objects.filter(verb="export.failed", object_id=str(export.pk)).count() == 0
    print(f"{killed} killed: export {export.pk} handed out {len(deliveries)} times ({len(deliveries) - 1} "
          f"redelivery), rendered {export.page_count} pages once, {elapsed:.1f} s from request to DONE")

"""An export rendered by a real Celery worker process through Redis, against the real database.

Runs when REDIS_URL is set and the database is PostgreSQL (as in CI). With
REQUIRE_CELERY_WORKER_TEST=1 the test fails instead of skipping, so CI cannot
pass without it.
"""
import io
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from actionplan.tests.factories import ActionFactory
from partnership_portal.celery import app
from strategy.models import ExportStatus, StrategyExport
from strategy.tasks import render_strategy_export


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


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_it_renders_an_export_in_a_worker_process(settings, tmp_path):
    _require_real_services()
    action = ActionFactory(text="Run a joint police and children's services review of strategy discussions")
    export = StrategyExport.objects.create(
        strategy=action.strategy, version_label="1.0", strategy_status="draft", status=ExportStatus.QUEUED
    )
    storage = settings.STORAGES["default"]["OPTIONS"]["location"]
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "partnership_portal.settings",
        "SECRET_KEY": "worker-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "PRIVATE_STORAGE_ROOT": storage,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "partnership_portal", "worker", "--pool", "solo",
         "--concurrency", "1", "-Q", queue, "--without-heartbeat", "--without-gossip", "--without-mingle",
         "--loglevel", "INFO"],
        env=env, stdout=open(tmp_path / "worker.log", "wb"), stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    try:
        started = time.monotonic()
        result = render_strategy_export.apply_async(args=[export.pk], queue=queue)
        outcome = result.get(timeout=120)
        elapsed = time.monotonic() - started
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert outcome["status"] == "done", log[-3000:]
    assert "celery@" in log and f"Task strategy.tasks.render_strategy_export[{result.id}] succeeded" in log
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.page_count >= 3
    with export.file.open("rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Run a joint police and children's services review of strategy discussions" in " ".join(text.split())
    print(f"worker rendered export {export.pk} ({export.page_count} pages) in {elapsed:.1f} s")

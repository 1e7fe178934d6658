"""Imports of more than IMPORT_BACKGROUND_ROWS rows: stored privately, checked and applied by a task, every row
or none, with their progress on a page that only people who may import into the strategy can see."""
import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from actionplan import services, transfer
from actionplan.models import Action, PlanImport, PlanImportStatus
from partnership_portal.celery import app
from partnerships.models import AuditEvent
from tests.test_graceful_degradation import broker_down


def plan_rows(side, count, bad=None):
    """`count` new actions for the side's outcome; `bad` maps a row number (the header is row 1) to the lead
    agency written there instead."""
    bad = bad or {}
    for number in range(2, count + 2):
        yield ["", "", "", bad.get(number, side.lead_agency.name), "", f"Action {number}", "Year 1",
               side.outcome.reference, "", "", "", "", ""]


def plan_csv(side, count, bad=None):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(transfer.COLUMNS[:13])
    writer.writerows(plan_rows(side, count, bad))
    return out.getvalue().encode("utf-8")


def plan_xlsx(side, count, bad=None):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    sheet.append(transfer.COLUMNS[:13])
    for row in plan_rows(side, count, bad):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_url(side):
    return reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk})


def job_url(side, job, name="plan_import_job"):
    return reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk, "job": job.pk})


def upload(client, side, content, name="plan.csv"):
    client.force_login(side.users["manager"])
    return client.post(import_url(side), {"file": SimpleUploadedFile(name, content)})


def stored_files():
    folders, files = default_storage.listdir("plan-imports") if default_storage.exists("plan-imports") else ([], [])
    return [f"{folder}/{name}" for folder in folders for name in default_storage.listdir(f"plan-imports/{folder}")[1]]


@pytest.fixture
def background(settings):
    settings.IMPORT_BACKGROUND_ROWS = 10
    settings.IMPORT_PROGRESS_EVERY = 7
    return settings


@pytest.mark.django_db
class TestBackgroundImport:
    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_it_imports_a_long_file_in_a_task_and_deletes_the_file(
        self, client, world, background, django_capture_on_commit_callbacks, fmt
    ):
        """Tasks run eagerly in the tests (CELERY_TASK_ALWAYS_EAGER in test_settings), so the task has run by
        the time the upload's answer comes back."""
        assert app.conf.task_always_eager
        side = world.own
        before = Action.objects.filter(strategy=side.strategy).count()
        content = (plan_csv if fmt == "csv" else plan_xlsx)(side, 25)
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, side, content, f"plan.{fmt}")
        job = PlanImport.objects.get(strategy=side.strategy)
        assert response.status_code == 302 and response["Location"] == job_url(side, job)
        assert (job.status, job.rows_total, job.rows_checked) == (PlanImportStatus.DONE, 25, 25)
        assert (job.created, job.updated, job.unchanged, job.errors) == (25, 0, 0, [])
        assert job.requested_by == side.users["manager"] and job.filename == f"plan.{fmt}"
        assert job.finished_at is not None
        assert Action.objects.filter(strategy=side.strategy).count() == before + 25
        assert stored_files() == []  # deleted once the import ended
        verbs = list(AuditEvent.objects.filter(verb__in=["plan_import.requested", "action.imported"])
                     .order_by("id").values_list("verb", "actor"))
        assert verbs == [("plan_import.requested", side.users["manager"].pk),
                         ("action.imported", side.users["manager"].pk)]
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "Imported 25 rows: 25 actions added, 0 changed, 0 unchanged." in page.content.decode()
        assert "import-progress.js" not in page.content.decode()  # nothing left to watch

    def test_the_import_page_says_when_a_file_goes_to_the_background(self, client, world, background):
        client.force_login(world.own.users["manager"])
        html = client.get(import_url(world.own)).content.decode()
        assert "A file of more than 10 rows is checked and applied in the background instead" in html

    def test_a_short_file_is_still_checked_in_the_request_and_previewed(self, client, world, background):
        response = upload(client, world.own, plan_csv(world.own, 10))
        assert response.status_code == 200 and len(response.context["report"]["rows"]) == 10
        assert not PlanImport.objects.exists()

    def test_a_file_past_a_hard_limit_is_refused_in_the_request_with_no_job(self, client, world, background):
        background.IMPORT_MAX_ROWS = 20
        response = upload(client, world.own, plan_csv(world.own, 25))
        assert response.status_code == 200
        assert "more than 20 rows" in response.context["form"].errors["file"][0]
        assert not PlanImport.objects.exists() and stored_files() == []

    def test_it_lists_every_failed_row_and_changes_nothing(self, client, world, background,
                                                           django_capture_on_commit_callbacks):
        side = world.own
        before = set(Action.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = upload(client, side, plan_csv(side, 30, bad={4: "Nowhere Police", 29: "Elsewhere Council"}))
        job = PlanImport.objects.get()
        assert job.status == PlanImportStatus.FAILED and job.rows_checked == 30
        assert job.errors == [
            {"row": 4, "message": "Leadership: No agency called 'Nowhere Police' in this partnership."},
            {"row": 29, "message": "Leadership: No agency called 'Elsewhere Council' in this partnership."},
        ]
        assert set(Action.objects.values_list("pk", flat=True)) == before
        assert not AuditEvent.objects.filter(verb__in=["action.imported", "action.created"]).exists()
        assert AuditEvent.objects.filter(verb="plan_import.failed", object_id=str(job.pk)).count() == 1
        assert stored_files() == []
        html = client.get(response["Location"]).content.decode()
        assert "2 rows cannot be imported, so nothing was changed" in html
        assert ('<td class="govuk-table__cell">29</td><td class="govuk-table__cell">Leadership: No agency called '
                "&#x27;Elsewhere Council&#x27; in this partnership.</td>") in html

    def test_an_unreadable_file_fails_the_job_with_its_reason(self, world, background,
                                                              django_capture_on_commit_callbacks):
        side = world.own
        job = PlanImport.objects.create(strategy=side.strategy, requested_by=side.users["manager"],
                                        filename="plan.csv", rows_total=12)
        job.file.save("plan.csv", ContentFile(b"Action,Year\nx,Year 1\n"))
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_import_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == PlanImportStatus.FAILED and job.errors == []
        assert job.error == "The first row must name the columns; missing: Intended outcome, Leadership."
        assert stored_files() == []

    def test_an_unexpected_error_fails_the_job_once_and_for_all(self, world, background, monkeypatch,
                                                                django_capture_on_commit_callbacks):
        side = world.own
        job = PlanImport.objects.create(strategy=side.strategy, requested_by=side.users["manager"],
                                        filename="plan.csv", rows_total=12)
        job.file.save("plan.csv", ContentFile(plan_csv(side, 12)))
        monkeypatch.setattr(services._PlanImporter, "row", lambda *a: 1 / 0)
        with django_capture_on_commit_callbacks(execute=True):
            services.plan_import_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == PlanImportStatus.FAILED and job.error.startswith("The import stopped on an unexpected")
        assert stored_files() == [] and services.plan_imports_requeue_waiting() == 0

    def test_it_is_safe_to_run_again(self, world, background, django_capture_on_commit_callbacks):
        side = world.own
        with django_capture_on_commit_callbacks(execute=True):
            job = services.plan_import_request(strategy=side.strategy, upload=io.BytesIO(plan_csv(side, 12)),
                                               rows_total=12, actor=side.users["manager"])
        count = Action.objects.count()
        assert PlanImport.objects.get(pk=job.pk).status == PlanImportStatus.DONE
        services.plan_import_run(job_id=job.pk)
        assert Action.objects.count() == count

    def test_a_run_does_not_take_over_one_that_is_making_progress(self, world, background):
        side = world.own
        job = PlanImport.objects.create(strategy=side.strategy, status=PlanImportStatus.CHECKING, rows_total=12,
                                        started_at=timezone.now(), progress_at=timezone.now(), attempt=1)
        services.plan_import_run(job_id=job.pk)
        job.refresh_from_db()
        assert (job.status, job.attempt) == (PlanImportStatus.CHECKING, 1)


@pytest.mark.django_db
def test_a_long_file_with_a_bad_row_near_its_end_applies_nothing_and_shows_progress(
    client, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The progress figure is saved (committed, so another request sees it) after every
    IMPORT_PROGRESS_EVERY rows. (500 rows here keep the suite quick; tests/benchmarks/bench_plan_import.py
    times 5,000.)"""
    settings.IMPORT_PROGRESS_EVERY = 100
    side = world.own
    seen = []
    real = services._plan_import_progress

    def spy(job, **fields):
        real(job, **fields)
        seen.append(client.get(job_url(side, job, "plan_import_status")).json()["message"])

    monkeypatch.setattr(services, "_plan_import_progress", spy)
    before = Action.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, side, plan_csv(side, 500, bad={400: "Nowhere Police"}))
    assert response.status_code == 302
    job = PlanImport.objects.get()
    assert seen == [f"Checked {n:,} of 500 rows." for n in (100, 200, 300, 400, 500)]
    assert job.status == PlanImportStatus.FAILED
    assert job.errors == [{"row": 400, "message": "Leadership: No agency called 'Nowhere Police' in this "
                                                   "partnership."}]
    assert Action.objects.count() == before
    assert client.get(job_url(side, job, "plan_import_status")).json() == {
        "status": "failed", "status_label": "Not imported", "in_progress": False, "rows_total": 500,
        "rows_checked": 500, "message": "Nothing was imported: 1 row cannot be imported.", "errors": 1,
    }


@pytest.mark.django_db
class TestProgressPage:
    def test_it_shows_the_progress_and_polls_with_a_static_script_or_refreshes_without_one(
        self, client, world, monkeypatch
    ):
        side = world.own
        sent = []
        monkeypatch.setattr(services, "plan_import_send", sent.append)
        job = PlanImport.objects.create(strategy=side.strategy, status=PlanImportStatus.CHECKING, rows_total=5000,
                                        rows_checked=340, filename="plan.xlsx", started_at=timezone.now(),
                                        progress_at=timezone.now())
        client.force_login(side.users["manager"])
        html = client.get(job_url(side, job)).content.decode()
        status_url = job_url(side, job, "plan_import_status")
        assert "Checked 340 of 5,000 rows." in html
        assert f'data-import-progress="{status_url}"' in html
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in html
        assert 'src="/static/portal/import-progress.js"' in html and "<script>" not in html
        assert f'href="{job_url(side, job)}">Refresh</a>' in html
        assert client.get(status_url).json() == {
            "status": "checking", "status_label": "Checking rows", "in_progress": True, "rows_total": 5000,
            "rows_checked": 340, "message": "Checked 340 of 5,000 rows.", "errors": 0,
        }
        assert sent == []  # making progress: nothing is sent again

    @pytest.mark.parametrize("who", ["other_manager", "member_lead", "scrutineer", "viewer"])
    def test_only_people_who_may_import_into_the_strategy_see_it(self, client, world, who):
        job = PlanImport.objects.create(strategy=world.own.strategy, filename="plan.csv",
                                        requested_by=world.own.users["manager"])
        user = world.other.users["manager"] if who == "other_manager" else world.own.users[who]
        client.force_login(user)
        expected = {"other_manager": 404, "viewer": 404}.get(who, 403)  # viewers do not see drafts at all
        for name in ("plan_import_job", "plan_import_status"):
            assert client.get(job_url(world.own, job, name)).status_code == expected
        # Nor through their own partnership's address.
        if who == "other_manager":
            url = reverse("plan_import_job", kwargs={"slug": world.other.slug, "pk": world.other.strategy.pk,
                                                     "job": job.pk})
            assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_with_the_broker_down_the_import_waits_and_is_sent_again(
    client, world, settings, django_capture_on_commit_callbacks
):
    """Nothing is checked in the request when the broker is down: the import stays queued with its file, the
    beat task (and the progress page) send it again, and once the broker answers it runs."""
    settings.IMPORT_BACKGROUND_ROWS = 10
    side = world.own
    before = Action.objects.count()
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        response = upload(client, side, plan_csv(side, 15))
    job = PlanImport.objects.get()
    assert response["Location"] == job_url(side, job)
    assert (job.status, job.started_at, job.rows_checked) == (PlanImportStatus.QUEUED, None, 0)
    assert len(stored_files()) == 1 and Action.objects.count() == before
    PlanImport.objects.filter(pk=job.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=2))
    with broker_down():
        assert "Waiting to start checking 15 rows." in client.get(response["Location"]).content.decode()
        assert services.plan_imports_requeue_waiting() == 1
    job.refresh_from_db()
    assert job.status == PlanImportStatus.QUEUED and len(stored_files()) == 1
    assert "plan-imports-requeue-waiting" in app.conf.beat_schedule
    # The broker is back (here: tasks run eagerly): the beat task sends it and it runs.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.plan_imports_requeue_waiting() == 1
    job.refresh_from_db()
    assert job.status == PlanImportStatus.DONE and Action.objects.count() == before + 15
    assert stored_files() == [] and services.plan_imports_requeue_waiting() == 0


@pytest.mark.django_db
def test_an_import_whose_worker_died_is_sent_again_and_started_afresh(world, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 10
    side = world.own
    job = PlanImport.objects.create(strategy=side.strategy, requested_by=side.users["manager"], filename="plan.csv",
                                    rows_total=12, status=PlanImportStatus.APPLYING, attempt=1, rows_checked=12,
                                    started_at=timezone.now() - datetime.timedelta(hours=1),
                                    progress_at=timezone.now() - datetime.timedelta(hours=1))
    job.file.save("plan.csv", ContentFile(plan_csv(side, 12)))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.plan_imports_requeue_waiting() == 1
    job.refresh_from_db()
    assert (job.status, job.attempt, job.created) == (PlanImportStatus.DONE, 2, 12)
    assert stored_files() == []

"""A background action-plan import of 5,000 rows: how long the request's read takes, how long the worker takes
to check and apply every row, and the process's peak memory.

Runs in-process on a throw-away test database (SQLite by default; set DATABASE_URL for PostgreSQL), calling
what the request and the worker call; the upload is kept in a temporary folder.

    .venv/bin/python tests/benchmarks/bench_plan_import.py [--rows 5000] [--xlsx]

Measured on SQLite on a 2-core machine shared with other work (load average 10): 5,000 rows as CSV (624 KB),
read under the limits in the request in 0.6 s (a workbook of the same rows about 3.4 s); the worker checked
and applied them in 885 s, 177 ms a row for both passes, with the process's peak memory 8 MB above where it
started. Nearly all of the worker's time is action_create's own validation, the same per row as an import of
a few rows (model constraints checked one query each).
"""
import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_portal.test_settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def build():
    from partnerships.models import Agency, Membership, Partnership, Role, User
    from strategy.models import IntendedOutcome, StrategicAim, Strategy

    partnership = Partnership.objects.create(name="Benchmark Safeguarding Children Partnership", slug="bench",
                                             nation="england", area="Benchmark")
    agencies = [Agency.objects.create(partnership=partnership, name=f"Agency {i}", sector="other") for i in range(8)]
    user = User.objects.create_user(email="manager@bench.example", password="bench-password-1")
    Membership.objects.create(user=user, partnership=partnership, role=Role.BUSINESS_MANAGER)
    strategy = Strategy.objects.create(partnership=partnership, title="Child Sexual Abuse Strategy",
                                       period_start=2026, period_end=2029)
    outcomes = []
    for a in range(1, 8):
        aim = StrategicAim.objects.create(strategy=strategy, number=a, title=f"Aim {a}")
        outcomes += [IntendedOutcome.objects.create(aim=aim, number=o, text=f"Outcome {a}.{o}") for o in range(1, 5)]
    return strategy, user, agencies, outcomes


def spreadsheet(rows, agencies, outcomes, xlsx):
    from actionplan import transfer

    header = transfer.COLUMNS[:13]
    body = [["", "", "", agencies[i % len(agencies)].name, "Named lead",
             f"Benchmark action {i} to improve the response to child sexual abuse.", f"Year {i % 3 + 1}",
             f"{outcomes[i % len(outcomes)].aim.number}.{outcomes[i % len(outcomes)].number}", "A measure",
             "On track", str(i % 100), "", ""] for i in range(rows)]
    if xlsx:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Action plan")
        for row in [header, *body]:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue(), "plan.xlsx"
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    return out.getvalue().encode("utf-8"), "plan.csv"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--xlsx", action="store_true")
    args = parser.parse_args()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from actionplan import services, transfer
    from actionplan.models import Action, PlanImport

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="bench-plan-import-")}}}
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        strategy, user, agencies, outcomes = build()
        content, name = spreadsheet(args.rows, agencies, outcomes, args.xlsx)
        print(f"{args.rows:,} rows as {name}, {len(content) / 1024:.0f} KB, on {connection.vendor}")
        baseline = peak_mb()
        upload = SimpleUploadedFile(name, content)
        services.plan_import_send = lambda job_id: None  # the worker's part is timed on its own below
        started = time.perf_counter()
        rows = transfer.read_upload(upload)
        read = time.perf_counter() - started
        job = services.plan_import_request(strategy=strategy, upload=upload, rows_total=len(rows), actor=user)
        print(f"request: read and limits {read:.2f} s; peak memory {peak_mb():.0f} MB "
              f"({peak_mb() - baseline:+.0f} MB)")
        started = time.perf_counter()
        services.plan_import_run(job_id=job.pk)  # what the worker runs
        job = PlanImport.objects.get(pk=job.pk)
        took = time.perf_counter() - started
        print(f"worker: {job.status} in {took:.1f} s (check and apply, {took / max(1, job.rows_total) * 1000:.1f} ms "
              f"a row); {Action.objects.filter(strategy=strategy).count():,} actions; peak memory "
              f"{peak_mb():.0f} MB ({peak_mb() - baseline:+.0f} MB)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

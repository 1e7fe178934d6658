"""Scheduled work on the action plan. Each task takes plain values, calls a service and is safe to repeat."""
import datetime

from celery import shared_task
from django.utils import timezone


def _day(value):
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


@shared_task(acks_late=True)
def take_progress_snapshots(day=None):
    """Record each current strategy's plan figures for the day (default today). Repeating it refreshes the row."""
    from strategy.models import Strategy

    from .services import progress_snapshot_take

    day = _day(day)
    ids = list(Strategy.objects.exclude(status="superseded").values_list("pk", flat=True))
    for strategy_id in ids:
        progress_snapshot_take(strategy_id=strategy_id, day=day)
    return {"day": day.isoformat(), "strategies": len(ids)}


@shared_task(acks_late=True)
def send_weekly_reminders(day=None):
    """Email leads their actions due soon, overdue or stale, and business managers a summary. Never twice a week."""
    from .services import reminders_send

    day = _day(day)
    return {"day": day.isoformat(), "sent": reminders_send(day=day)}


@shared_task(name="actionplan.plan_import", acks_late=True)
def run_plan_import(job_id):
    """Check and apply one spreadsheet import, every row or none; safe to run again for the same id."""
    from .services import plan_import_run

    job = plan_import_run(job_id=job_id)
    return {"job_id": job.pk, "status": job.status, "rows_checked": job.rows_checked, "errors": len(job.errors)}


@shared_task(name="actionplan.requeue_plan_imports", acks_late=True)
def requeue_plan_imports():
    """Every minute (CELERY_BEAT_SCHEDULE): send again the imports still waiting after the broker was down, and
    those whose worker died."""
    from .services import plan_imports_requeue_waiting

    return {"sent": plan_imports_requeue_waiting()}

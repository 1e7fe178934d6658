"""Reads of the action plan, each in a fixed number of queries."""
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from partnerships import access

from .models import (
    CLOSED_STATUSES,
    DEFAULT_STATUS_MEANINGS,
    Action,
    ActionStatus,
    CompletionDateChange,
    DateChangeStatus,
    StatusMeaning,
    reference_sort_key,
)


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


_PLAN_STATE_FIELDS = ("id", "partnership", "status", "plan_version", "created_at")
_MAX_ID = 2**63 - 1


def _compose_plan_states(where):
    from partnerships.composed_sql import Columns
    from strategy.models import Strategy

    qn = connection.ops.quote_name
    cols = Columns(Strategy, "s", [Strategy._meta.get_field(name) for name in _PLAN_STATE_FIELDS])
    column = qn(Strategy._meta.get_field(where).column)
    return (f"SELECT {', '.join(cols.select)} FROM {qn(Strategy._meta.db_table)} s WHERE s.{column} "
            + ("= %s" if where == "id" else "IN ({}) ORDER BY s.{}".format("{}", qn("id")))), cols


def plan_state_of(strategy_id):
    """(partnership id, status, plan version, created at) of one strategy, or None when there is none: one query
    by key, its SQL composed once per process (partnerships/composed_sql.py: a 304 of the API costs this and
    the token). The creation time makes the state unique to this row even if a database is rebuilt under a
    cache that outlives it."""
    from partnerships.composed_sql import composed, fetch

    strategy_id = int(strategy_id)
    if not 0 < strategy_id <= _MAX_ID:
        return None
    sql, cols = composed("plan-state-of", lambda: _compose_plan_states("id"))
    rows = fetch(sql, [strategy_id])
    return tuple(cols.values(rows[0]))[1:] if rows else None


def plan_states_visible_to_user(user):
    """(id, status, plan version, created at) of every strategy the user may read, in id order: together they
    name the state of every action, update and snapshot the user may read. One query on the partnership
    index (SQL composed once per process); the read rule is access.may_read_strategy, the rule of
    strategies_visible_to_user applied to each row."""
    from partnerships.composed_sql import composed, fetch

    partnership_ids = sorted(access.memberships_of(user))
    if not partnership_ids:
        return ()
    sql, cols = composed("plan-states-in", lambda: _compose_plan_states("partnership"))
    rows = fetch(sql.format(", ".join(["%s"] * len(partnership_ids))), partnership_ids)
    states = (cols.values(row) for row in rows)
    return tuple((pk, status, version, created) for pk, partnership_id, status, version, created in states
                 if access.may_read_strategy(user, partnership_id, status))


def updates_visible_to_user(user):
    """Every update to an action the user may read (for the API and the feeds)."""
    from .models import ActionUpdate

    return access.scope_for_user(ActionUpdate.objects.all(), user, partnership="action__strategy__partnership_id",
                                 strategy_status="action__strategy__status")


def snapshots_visible_to_user(user):
    """The progress snapshots of every strategy the user may read."""
    from .models import ProgressSnapshot

    return access.scope_for_user(ProgressSnapshot.objects.all(), user, partnership="strategy__partnership_id",
                                 strategy_status="strategy__status")


def _stale_before():
    return timezone.now() - timedelta(days=settings.ACTION_STALE_AFTER_DAYS)


def overdue_q(today=None):
    """The one overdue rule: open and past its completion date. The completion date is the one agreed now,
    so once a revised date is accepted the action is judged against it (the original stays on record).
    `annotate_flags` applies the same rule to actions already read."""
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


def with_latest_note(qs):
    """Annotate each action with `latest_note`: the narrative of its newest update (empty when none)."""
    from django.db.models import OuterRef, Subquery

    from .models import ActionUpdate

    newest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-id").values("narrative")[:1]
    return qs.annotate(latest_note=Subquery(newest))


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


# What a row of the action tables shows, flags and sorts by; the long texts no table shows (completion and
# cancellation notes) are left in the database.
TABLE_ROW_FIELDS = (
    "id", "strategy_id", "outcome_id", "lead_agency_id", "reference", "text", "lead_name", "lead_contact_needed",
    "commencement_date", "completion_date", "original_completion_date", "start_year", "end_year", "measures_text",
    "status", "progress", "last_update_at", "created_at", "version",
)


def plan_table_actions(actions_qs):
    """The actions of `actions_qs` as the plan table shows them: flagged, each with its lead agency, outcome and
    aim. The few agencies, outcomes and aims are read once each and shared by the actions (two small queries):
    at 2,000 actions, building an agency, an outcome and an aim for every row was most of the time spent
    reading the plan."""
    from partnerships.models import Agency
    from strategy.models import IntendedOutcome

    actions = list(actions_qs.only(*TABLE_ROW_FIELDS))
    agencies = Agency.objects.in_bulk({a.lead_agency_id for a in actions})
    outcomes = IntendedOutcome.objects.select_related("aim").in_bulk({a.outcome_id for a in actions})
    for action in actions:
        action.lead_agency = agencies[action.lead_agency_id]
        action.outcome = outcomes[action.outcome_id]
    return annotate_flags(actions)


def plan_actions(membership, strategy):
    """The strategy's actions in plan order (aim, outcome, reference) with what the plan page shows."""
    qs = visible_actions(membership).filter(strategy=strategy)
    return annotate_flags(list(with_table_relations(qs).order_by("outcome__aim__number", "outcome__number", "id")))


def my_agency_actions(membership):
    """The open and closed actions the member's agency leads in the current strategy (the live one: each
    action once, even while a new version is drafted), overdue and stale first."""
    from strategy.selectors import current_strategy

    current = current_strategy(membership)
    if current is None:
        return []
    qs = visible_actions(membership).filter(lead_agency_id=membership.agency_id, strategy=current)
    actions = list(qs.only(*TABLE_ROW_FIELDS).order_by("completion_date", "id"))
    # Every one is of the current strategy and led by the member's agency: one instance of each, shared.
    for action in actions:
        action.strategy = current
        action.lead_agency = membership.agency
    annotate_flags(actions)
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


def _trend_point(day, figures):
    return {"date": day, "total": figures["total"], "completed_percent": figures["completed_percent"],
            "overdue": figures["overdue"], "stale": figures["stale"], "by_status": figures["by_status"]}


def strategy_trend(strategy, since=None):
    """The strategy's nightly snapshots, oldest first: overall, per aim (every aim of the strategy) and per lead
    agency (those with a figure on any day). In three queries."""
    from partnerships.models import Agency

    snapshots = strategy.progress_snapshots.order_by("date")
    if since is not None:
        snapshots = snapshots.filter(date__gte=since)
    snapshots = list(snapshots)
    agency_ids = sorted({int(pk) for s in snapshots for pk in s.by_agency})
    return {
        "strategy": strategy.pk,
        "points": [_trend_point(s.date, s.__dict__) for s in snapshots],
        "by_aim": [
            {"aim": aim.pk, "aim_number": aim.number, "aim_title": aim.title,
             "points": [_trend_point(s.date, s.by_aim[str(aim.pk)]) for s in snapshots if str(aim.pk) in s.by_aim]}
            for aim in strategy.aims.order_by("number")
        ],
        "by_agency": [
            {"lead_agency": agency.pk, "lead_agency_name": agency.name,
             "points": [_trend_point(s.date, s.by_agency[str(agency.pk)]) for s in snapshots
                        if str(agency.pk) in s.by_agency]}
            for agency in Agency.objects.filter(pk__in=agency_ids).order_by("name")
        ],
    }


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


def needs_update_q(day):
    """Open actions due within 14 days of `day`, overdue or stale: what the weekly reminder asks about."""
    due_soon = Q(completion_date__gte=day, completion_date__lte=day + timedelta(days=14))
    return ~Q(status__in=CLOSED_STATUSES) & (due_soon | Q(completion_date__lt=day) | stale_q())


def _reminder_actions(day):
    from strategy.selectors import current_strategy_ids

    return (
        Action.objects.filter(strategy_id__in=list(current_strategy_ids().values()))
        .filter(needs_update_q(day))
        .select_related("strategy", "lead_agency", "outcome__aim")
    )


def _round_reminder_actions(day):
    """Where a partnership records steering group meetings, reminders follow its rounds: while a round's
    reminders run, its live strategy's open actions not updated since the round opened. Returns (the
    partnerships that run rounds, {partnership id: round reminding on `day`}, those actions)."""
    from .models import DEFAULT_UPDATES_DUE_DAYS, RoundSettings, SteeringGroupMeeting

    meetings = {}
    for meeting in SteeringGroupMeeting.objects.order_by("partnership_id", "date"):
        meetings.setdefault(meeting.partnership_id, []).append(meeting)
    if not meetings:
        return set(), {}, []
    due_days = dict(RoundSettings.objects.filter(partnership_id__in=list(meetings))
                    .values_list("partnership_id", "updates_due_days"))
    reminding, condition = {}, Q(pk__in=[])
    for pid, items in meetings.items():
        rnd = next((r for r in _rounds_from(items, due_days.get(pid, DEFAULT_UPDATES_DUE_DAYS)) if r.date >= day), None)
        strategy_id = live_strategy_id(pid) if rnd and rnd.reminds(day) else None
        if strategy_id:
            reminding[pid] = rnd
            condition |= Q(strategy_id=strategy_id) & _needs_round_update(rnd.opens_on)
    actions = list(Action.objects.filter(condition).select_related("strategy", "lead_agency", "outcome__aim")) \
        if reminding else []
    return set(meetings), reminding, actions


def reminder_leads(*, day):
    """For each active steering group member whose agency leads actions due within 14 days of `day`, overdue
    or stale: the member, their partnership and those actions (overdue first). Where the partnership records
    steering group meetings, the actions are instead those of the open round not yet updated in it, and only
    while the round's reminders run (`round` names it)."""
    from partnerships.models import Membership, Role

    by_agency = {}
    with_rounds, reminding, round_actions_due = _round_reminder_actions(day)
    legacy = [a for a in _reminder_actions(day) if a.strategy.partnership_id not in with_rounds]
    for action in annotate_flags(legacy + round_actions_due):
        action.is_overdue = bool(action.completion_date and action.completion_date < day)
        by_agency.setdefault(action.lead_agency_id, []).append(action)
    members = Membership.objects.filter(
        is_active=True, user__is_active=True, role=Role.STEERING_MEMBER, agency_id__in=list(by_agency)
    ).select_related("user", "partnership", "agency").order_by("partnership_id", "user_id")
    result = []
    for m in members:
        actions = sorted(by_agency[m.agency_id], key=lambda a: (not a.is_overdue, a.completion_date or _FAR,
                                                                 reference_sort_key(a.reference)))
        result.append({"user": m.user, "membership": m, "partnership": m.partnership, "agency": m.agency,
                       "actions": actions, "day": day, "round": reminding.get(m.partnership_id)})
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
    from strategy.selectors import current_strategy_ids

    strategies = Strategy.objects.filter(pk__in=list(current_strategy_ids(by_partnership).values()))
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


# --- Update rounds ---------------------------------------------------------------------------------

# The first recorded meeting has no meeting before it: its round opens this many days before updates fall due.
FIRST_ROUND_DAYS = 28
# Weekly reminders of a round go out from this many days before updates fall due until the meeting.
ROUND_REMINDER_DAYS = 14


class Round:
    """The update round that closes at one steering group meeting."""

    def __init__(self, meeting, opens_on, due_on):
        self.meeting, self.opens_on, self.due_on = meeting, opens_on, due_on
        self.date = meeting.date

    def is_open(self, day):
        return self.opens_on <= day <= self.date

    def reminds(self, day):
        """Whether the round's weekly reminders go out on `day`."""
        return self.is_open(day) and day >= self.due_on - timedelta(days=ROUND_REMINDER_DAYS)

    def state(self, day):
        if day > self.date:
            return "closed"
        return "open" if day >= self.opens_on else "upcoming"

    def __repr__(self):
        return f"<Round {self.opens_on}..{self.date} due {self.due_on}>"


def updates_due_days(partnership_id):
    from .models import DEFAULT_UPDATES_DUE_DAYS, RoundSettings

    found = RoundSettings.objects.filter(partnership_id=partnership_id).values_list("updates_due_days", flat=True)
    return next(iter(found), DEFAULT_UPDATES_DUE_DAYS)


def _rounds_from(meetings, due_days):
    rounds, previous = [], None
    for meeting in meetings:
        due_on = meeting.date - timedelta(days=due_days)
        opens_on = previous.date + timedelta(days=1) if previous else due_on - timedelta(days=FIRST_ROUND_DAYS)
        rounds.append(Round(meeting, min(opens_on, due_on), due_on))
        previous = meeting
    return rounds


def partnership_rounds(partnership_id):
    """Every round of the partnership, oldest first, in two queries."""
    from .models import SteeringGroupMeeting

    meetings = SteeringGroupMeeting.objects.filter(partnership_id=partnership_id).order_by("date")
    return _rounds_from(list(meetings), updates_due_days(partnership_id))


def round_of(meeting):
    return next(r for r in partnership_rounds(meeting.partnership_id) if r.meeting.pk == meeting.pk)


def next_round(partnership_id, day=None):
    """The round of the next meeting on or after `day` (today), or None."""
    day = day or timezone.localdate()
    return next((r for r in partnership_rounds(partnership_id) if r.date >= day), None)


def live_strategy_id(partnership_id):
    """The strategy a round follows: the partnership's current strategy (strategy.selectors.current_strategy's rule)."""
    from strategy.selectors import current_strategy_ids

    return current_strategy_ids([partnership_id]).get(partnership_id)


def _needs_round_update(opens_on):
    """Open actions with no update on or after the day the round opened."""
    return ~Q(status__in=CLOSED_STATUSES) & (Q(last_update_at__isnull=True) | Q(last_update_at__date__lt=opens_on))


def round_actions(membership, rnd, strategy_id):
    """The round's actions this membership sees (a steering group member: their agency's), in plan order, each
    with `round_updates` (its updates since the round opened, newest first), `updated_in_round`,
    `last_requested` (when an update was last asked for in the round) and the overdue flag."""
    from django.db.models import Prefetch

    from .models import ActionUpdate, UpdateRequestAction

    qs = visible_actions(membership).filter(strategy_id=strategy_id)
    if membership.role == "steering_member":
        qs = qs.filter(lead_agency_id=membership.agency_id)
    qs = with_table_relations(qs).prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.filter(created_at__date__gte=rnd.opens_on)
                 .select_related("author"), to_attr="round_updates"),
        Prefetch("update_request_items", queryset=UpdateRequestAction.objects.filter(
            request__created_at__date__gte=rnd.opens_on).select_related("request"), to_attr="round_requests"),
    )
    actions = annotate_flags(list(qs))
    actions.sort(key=lambda a: (a.outcome.aim.number, a.outcome.number, reference_sort_key(a.reference)))
    for action in actions:
        action.updated_in_round = bool(action.round_updates)
        action.needs_update = not action.updated_in_round and not action.is_closed
        action.last_requested = action.round_requests[0].request.created_at if action.round_requests else None
    return actions


def round_progress(membership, rnd, strategy_id):
    """Who has updated since the round opened and who has not: per agency and per action, with counts."""
    actions = round_actions(membership, rnd, strategy_id) if strategy_id else []
    agencies = {}
    for action in actions:
        entry = agencies.setdefault(action.lead_agency_id, {
            "agency": action.lead_agency, "actions": [], "updated": 0, "not_updated": 0, "closed": 0,
        })
        entry["actions"].append(action)
        if action.updated_in_round:
            entry["updated"] += 1
        elif action.is_closed:
            entry["closed"] += 1
        else:
            entry["not_updated"] += 1
    rows = sorted(agencies.values(), key=lambda e: e["agency"].name)
    return {
        "agencies": rows,
        "actions": actions,
        "total": len(actions),
        "updated": sum(e["updated"] for e in rows),
        "not_updated": sum(e["not_updated"] for e in rows),
        "closed": sum(e["closed"] for e in rows),
    }


def visible_meetings(membership):
    from .models import SteeringGroupMeeting

    return access.scope(SteeringGroupMeeting.objects.all(), membership)


def rounds_for_page(membership, day=None):
    """The partnership's rounds for the rounds page, newest first, each with its state on `day`."""
    day = day or timezone.localdate()
    if not access.can(membership, access.ROUND_VIEW):
        return []
    rounds = partnership_rounds(membership.partnership_id)
    for rnd in rounds:
        rnd.state_now = rnd.state(day)
    return list(reversed(rounds))


def board_pack_data(meeting, day=None):
    """What the board pack shows, from the round's data: per aim and per agency what changed since the last
    meeting, the overdue actions and who has not updated."""
    from django.db.models import Prefetch

    from .models import ActionUpdate

    rnd = round_of(meeting)
    strategy_id = live_strategy_id(meeting.partnership_id)
    actions = []
    if strategy_id:
        qs = with_table_relations(Action.objects.filter(strategy_id=strategy_id)).prefetch_related(
            Prefetch("updates", queryset=ActionUpdate.objects.filter(created_at__date__gte=rnd.opens_on)
                     .select_related("author").order_by("created_at", "id"), to_attr="round_updates"),
        )
        actions = annotate_flags(list(qs))
    as_of = min(day or timezone.localdate(), meeting.date)
    for action in actions:
        action.is_overdue = bool(not action.is_closed and action.completion_date and action.completion_date < as_of)
        action.updated_in_round = bool(action.round_updates)
        action.needs_update = not action.updated_in_round and not action.is_closed
        status_then = action.round_updates[0].status_from if action.round_updates else action.status
        action.status_then = ActionStatus(status_then).label
        action.progress_then = action.round_updates[0].progress_from if action.round_updates else action.progress
    actions.sort(key=lambda a: (a.outcome.aim.number, a.outcome.number, reference_sort_key(a.reference)))
    aims, agencies = {}, {}
    for action in actions:
        aim = aims.setdefault(action.outcome.aim_id, {"aim": action.outcome.aim, "actions": [], "changed": [],
                                                       "overdue": 0, "not_updated": 0})
        agency = agencies.setdefault(action.lead_agency_id, {"agency": action.lead_agency, "total": 0, "updated": 0,
                                                              "not_updated": [], "overdue": 0})
        aim["actions"].append(action)
        agency["total"] += 1
        if action.updated_in_round:
            aim["changed"].append(action)
            agency["updated"] += 1
        if action.needs_update:
            aim["not_updated"] += 1
            agency["not_updated"].append(action)
        if action.is_overdue:
            aim["overdue"] += 1
            agency["overdue"] += 1
    from strategy.models import Strategy

    return {
        "meeting": meeting,
        "round": rnd,
        "partnership": meeting.partnership,
        "strategy": Strategy.objects.filter(pk=strategy_id).first() if strategy_id else None,
        "aims": sorted(aims.values(), key=lambda e: e["aim"].number),
        "agencies": sorted(agencies.values(), key=lambda e: e["agency"].name),
        "overdue": [a for a in actions if a.is_overdue],
        "not_updated": [a for a in actions if a.needs_update],
        "changed": [a for a in actions if a.updated_in_round],
        "total": len(actions),
        "as_of": as_of,
    }


def home_round(membership, context):
    """The home page's next steering group meeting and the member's agency's actions that need an update
    before it (not updated since its round opened)."""
    rnd = next_round(membership.partnership_id)
    if rnd is None or not access.can(membership, access.ROUND_VIEW):
        return {"next_round": None, "round_needs_update": []}
    needs = []
    strategy_id = live_strategy_id(membership.partnership_id)
    if membership.agency_id and strategy_id:
        qs = visible_actions(membership).filter(strategy_id=strategy_id, lead_agency_id=membership.agency_id)
        needs = sorted(qs.filter(_needs_round_update(rnd.opens_on)).only("id", "reference", "text", "strategy_id"),
                       key=lambda a: reference_sort_key(a.reference))
    return {"next_round": rnd, "round_needs_update": needs}


def update_requests_of(action, limit=10):
    """The latest requests for an update of the action, for its page."""
    return list(action.update_request_items.select_related("request__requested_by", "request__meeting")[:limit])


def _lead_sort_key(action):
    return (not action.is_overdue, action.completion_date or _FAR, reference_sort_key(action.reference))


def actions_to_update(membership, *, day=None, exclude_updated_since=None):
    """The actions of the current strategy the member's agency leads that need an update (as the reminder
    counts them), in the reminder's order: overdue first, then by completion date. Those updated since
    `exclude_updated_since` are left out (they have just been seen to)."""
    from strategy.selectors import current_strategy

    day = day or timezone.localdate()
    current = current_strategy(membership)
    if current is None or not membership.agency_id:
        return []
    qs = visible_actions(membership).filter(strategy=current, lead_agency_id=membership.agency_id)
    qs = qs.filter(needs_update_q(day))
    if exclude_updated_since is not None:
        qs = qs.exclude(last_update_at__gte=exclude_updated_since)
    return sorted(annotate_flags(list(qs.select_related("strategy", "lead_agency"))), key=_lead_sort_key)


def status_meanings(partnership):
    """[(status, label, meaning)] in the partnership's own words, the defaults where it has none. One query."""
    own = dict(StatusMeaning.objects.filter(partnership=partnership).values_list("status", "meaning"))
    return [(value, label, own.get(value) or DEFAULT_STATUS_MEANINGS[value]) for value, label in ActionStatus.choices]


def last_update(action):
    """The action's latest update with its author, looking back through the versions it was copied from."""
    from .models import ActionUpdate

    return (ActionUpdate.objects.filter(action_id__in=lineage_ids(action)).select_related("author")
            .order_by("-created_at", "-id").first())


def lineage_ids(action):
    """The action and the actions of earlier versions it was copied from, newest first."""
    ids, current, seen = [action.pk], action.copied_from_id, {action.pk}
    while current and current not in seen:
        seen.add(current)
        ids.append(current)
        current = Action.objects.filter(pk=current).values_list("copied_from_id", flat=True).first()
    return ids


def date_changes(action):
    """The action's date proposals, newest first, with who proposed and decided them."""
    return list(action.date_changes.select_related("proposed_by", "decided_by"))


def pending_date_change(action):
    return CompletionDateChange.objects.filter(action=action, status=DateChangeStatus.PROPOSED).first()


def pending_date_changes(membership):
    """Proposed new dates waiting for the business manager, oldest first."""
    return list(
        CompletionDateChange.objects.filter(
            status=DateChangeStatus.PROPOSED, action__strategy__partnership_id=membership.partnership_id
        ).select_related("action", "proposed_by").order_by("proposed_at", "id")
    )


def action_timeline(action):
    """The action's updates, newest first, with their authors and evidence files, carrying on from the
    versions it was copied from."""
    from .models import ActionUpdate

    return (ActionUpdate.objects.filter(action_id__in=lineage_ids(action)).select_related("author")
            .prefetch_related("files").order_by("-created_at", "-id"))


def action_comments(action):
    """The action's comment thread, oldest first, with authors and who each comment mentioned."""
    return action.comments.select_related("author").prefetch_related("mentioned")


def plan_imports(strategy):
    """The strategy's background imports (the caller has checked that the person may import into it)."""
    from .models import PlanImport

    return PlanImport.objects.filter(strategy=strategy).select_related("strategy__partnership", "requested_by")


def plan_import_progress(job):
    """What the progress page shows of an import, as plain values (the JSON the page's script reads)."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "in_progress": job.in_progress,
        "rows_total": job.rows_total,
        "rows_checked": job.rows_checked,
        "message": progress_message(job),
        "errors": len(job.errors),
    }


def progress_message(job):
    from .models import PlanImportStatus

    if job.status == PlanImportStatus.QUEUED:
        return f"Waiting to start checking {job.rows_total:,} rows."
    if job.status == PlanImportStatus.CHECKING:
        return f"Checked {job.rows_checked:,} of {job.rows_total:,} rows."
    if job.status == PlanImportStatus.APPLYING:
        return f"All {job.rows_total:,} rows passed the checks; applying the changes."
    if job.status == PlanImportStatus.DONE:
        return (f"Imported {job.rows_total:,} rows: {job.created:,} actions added, {job.updated:,} changed, "
                f"{job.unchanged:,} unchanged.")
    if job.error:
        return f"Nothing was imported: {job.error}"
    count = len(job.errors)
    return f"Nothing was imported: {count:,} row{'s' if count != 1 else ''} cannot be imported."

"""Reads for measuring impact: local data and the prevalence gap, the partnership dashboard and the
annual progress report. Each runs in a fixed number of queries whatever the size of the plan."""
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q

from actionplan.models import Action
from actionplan.selectors import visible_actions
from audits.selectors import visible_audits
from partnerships import access, charts
from partnerships.models import Recommendation
from strategy.models import Measure
from strategy.selectors import current_strategy, measure_number, plain_number

from . import calculations as impact
from .charts import measure_series_chart
from .models import (
    AnnualReportNarrative,
    BreakdownDimension,
    IdentificationBreakdown,
    IdentificationFigure,
    IdentificationMeasure,
    LocalDataPeriod,
    MeasureDataPoint,
)

MEASURE_ORDER = list(IdentificationMeasure.values)


def visible_local_data_periods(membership):
    """The partnership's local data periods, for those who may read local data."""
    return access.scope(LocalDataPeriod.objects.all(), membership, perm=access.LOCAL_DATA_VIEW)


def prevalence_rate():
    return Decimal(str(settings.PREVALENCE_RATE))


def figures_prefetch(with_breakdowns=False):
    qs = IdentificationFigure.objects.select_related("source_agency")
    if with_breakdowns:
        qs = qs.prefetch_related(Prefetch("breakdowns", queryset=IdentificationBreakdown.objects.order_by("dimension", "id")))
    return Prefetch("figures", queryset=qs)


def local_data_periods(membership, with_breakdowns=False):
    """The periods of local data the member may see, oldest first, with their figures."""
    return list(
        visible_local_data_periods(membership)
        .select_related("partnership")
        .prefetch_related(figures_prefetch(with_breakdowns))
        .order_by("start_date", "kind", "id")
    )


def _sorted_figures(period):
    return sorted(period.figures.all(), key=lambda f: MEASURE_ORDER.index(f.measure))


def period_gap(period):
    """The estimate for the period's population and, per figure, the gap in numbers and words."""
    nation = period.partnership.nation
    population = period.population_under_16
    estimate = impact.prevalence_estimate(population, prevalence_rate())
    rows = []
    for figure in _sorted_figures(period):
        gap = impact.prevalence_gap(estimate, figure.count) if estimate is not None else None
        rows.append({
            "figure": figure,
            "label": figure.label,
            "gap": gap,
            "sentence": impact.gap_sentence(figure.measure, gap, nation) if gap else "",
        })
    return {"period": period, "population": population, "estimate": estimate, "rows": rows}


def gap_chart(gap):
    if gap["estimate"] is None or not gap["rows"]:
        return None
    return charts.prevalence_gap_chart(
        period_label=gap["period"].label, estimate=gap["estimate"],
        figures=[(row["label"], row["figure"].count, row["sentence"]) for row in gap["rows"]],
        source=settings.PREVALENCE_SOURCE,
    )


def latest_period_with_figures(periods):
    """The most recent year with figures, or else the most recent quarter with figures."""
    with_figures = [p for p in periods if p.figures.all()]
    years = [p for p in with_figures if p.kind == "year"]
    pool = years or with_figures
    return max(pool, key=lambda p: p.end_date) if pool else None


def trend_chart(periods):
    """Each measure over the periods of the kind most recorded (years, or quarters)."""
    with_figures = [p for p in periods if p.figures.all()]
    if len(with_figures) < 2:
        return None
    kinds = [p.kind for p in with_figures]
    kind = max(set(kinds), key=lambda k: (kinds.count(k), k == "year"))
    chosen = sorted((p for p in with_figures if p.kind == kind), key=lambda p: p.start_date)
    if len(chosen) < 2:
        return None
    nation = chosen[0].partnership.nation
    by_period = [{f.measure: f.count for f in p.figures.all()} for p in chosen]
    series = [
        (_label(m, nation), [counts.get(m) for counts in by_period])
        for m in MEASURE_ORDER
        if any(m in counts for counts in by_period)
    ]
    return charts.identification_trend_chart(period_labels=[p.label for p in chosen], series=series)


def _label(measure, nation):
    from .models import identification_measure_label

    return identification_measure_label(measure, nation)


def period_with_breakdowns(membership, pk):
    """One period the member may see (or 404), and its gap with each figure's breakdown tables."""
    period = access.get_visible_or_404(
        visible_local_data_periods(membership).select_related("partnership").prefetch_related(
            figures_prefetch(with_breakdowns=True)
        ),
        pk=pk,
    )
    gap = period_gap(period)
    for row in gap["rows"]:
        row["breakdowns"] = breakdown_tables(row["figure"])
    return period, gap


def breakdown_tables(figure):
    """The figure's breakdowns as tables per dimension, with percentages like published data tables."""
    tables = {}
    for b in figure.breakdowns.all():
        tables.setdefault(b.dimension, []).append(b)
    result = []
    order = list(BreakdownDimension.values)
    for dimension, items in sorted(tables.items(), key=lambda kv: order.index(kv[0])):
        rows, totals = impact.breakdown_rows(figure.count, figure.total, [(b.category, b.count, b.total) for b in items])
        result.append({"dimension": items[0].get_dimension_display(), "rows": rows, "totals": totals})
    return result


def local_data_for_export(strategy):
    """The prevalence gap of the partnership's latest local data, for the strategy document (two queries)."""
    periods = list(
        LocalDataPeriod.objects.filter(partnership_id=strategy.partnership_id)
        .select_related("partnership")
        .prefetch_related(figures_prefetch())
        .order_by("start_date", "kind", "id")
    )
    latest = latest_period_with_figures(periods)
    if latest is None:
        return None
    gap = period_gap(latest)
    return {"gap": gap, "gap_chart": gap_chart(gap), "prevalence_source": settings.PREVALENCE_SOURCE}


# The dashboard


def _status_groups(rows, key, label):
    from actionplan.models import ActionStatus

    groups = {}
    for row in rows:
        groups.setdefault(row[key], {"label": label(row), "counts": {}})["counts"][row["status"]] = row["n"]
    statuses = list(ActionStatus.choices)
    return [(g["label"], g["counts"]) for _, g in sorted(groups.items(), key=lambda kv: kv[0])], statuses


def status_by_aim_chart(actions):
    rows = actions.values("outcome__aim__number", "outcome__aim__title", "status").annotate(n=Count("id")).order_by()
    groups, statuses = _status_groups(rows, "outcome__aim__number", lambda r: f"Aim {r['outcome__aim__number']}")
    if not groups:
        return None
    return charts.status_chart(title="Actions by status, per aim", groups=groups, statuses=statuses, label_header="Aim")


def status_by_agency_chart(actions):
    rows = actions.values("lead_agency__name", "lead_agency__short_name", "status").annotate(n=Count("id")).order_by()
    groups, statuses = _status_groups(
        rows, "lead_agency__name", lambda r: r["lead_agency__short_name"] or r["lead_agency__name"]
    )
    if not groups:
        return None
    return charts.status_chart(
        title="Actions by status, per lead agency", groups=groups, statuses=statuses, label_header="Lead agency"
    )


def recommendations_coverage(strategy):
    """Each national-review recommendation with the number of the strategy's actions that answer it."""
    return list(
        Recommendation.objects.annotate(
            action_count=Count("actions", filter=Q(actions__strategy=strategy), distinct=True)
        ).order_by("number")
    )


def coverage_of_forms_and_groups(strategy):
    """Which forms of abuse and affected groups the strategy addresses, as [(item, addressed)] (two queries).

    Returns None while the strategy records none of either, so the dashboard says so.
    """
    from strategy.selectors import coverage_flags

    cov = coverage_flags(strategy)
    if not cov["forms_addressed"] and not cov["groups_addressed"]:
        return None
    return {
        "forms": [(f, f.addressed) for f in (*cov["forms_addressed"], *cov["forms_missing"])],
        "groups": [(g, g.addressed) for g in (*cov["groups_addressed"], *cov["groups_missing"])],
    }


# Enough nightly snapshots for a readable chart.
DASHBOARD_SNAPSHOTS = 30


def progress_snapshots(strategy):
    """The latest nightly plan progress snapshots, oldest first, as [{"date", "counts"}] (one query)."""
    from actionplan.selectors import progress_trend

    return [{"date": s.date, "counts": s.by_status} for s in progress_trend(strategy, limit=DASHBOARD_SNAPSHOTS)]


def latest_measures(strategy):
    """Each measure of the evaluation framework with its baseline and target, in framework order, as
    [{"measure", "baseline", "target", "chart"}] (one query). `chart` stays None until measures have data
    points over time to plot with charts.measure_series_chart(...)."""
    from strategy.models import Measure

    measures = Measure.objects.filter(outcome__aim__strategy=strategy).select_related("outcome__aim")
    return [{"measure": m, "baseline": m.baseline, "target": m.target, "chart": None} for m in measures]


def training_needs_without_actions(membership):
    """Training needs found by the assessments the member may see that no action answers yet (one query;
    none for members without the workforce view)."""
    from workforce.selectors import needs_without_actions

    return needs_without_actions(membership)


def dashboard(membership):
    from actionplan.selectors import progress_summary

    strategy = current_strategy(membership)
    context = {"strategy": strategy, "can_see_local_data": access.can(membership, access.LOCAL_DATA_VIEW),
               "can_see_audits": access.can(membership, access.AUDIT_VIEW)}
    if strategy is not None:
        actions = visible_actions(membership).filter(strategy=strategy)
        context.update(
            summary=progress_summary(actions),
            aim_chart=status_by_aim_chart(actions),
            agency_chart=status_by_agency_chart(actions),
            recommendations=recommendations_coverage(strategy),
            coverage=coverage_of_forms_and_groups(strategy),
        )
        context["measures"] = latest_measures(strategy)
        snapshots = progress_snapshots(strategy)
        if snapshots:
            from actionplan.models import ActionStatus

            context["progress_chart"] = charts.progress_over_time_chart(
                snapshots=snapshots, statuses=list(ActionStatus.choices)
            )
    if access.can(membership, access.WORKFORCE_VIEW):
        context["training_needs_without_actions"] = training_needs_without_actions(membership)
    if context["can_see_audits"]:
        context["audits"] = list(visible_audits(membership).order_by("-audit_date", "-id")[:5])
    if context["can_see_local_data"]:
        periods = local_data_periods(membership)
        latest = latest_period_with_figures(periods)
        if latest is not None:
            gap = period_gap(latest)
            context.update(gap=gap, gap_chart=gap_chart(gap))
    return context


# The annual progress report


def default_report_period(membership, today):
    """The latest year of local data that has ended, or else the twelve months up to today."""
    year = (
        visible_local_data_periods(membership).filter(kind="year", end_date__lte=today)
        .order_by("-end_date").first()
    )
    if year is not None:
        return year.start_date, year.end_date
    return today - timedelta(days=364), today


def annual_report_narrative(strategy, start, end):
    """The business manager's narrative of the report for exactly this period ("" when none is written)."""
    return AnnualReportNarrative.objects.filter(
        strategy=strategy, period_start=start, period_end=end).values_list("text", flat=True).first() or ""


def annual_report(membership, strategy, start, end):
    """What was done, what changed, what was learned and what is next, for the period from start to end."""
    from actionplan.models import CLOSED_STATUSES, ActionStatus, ActionUpdate

    actions = visible_actions(membership).filter(strategy=strategy)
    completions = (
        ActionUpdate.objects.filter(
            action__in=actions, status_to=ActionStatus.COMPLETED,
            created_at__date__gte=start, created_at__date__lte=end,
        )
        .select_related("action__lead_agency", "action__outcome__aim")
        .order_by("action__outcome__aim__number", "action_id", "-created_at")
    )
    done, seen = [], set()
    for update in completions:
        if update.action_id not in seen:
            seen.add(update.action_id)
            done.append(update)
    next_end = end + (end - start) + timedelta(days=1)
    due_next = list(
        actions.filter(completion_date__gt=end, completion_date__lte=next_end)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("lead_agency", "outcome__aim")
        .order_by("completion_date", "id")
    )
    periods = [p for p in local_data_periods(membership) if p.end_date <= end]
    in_period = [p for p in periods if p.start_date >= start]
    current = latest_period_with_figures(in_period)
    changes, gap = [], None
    if current is not None:
        earlier = [p for p in periods if p.kind == current.kind and p.end_date < current.start_date and p.figures.all()]
        previous = max(earlier, key=lambda p: p.end_date) if earlier else None
        before = {f.measure: f.count for f in previous.figures.all()} if previous else {}
        for figure in _sorted_figures(current):
            old = before.get(figure.measure)
            changes.append({
                "label": figure.label, "now": figure.count, "before": old,
                "change": None if old is None else figure.count - old,
                "change_percent": None if not old else impact.percent(figure.count - old, old),
            })
        gap = period_gap(current)
        context_previous = previous
    else:
        context_previous = None
    audits = []
    if access.can(membership, access.AUDIT_VIEW):
        audits = list(
            visible_audits(membership).filter(audit_date__gte=start, audit_date__lte=end)
            .order_by("audit_date", "id")
        )
    return {
        "strategy": strategy, "start": start, "end": end, "next_end": next_end,
        "narrative": annual_report_narrative(strategy, start, end),
        "done": done, "due_next": due_next, "audits": audits,
        "current_period": current, "previous_period": context_previous, "changes": changes, "gap": gap,
        "gap_chart": gap_chart(gap) if gap else None,
        "prevalence_source": settings.PREVALENCE_SOURCE,
    }


def outcome_monitoring(outcome):
    """An intended outcome's measures, each with its data points in period order and its chart,
    and the actions serving the outcome with their lead agency: impact and activity side by side."""
    measures = list(
        Measure.objects.filter(outcome=outcome).order_by("id").prefetch_related(
            Prefetch("data_points", queryset=MeasureDataPoint.objects.select_related("entered_by")
                     .order_by("period_end", "id"))
        )
    )
    for measure in measures:
        points = list(measure.data_points.all())
        measure.points = points
        measure.chart = None
        if points:
            unit = "%" if "%" in f"{measure.baseline}{measure.target}" else ""
            measure.chart = measure_series_chart(
                title=measure.indicator[:120], baseline=plain_number(measure_number(measure.baseline)),
                target=plain_number(measure_number(measure.target)),
                points=[(p.period_label, plain_number(p.value)) for p in points], unit=unit,
            )
    actions = list(
        Action.objects.filter(outcome=outcome).select_related("lead_agency").order_by("reference", "id")
    )
    return {"measures": measures, "actions": actions}

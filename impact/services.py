"""Writes of local data (guide 5.1): periods, identification figures and their breakdowns, and the CSV import.

Each service validates every data rule, runs in a transaction and records who
did it. The rules: no negative counts, a part is never larger than its whole,
and periods of the same kind do not overlap within a partnership.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from actionplan.models import ActionUpdate, ProgressSnapshot
from partnerships import documents
from partnerships import pdf as pdf_engine
from partnerships.audit import diff, record
from partnerships.models import Agency, DocumentStatus, Membership, RenderedDocument
from strategy.models import Strategy

from . import selectors
from .models import (
    AnnualReportNarrative,
    BreakdownDimension,
    IdentificationBreakdown,
    IdentificationFigure,
    IdentificationMeasure,
    LocalDataPeriod,
    MeasureDataPoint,
    PeriodKind,
)


def _overlapping_period(period):
    return (
        LocalDataPeriod.objects.filter(
            partnership_id=period.partnership_id, kind=period.kind,
            start_date__lte=period.end_date, end_date__gte=period.start_date,
        )
        .exclude(pk=period.pk)
        .order_by("start_date")
        .first()
    )


def _validate_period(period):
    errors = {}
    if period.start_date and period.end_date and period.end_date < period.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date."
    u16, u18 = period.child_population_under_16, period.child_population_under_18
    if u16 is not None and u18 is not None and u16 > u18:
        errors["child_population_under_16"] = "Children under 16 cannot be more than children under 18."
    if not errors and period.start_date and period.end_date:
        clash = _overlapping_period(period)
        if clash is not None:
            errors["start_date"] = (
                f"This {period.get_kind_display().lower()} overlaps {clash.label} "
                f"({clash.start_date:%d %B %Y} to {clash.end_date:%d %B %Y})."
            )
    if errors:
        raise ValidationError(errors)
    period.full_clean()


@transaction.atomic
def period_create(*, partnership, actor, label, kind, start_date, end_date, child_population_under_16=None,
                  child_population_under_18=None):
    """Add a quarter or year of local data for the partnership."""
    period = LocalDataPeriod(
        partnership=partnership, label=label.strip(), kind=kind, start_date=start_date, end_date=end_date,
        child_population_under_16=child_population_under_16, child_population_under_18=child_population_under_18,
        created_by=actor,
    )
    _validate_period(period)
    period._history_user = actor
    period.save()
    record(actor=actor, verb="local_data.period_created", obj=period, partnership=partnership, summary=period.label)
    return period


def _dimension_sums(figure, exclude_pk=None):
    qs = IdentificationBreakdown.objects.filter(figure=figure)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return {
        row["dimension"]: (row["counts"] or 0, row["totals"] or 0)
        for row in qs.values("dimension").annotate(counts=Sum("count"), totals=Sum("total"))
    }


def _validate_figure(figure):
    errors = {}
    if figure.count is not None and figure.count < 0:
        errors["count"] = "The number cannot be negative."
    if figure.total is not None and figure.total < 0:
        errors["total"] = "The number cannot be negative."
    if not errors and figure.total is not None and figure.count is not None and figure.count > figure.total:
        errors["count"] = f"The number identified ({figure.count:,}) cannot be more than the total ({figure.total:,})."
    if figure.source_agency_id and figure.source_agency.partnership_id != figure.period.partnership_id:
        errors["source_agency"] = "Choose an agency of this partnership."
    if not errors and figure.pk:
        for dimension, (counts, totals) in _dimension_sums(figure).items():
            name = BreakdownDimension(dimension).label.lower()
            if counts > figure.count:
                errors["count"] = f"The breakdown by {name} already adds up to {counts:,}, more than {figure.count:,}."
            if figure.total is not None and totals > figure.total:
                errors["total"] = f"The breakdown by {name} already adds up to {totals:,} of all, more than {figure.total:,}."
    if errors:
        raise ValidationError(errors)
    figure.full_clean()


@transaction.atomic
def figure_record(*, period, actor, measure, count, source_agency, total=None, note=""):
    """Record (or correct) what agencies identified in a period for one measure."""
    figure = IdentificationFigure.objects.filter(period=period, measure=measure).first()
    before = None
    if figure is None:
        figure = IdentificationFigure(period=period, measure=measure)
    else:
        before = {"count": figure.count, "total": figure.total}
    figure.count, figure.total, figure.source_agency, figure.note = count, total, source_agency, note
    figure.entered_by = actor
    _validate_figure(figure)
    figure._history_user = actor
    figure.save()
    record(
        actor=actor, verb="local_data.figure_recorded", obj=figure, partnership=period.partnership,
        summary=f"{period.label}: {figure.get_measure_display()} {count}",
        changes={"count": [before["count"] if before else None, count], "total": [before["total"] if before else None, total]},
    )
    return figure


def _validate_breakdown(breakdown):
    figure = breakdown.figure
    errors = {}
    if breakdown.count is not None and breakdown.count < 0:
        errors["count"] = "The number cannot be negative."
    if breakdown.total is not None and breakdown.total < 0:
        errors["total"] = "The number cannot be negative."
    if not (breakdown.category or "").strip():
        errors["category"] = "Enter the category, for example Female or 10–15."
    if errors:
        raise ValidationError(errors)
    if breakdown.total is not None and breakdown.count > breakdown.total:
        errors["count"] = f"The number ({breakdown.count:,}) cannot be more than the category's total ({breakdown.total:,})."
    if breakdown.count > figure.count:
        errors["count"] = f"The number ({breakdown.count:,}) cannot be more than the figure it breaks down ({figure.count:,})."
    elif breakdown.dimension:
        counts, totals = _dimension_sums(figure, exclude_pk=breakdown.pk).get(breakdown.dimension, (0, 0))
        if counts + breakdown.count > figure.count:
            errors["count"] = (
                f"With this category the breakdown adds up to {counts + breakdown.count:,}, "
                f"more than the figure it breaks down ({figure.count:,})."
            )
        if breakdown.total is not None and figure.total is not None and totals + breakdown.total > figure.total:
            errors["total"] = (
                f"With this category the totals add up to {totals + breakdown.total:,}, more than all ({figure.total:,})."
            )
    if breakdown.total is not None and figure.total is None:
        errors["total"] = "Record the figure's total first: a category's total is part of it."
    if errors:
        raise ValidationError(errors)
    breakdown.full_clean()


@transaction.atomic
def breakdown_record(*, figure, actor, dimension, category, count, total=None):
    """Record (or correct) one category of a figure's breakdown by gender, age band or ethnicity group."""
    category = (category or "").strip()
    breakdown = IdentificationBreakdown.objects.filter(figure=figure, dimension=dimension, category=category).first()
    if breakdown is None:
        breakdown = IdentificationBreakdown(figure=figure, dimension=dimension, category=category)
    breakdown.count, breakdown.total = count, total
    _validate_breakdown(breakdown)
    breakdown.save()
    record(
        actor=actor, verb="local_data.breakdown_recorded", obj=breakdown, partnership=figure.period.partnership,
        summary=f"{figure.period.label}: {figure.get_measure_display()}, {breakdown.get_dimension_display()} "
        f"{category} {count}",
    )
    return breakdown


# The CSV import. One row per figure, or per category of a figure's breakdown
# (when `dimension` and `category` are filled in). All rows are applied, or none.

CSV_COLUMNS = (
    "period", "period_kind", "start_date", "end_date", "children_under_16", "children_under_18",
    "measure", "dimension", "category", "count", "total", "source_agency", "note",
)
MAX_IMPORT_ROWS = 2000


@dataclass
class ImportRow:
    number: int
    values: dict
    errors: list = field(default_factory=list)

    @property
    def cells(self):
        return [self.values.get(column, "") for column in CSV_COLUMNS]

    @property
    def is_breakdown(self):
        return bool(self.values.get("dimension") or self.values.get("category"))


@dataclass
class ImportResult:
    rows: list
    errors: list  # [(row number, message)]; row number 1 is the header
    applied: bool = False

    @property
    def ok(self):
        return not self.errors


class _Rollback(Exception):
    pass


def _int(value, name, required):
    value = (value or "").strip().replace(",", "")
    if not value:
        if required:
            raise ValueError(f"{name} is missing")
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} cannot be negative")
    return number


def _date(value, name):
    value = (value or "").strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date like 2025-04-01, not {value!r}") from None


def _choice(value, choices, name):
    value = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if value not in choices.values:
        raise ValueError(f"{name} must be one of {', '.join(choices.values)}, not {value!r}")
    return value


def _agency(partnership, value, agencies):
    key = (value or "").strip().lower()
    if not key:
        raise ValueError("source_agency is missing")
    agency = agencies.get(key)
    if agency is None:
        raise ValueError(f"no agency of this partnership is called {value.strip()!r}")
    return agency


def _messages(error):
    if hasattr(error, "error_dict"):
        return [f"{name}: {message}" if name != "__all__" else message
                for name, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def parse_csv(text):
    """The rows of the file with their row numbers, or a list of errors about its shape."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("period", "measure", "count", "source_agency") if c not in headers]
    if missing:
        return [], [(1, f"The header row lacks the column(s): {', '.join(missing)}.")]
    unknown = [h for h in headers if h not in CSV_COLUMNS]
    if unknown:
        return [], [(1, f"Unknown column(s): {', '.join(unknown)}. The columns are: {', '.join(CSV_COLUMNS)}.")]
    reader.fieldnames = headers
    rows = []
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            return [], [(number, f"The file has more than {MAX_IMPORT_ROWS} rows; split it.")]
        values = {k: (v or "").strip() for k, v in raw.items() if k}
        if any(values.values()):
            rows.append(ImportRow(number=number, values=values))
    if not rows:
        return [], [(1, "The file has no rows of data.")]
    return rows, []


def _import_row(row, partnership, actor, agencies, periods):
    v = row.values
    label = v.get("period", "")
    if not label:
        raise ValueError("period is missing")
    period = periods.get(label.lower())
    if period is None:
        period = LocalDataPeriod.objects.filter(partnership=partnership, label__iexact=label).first()
    if period is None:
        if not v.get("start_date") or not v.get("end_date"):
            raise ValueError(f"period {label!r} is new: give its period_kind, start_date and end_date")
        period = period_create(
            partnership=partnership, actor=actor, label=label,
            kind=_choice(v.get("period_kind") or "year", PeriodKind, "period_kind"),
            start_date=_date(v.get("start_date"), "start_date"), end_date=_date(v.get("end_date"), "end_date"),
            child_population_under_16=_int(v.get("children_under_16"), "children_under_16", False),
            child_population_under_18=_int(v.get("children_under_18"), "children_under_18", False),
        )
    elif v.get("start_date") and _date(v["start_date"], "start_date") != period.start_date:
        raise ValueError(f"period {label!r} already exists and starts on {period.start_date:%Y-%m-%d}")
    measure = _choice(v.get("measure"), IdentificationMeasure, "measure")
    count = _int(v.get("count"), "count", True)
    total = _int(v.get("total"), "total", False)
    if row.is_breakdown:
        figure = IdentificationFigure.objects.filter(period=period, measure=measure).first()
        if figure is None:
            raise ValueError(f"there is no {measure} figure for {label} to break down: add its row first")
        breakdown_record(
            figure=figure, actor=actor, dimension=_choice(v.get("dimension"), BreakdownDimension, "dimension"),
            category=v.get("category", ""), count=count, total=total,
        )
    else:
        figure_record(
            period=period, actor=actor, measure=measure, count=count, total=total,
            source_agency=_agency(partnership, v.get("source_agency"), agencies), note=v.get("note", ""),
        )
    # Remembered only once the row has succeeded: a refused row's new period is rolled back with it.
    periods[label.lower()] = period


def local_data_import(*, partnership, actor, text, apply=False):
    """Check every row of a CSV file of local data and, when `apply` and no row is refused, save them all.

    The rows run through the same services as the forms, figures before the
    breakdowns that refer to them, inside one transaction that is rolled back
    when any row is refused or when only a preview is asked for.
    """
    rows, errors = parse_csv(text)
    if errors:
        return ImportResult(rows=[], errors=errors)
    agencies = {}
    for agency in Agency.objects.filter(partnership=partnership):
        agencies[agency.name.lower()] = agency
        if agency.short_name:
            agencies.setdefault(agency.short_name.lower(), agency)
    periods = {}
    ordered = sorted(rows, key=lambda r: (r.is_breakdown, r.number))
    try:
        with transaction.atomic():
            for row in ordered:
                try:
                    with transaction.atomic():
                        _import_row(row, partnership, actor, agencies, periods)
                except ValueError as error:
                    row.errors.append(str(error))
                except ValidationError as error:
                    row.errors.extend(_messages(error))
            errors = sorted((row.number, message) for row in rows for message in row.errors)
            if errors or not apply:
                raise _Rollback
            record(
                actor=actor, verb="local_data.imported", partnership=partnership,
                summary=f"{len(rows)} rows of local data imported",
            )
    except _Rollback:
        return ImportResult(rows=rows, errors=errors, applied=False)
    return ImportResult(rows=rows, errors=[], applied=True)


# -- measure data points --------------------------------------------------------

# The earliest period end accepted, and how far ahead of today one may end (a year just begun).
DATA_POINT_EARLIEST = date(2000, 1, 1)
DATA_POINT_MAX_AHEAD_DAYS = 366


def _check_period_end(period_end):
    if period_end is None:
        return
    if period_end < DATA_POINT_EARLIEST:
        raise ValidationError({"period_end": f"Enter a period end date on or after {DATA_POINT_EARLIEST:%d %B %Y}."})
    if period_end > timezone.localdate() + timedelta(days=DATA_POINT_MAX_AHEAD_DAYS):
        raise ValidationError({"period_end": "Enter a period end date no more than a year from today."})


@transaction.atomic
def data_point_record(*, measure, actor, period_label, period_end, value, note=""):
    """Record a measure's value for a period, or correct it when that period end already has one.

    Allowed whatever the strategy's status: data points are monitoring, not drafting."""
    _check_period_end(period_end)
    point = MeasureDataPoint.objects.select_for_update().filter(measure=measure, period_end=period_end).first()
    created = point is None
    if created:
        point = MeasureDataPoint(measure=measure, period_end=period_end)
        before = {}
    else:
        before = {name: getattr(point, name) for name in ("period_label", "value", "note")}
    point.period_label = (period_label or "").strip()
    point.value = value
    point.note = (note or "").strip()
    point.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    point.entered_at = timezone.now()
    point.full_clean()
    point._history_user = actor
    point.save()
    record(
        actor=actor, verb="measure_data.recorded" if created else "measure_data.corrected", obj=point,
        summary=f"{measure.indicator[:200]} – {point}",
        changes=diff(point, ("period_label", "value", "note"), before) if not created else {},
    )
    return point


@transaction.atomic
def data_point_delete(*, point, actor):
    """Remove a data point entered in error."""
    record(actor=actor, verb="measure_data.deleted", obj=point, summary=f"{point.measure.indicator[:200]} – {point}")
    point._history_user = actor
    point.delete()


@transaction.atomic
def report_narrative_save(*, strategy, start, end, text, actor):
    """Write the business manager's narrative for the progress report of `strategy` from start to end (one
    per period: saving again replaces it). The report's fingerprint follows the audit row, so the next PDF and
    Word version carry the new text."""
    narrative, created = AnnualReportNarrative.objects.select_for_update().get_or_create(
        strategy=strategy, period_start=start, period_end=end)
    before = {"text": narrative.text}
    narrative.text, narrative.updated_by = text.strip(), actor
    narrative.full_clean()
    narrative.save(update_fields=["text", "updated_by", "updated_at"])
    record(actor=actor, verb="report_narrative.saved", obj=narrative, partnership=strategy.partnership,
           summary=f"Progress report {start:%Y-%m-%d} to {end:%Y-%m-%d}",
           changes={"text": "written" if created or not before["text"] else "changed"})
    return narrative


# --- The annual progress report as a PDF, through the document pipeline (partnerships/documents.py) -------

ANNUAL_REPORT = "annual_report"
ANNUAL_REPORT_TEMPLATE = "exports/document/annual_report.html"


def annual_report_fingerprint(*, strategy, membership, start, end):
    """The state of what the report for this period shows, from record versions, for one view of the plan
    (what a role and agency see): three indexed queries and the partnership's latest recorded change."""
    row = Strategy.objects.filter(pk=strategy.pk).values_list(
        "plan_version", "updated_at", "title", "status", "period_start", "period_end").get()
    updates = ActionUpdate.objects.filter(action__strategy_id=strategy.pk).aggregate(n=Count("id"), last=Max("id"))
    snapshots = ProgressSnapshot.objects.filter(strategy_id=strategy.pk).aggregate(n=Count("id"), last=Max("id"))
    code = documents.code_digest(
        "exports/document", selectors.__file__, __file__,
        Path(settings.BASE_DIR) / "templates" / "impact" / "_annual_report_body.html",
    )
    return documents.fingerprint(
        ANNUAL_REPORT, code, strategy.pk, membership.role, membership.agency_id, start.isoformat(), end.isoformat(),
        row, sorted(updates.items()), sorted(snapshots.items()), documents.last_change_id(strategy.partnership_id),
    )


def annual_report_request(*, strategy, membership, start, end, actor):
    """Ask for the progress report of `strategy` from start to end, as `membership` sees the plan. An unchanged
    report is reused at once (or the one being rendered); otherwise a queued one is created and the worker
    renders it. Nothing is rendered here. Returns (document, created)."""
    fingerprint = annual_report_fingerprint(strategy=strategy, membership=membership, start=start, end=end)
    same = RenderedDocument.objects.filter(partnership_id=strategy.partnership_id, kind=ANNUAL_REPORT,
                                           fingerprint=fingerprint).order_by("-requested_at")
    existing = same.filter(status=DocumentStatus.DONE).exclude(file="").exclude(docx_file="").first()
    if existing is None:
        existing = next((d for d in same.filter(status__in=[DocumentStatus.QUEUED, DocumentStatus.RENDERING])
                         if not d.is_stalled()), None)
    if existing is not None:
        return existing, False
    name = f"{strategy.partnership.slug}-progress-report-{start:%Y-%m-%d}-to-{end:%Y-%m-%d}.pdf"
    with transaction.atomic():
        document = RenderedDocument.objects.create(
            partnership_id=strategy.partnership_id, kind=ANNUAL_REPORT, fingerprint=fingerprint, filename=name,
            requested_by=actor, params={"strategy": strategy.pk, "membership": membership.pk,
                                        "start": start.isoformat(), "end": end.isoformat()},
        )
        record(actor=actor, verb="document.requested", obj=document, partnership=strategy.partnership,
               summary=f"Progress report {start:%Y-%m-%d} to {end:%Y-%m-%d}")
        documents.queue(ANNUAL_REPORT, document.pk)
    return document, True


def _render_annual_report(document):
    """Build the report from the database as it is now and render it with the lean engine (in the worker), and
    its Word version from the same HTML."""
    from partnerships.word import render_docx_if_possible

    params = document.params
    membership = Membership.objects.select_related("partnership", "agency").get(
        pk=params["membership"], partnership_id=document.partnership_id)
    strategy = Strategy.objects.select_related("partnership").get(
        pk=params["strategy"], partnership_id=document.partnership_id)
    start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
    fingerprint = annual_report_fingerprint(strategy=strategy, membership=membership, start=start, end=end)
    context = selectors.annual_report(membership, strategy, start, end)
    html = pdf_engine.document_engine().render_to_string(
        ANNUAL_REPORT_TEMPLATE, {**context, "partnership": strategy.partnership, "mode": "pdf"})
    pdf_bytes, pages = pdf_engine.render_pdf(html)
    return documents.Rendered(pdf_bytes, pages, {"fingerprint": fingerprint}, docx=render_docx_if_possible(html))


def register_documents():
    """Called from ImpactConfig.ready(): the annual progress report joins the background pipeline."""
    documents.register(documents.DocumentKind(
        name=ANNUAL_REPORT, model=RenderedDocument, render=_render_annual_report, verb="document",
        partnership_of=lambda document: document.partnership,
        queryset=lambda: RenderedDocument.objects.filter(kind=ANNUAL_REPORT).select_related("partnership"),
    ))

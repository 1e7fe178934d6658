"""Flat feeds of the action plan for spreadsheets and BI tools: one row per record, with column names that
do not change (a report built on them keeps working). Pure functions from querysets to rows; the API serves
them (api.FeedView)."""
import csv
import datetime
import io
import json

from .models import ActionStatus
from .selectors import annotate_flags
from .transfer import _safe

ACTION_COLUMNS = [
    "id", "strategy_id", "reference", "text", "aim_id", "aim_number", "aim_title", "outcome_id",
    "outcome_reference", "lead_agency_id", "lead_agency_name", "lead_name", "commencement_date",
    "completion_date", "timing", "core_component", "recommendations", "status", "status_label", "progress",
    "overdue", "stale", "last_update_at", "latest_note", "updated_at", "version",
]
UPDATE_COLUMNS = [
    "id", "action_id", "action_reference", "strategy_id", "created_at", "author", "status_from", "status_to",
    "progress_from", "progress_to", "narrative", "evidence_url",
]
SNAPSHOT_COLUMNS = [
    "strategy_id", "date", "scope", "scope_id", "total", "completed_percent", "overdue", "stale",
    *(f"status_{value}" for value in ActionStatus.values),
]


def action_rows(actions_qs):
    actions = annotate_flags(list(actions_qs))
    return ACTION_COLUMNS, (
        [
            a.pk, a.strategy_id, a.reference, a.text, a.outcome.aim_id, a.outcome.aim.number, a.outcome.aim.title,
            a.outcome_id, a.outcome.reference, a.lead_agency_id, a.lead_agency.name, a.lead_name,
            a.commencement_date, a.completion_date, a.timing_label, a.core_component.code if a.core_component else "",
            ";".join(str(r.number) for r in a.recommendations.all()), a.status, a.get_status_display(), a.progress,
            a.is_overdue, a.is_stale, a.last_update_at, getattr(a, "latest_note", "") or "", a.updated_at, a.version,
        ]
        for a in actions
    )


def update_rows(updates_qs):
    return UPDATE_COLUMNS, (
        [
            u.pk, u.action_id, u.action.reference, u.action.strategy_id, u.created_at,
            u.author.get_full_name() or u.author.email, u.status_from, u.status_to, u.progress_from, u.progress_to,
            u.narrative, u.evidence_url,
        ]
        for u in updates_qs
    )


def snapshot_rows(snapshots_qs):
    """One row for the strategy and one for each aim and lead agency, per day. `scope` says which (strategy,
    aim or lead_agency) and `scope_id` is that record's id, as the API's `aim` and `lead_agency` are."""

    def row(snapshot, scope, scope_id, figures):
        by_status = figures.get("by_status") or {}
        return [snapshot.strategy_id, snapshot.date, scope, scope_id, figures["total"], figures["completed_percent"],
                figures["overdue"], figures["stale"], *(by_status.get(value, 0) for value in ActionStatus.values)]

    def rows():
        for s in snapshots_qs:
            yield row(s, "strategy", s.strategy_id, {"total": s.total, "completed_percent": s.completed_percent,
                                                     "overdue": s.overdue, "stale": s.stale, "by_status": s.by_status})
            for pk, figures in sorted(s.by_aim.items(), key=lambda item: int(item[0])):
                yield row(s, "aim", int(pk), figures)
            for pk, figures in sorted(s.by_agency.items(), key=lambda item: int(item[0])):
                yield row(s, "lead_agency", int(pk), figures)

    return SNAPSHOT_COLUMNS, rows()


FEED_ROWS = {"actions": action_rows, "updates": update_rows, "snapshots": snapshot_rows}


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def to_csv(columns, rows):
    """UTF-8 with a byte order mark, comma separated, every non-numeric cell quoted, CRLF line ends: what
    Excel's and Power BI's CSV readers take without a setting changed. Text that a spreadsheet would run as a
    formula is prefixed with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_safe(_text(v)) if not isinstance(v, (int, float)) or isinstance(v, bool) else v
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_jsonl(columns, rows):
    """One JSON object a line, keyed by the same column names as the CSV."""
    lines = (json.dumps(dict(zip(columns, (_text(v) if not isinstance(v, bool) else v for v in row))),
                        ensure_ascii=False) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")

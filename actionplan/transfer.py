"""The action plan as a spreadsheet: the columns of a published plan (strategic aim, leadership, action, year,
intended outcome, measures) plus the id, reference, status, progress and dates, in CSV or XLSX."""
import csv
import datetime
import io
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import ActionStatus

COLUMNS = [
    "ID", "Reference", "Strategic aim", "Leadership", "Named lead", "Action", "Year", "Intended outcome",
    "Measures", "Status", "Progress", "Commencement date", "Completion date",
    # Read-only columns a download adds for the reader; an import ignores them.
    "Overdue", "Last update", "Latest note",
]
REQUIRED_COLUMNS = {"Leadership", "Action", "Intended outcome"}
# Spreadsheet programs run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnreadableFile(Exception):
    """The upload is not a CSV or XLSX file in the plan's layout."""


def year_label(action):
    if not action.start_year:
        return "" if (action.commencement_date or action.completion_date) else "To be confirmed"
    if not action.end_year or action.end_year == action.start_year:
        return f"Year {action.start_year}"
    return f"Years {action.start_year}–{action.end_year}"


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unsafe(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def export_rows(actions):
    """One list of cell values per action, in COLUMNS order. Dates stay dates for XLSX. The actions carry
    `is_overdue` (selectors.annotate_flags) and `latest_note` (selectors.with_latest_note)."""
    for a in actions:
        yield [
            a.pk, a.reference, f"{a.outcome.aim.number}. {a.outcome.aim.title}", a.lead_agency.name, a.lead_name,
            a.text, year_label(a), f"{a.outcome.reference} {a.outcome.text}", a.measures_text,
            a.get_status_display(), a.progress, a.commencement_date, a.completion_date,
            "Yes" if getattr(a, "is_overdue", False) else "No",
            a.last_update_at.date() if a.last_update_at else None, getattr(a, "latest_note", "") or "",
        ]


def to_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v.isoformat() if isinstance(v, datetime.date) else v)
                         for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows, title="Action plan"):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def read_upload(upload):
    """The rows of an uploaded CSV or XLSX file as a list of (row number, {column: text}) with the header as
    row 1 (see iter_upload)."""
    return list(iter_upload(upload))


def iter_upload(upload):
    """The rows of an uploaded CSV or XLSX file as (row number, {column: text}) with the header as row 1,
    one at a time.

    The file is refused, with a message saying which limit, when it is larger than IMPORT_MAX_BYTES, when a
    workbook unpacks to more than IMPORT_MAX_UNPACKED_BYTES, or when it holds more than IMPORT_MAX_ROWS rows or
    IMPORT_MAX_CELLS cells. Rows are read one at a time (a workbook in openpyxl's streaming mode), so reading
    stops at the first limit crossed."""
    name = (getattr(upload, "name", "") or "").lower()
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMPORT_MAX_BYTES:
        raise UnreadableFile(f"The file is {_megabytes(size)}; the largest file accepted is "
                             f"{_megabytes(settings.IMPORT_MAX_BYTES)}.")
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise UnreadableFile(f"The file is larger than {_megabytes(settings.IMPORT_MAX_BYTES)}, the largest accepted.")
    if name.endswith(".xlsx") or data[:2] == b"PK":
        table = _read_xlsx(data)
    elif name.endswith(".csv") or not name:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UnreadableFile("The file is not UTF-8 text. Save it as 'CSV UTF-8' or as an Excel workbook.") from None
        table = _read_csv(text)
    else:
        raise UnreadableFile("The file must be a CSV or an Excel workbook (.xlsx).")
    table = _within_limits(table)
    header = next(table, None)
    if header is None:
        raise UnreadableFile("The file is empty.")
    header = [str(h or "").strip() for h in header]
    missing = REQUIRED_COLUMNS - set(header)
    if missing:
        raise UnreadableFile(f"The first row must name the columns; missing: {', '.join(sorted(missing))}.")
    for number, cells in enumerate(table, start=2):
        values = {h: _cell_text(cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h}
        if any(values.values()):
            yield number, values


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _within_limits(table):
    """Pass rows through until one limit is crossed, then refuse the whole file. Trailing empty cells and
    empty rows at the end do not count (spreadsheet programs write them)."""
    max_rows, max_cells = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_CELLS
    cells = kept = blank_run = 0
    for row in table:
        row = list(row)
        while row and row[-1] in (None, ""):
            row.pop()
        if not row:
            blank_run += 1
            if blank_run > max_rows:
                raise UnreadableFile(f"The file has more than {max_rows:,} empty rows. Delete them and try again.")
            continue
        kept += 1
        if kept > max_rows + 1:  # the header is not an action
            raise UnreadableFile(f"The file has more than {max_rows:,} rows; import at most {max_rows:,} actions "
                                 "at a time.")
        cells += len(row)
        if cells > max_cells:
            raise UnreadableFile(f"The file has more than {max_cells:,} cells; remove columns or rows that are not "
                                 "part of the plan.")
        for _ in range(blank_run):
            yield []
        blank_run = 0
        yield row


def _read_csv(text):
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as error:
        raise UnreadableFile(f"Row {reader.line_num} of the file could not be read as CSV ({error}).") from None


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _unsafe(str(value)).strip()


def _read_xlsx(data):
    """The first sheet's rows, streamed. The zip's own directory is checked first: a workbook that unpacks
    to more than IMPORT_MAX_UNPACKED_BYTES (a 'zip bomb') is refused before anything is unpacked."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile("The file could not be read as an Excel workbook.") from None
    if unpacked > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise UnreadableFile(f"The workbook unpacks to {_megabytes(unpacked)}, more than the "
                             f"{_megabytes(settings.IMPORT_MAX_UNPACKED_BYTES)} accepted. Save only the plan's "
                             "sheet, or save it as CSV.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=settings.IMPORT_MAX_COLUMNS)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("The file could not be read as an Excel workbook.") from None
    try:
        yield from rows
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile("The file could not be read as an Excel workbook.") from None
    finally:
        workbook.close()


_YEARS = re.compile(r"^years?\s+(\d+)(?:\s*(?:-|–|to)\s*(\d+))?$", re.IGNORECASE)
_OUTCOME_REF = re.compile(r"^(\d+)\.(\d+)\b")
_AIM_NUMBER = re.compile(r"^\(?(\d+)\)?[.:)]?")


def parse_years(text):
    """'Year 1' → (1, None); 'Years 2–3' → (2, 3); '' or 'To be confirmed' → (None, None)."""
    text = text.strip()
    if not text or text.lower() in ("to be confirmed", "tbc"):
        return None, None
    match = _YEARS.match(text)
    if not match:
        raise ValidationError({"Year": f"'{text}' is not a year of the strategy, such as Year 1 or Years 2–3."})
    start, end = int(match[1]), int(match[2]) if match[2] else None
    return start, (None if end == start else end)


def parse_date(text, column):
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError({column: f"'{text}' is not a date; use YYYY-MM-DD or DD/MM/YYYY."})


_STATUS_BY_TEXT = {**{v: v for v in ActionStatus.values}, **{label.lower(): v for v, label in ActionStatus.choices}}


class RowReader:
    """Turns one row of the plan's layout into action fields, looking agencies and outcomes up in the strategy.
    Unknown agencies, outcomes and statuses are errors: nothing is created on the side."""

    def __init__(self, strategy):
        from partnerships.models import Agency
        from strategy.models import IntendedOutcome

        self.strategy = strategy
        self.agencies = {}
        for agency in Agency.objects.filter(partnership_id=strategy.partnership_id):
            for key in (agency.name, agency.short_name):
                if key:
                    self.agencies[key.strip().lower()] = agency
        self.outcomes = {
            o.reference: o for o in IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim")
        }

    def read(self, values):
        errors = {}
        fields = {}

        def attempt(fn):
            try:
                fn()
            except ValidationError as error:
                errors.update(error.message_dict)

        def outcome():
            text = values.get("Intended outcome", "")
            match = _OUTCOME_REF.match(text)
            if not match or f"{match[1]}.{match[2]}" not in self.outcomes:
                raise ValidationError({"Intended outcome": f"No intended outcome '{text[:40]}' in this strategy; "
                                                           "start the cell with its number, such as 1.2."})
            fields["outcome"] = self.outcomes[f"{match[1]}.{match[2]}"]
            aim_text = values.get("Strategic aim", "")
            aim_match = _AIM_NUMBER.match(aim_text)
            if aim_text and (not aim_match or int(aim_match[1]) != fields["outcome"].aim.number):
                raise ValidationError({"Strategic aim": f"Outcome {match[1]}.{match[2]} belongs to aim "
                                                        f"{fields['outcome'].aim.number}, not '{aim_text[:40]}'."})

        def agency():
            name = values.get("Leadership", "")
            found = self.agencies.get(name.strip().lower())
            if found is None:
                raise ValidationError({"Leadership": f"No agency called '{name[:60]}' in this partnership."})
            fields["lead_agency"] = found

        def text():
            if not values.get("Action"):
                raise ValidationError({"Action": "Enter the action."})
            fields["text"] = values["Action"]

        def years():
            fields["start_year"], fields["end_year"] = parse_years(values.get("Year", ""))

        def dates():
            fields["commencement_date"] = parse_date(values.get("Commencement date", ""), "Commencement date")
            fields["completion_date"] = parse_date(values.get("Completion date", ""), "Completion date")

        def status():
            if "Status" in values and values["Status"]:
                found = _STATUS_BY_TEXT.get(values["Status"].strip().lower())
                if found is None:
                    raise ValidationError({"Status": f"'{values['Status']}' is not a status."})
                fields["status"] = found
            if "Progress" in values and values["Progress"]:
                raw = values["Progress"].rstrip("%").strip()
                if not raw.isdigit() or int(raw) > 100:
                    raise ValidationError({"Progress": "Progress must be a whole number from 0 to 100."})
                fields["progress"] = int(raw)

        for step in (outcome, agency, text, years, dates, status):
            attempt(step)
        for column, name in (("Named lead", "lead_name"), ("Measures", "measures_text")):
            if column in values:
                fields[name] = values[column]
        if values.get("Reference"):
            fields["reference"] = values["Reference"]
        if errors:
            raise ValidationError(errors)
        return fields

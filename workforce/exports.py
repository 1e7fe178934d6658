"""Survey results as CSV and XLSX, with exactly the suppression the results page shows."""
import csv
import io

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """Stop spreadsheet programs reading a free-text answer as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def result_rows(results):
    """Every table of the results, then the free-text answers, as plain rows."""
    if results["suppressed_all"]:
        yield [f"Fewer than {results['threshold']} responses so far: results are not shown."]
        return
    for table in results["tables"]:
        yield [table["title"]]
        yield table["header"]
        yield from table["rows"]
        if table.get("note"):
            yield [table["note"]]
        yield []
    yield ["Free-text answers"]
    for block in results["free_text"]:
        yield [block["question"]]
        if block.get("withheld"):
            yield ["", f"Fewer than {results['threshold']} answers in a release: not shown."]
        for answer in block["answers"]:
            yield ["", answer]
        yield []


def _filename(assessment, ext):
    return f"{slugify(assessment.title)[:60] or 'staff-survey'}-survey-results.{ext}"


def as_csv(assessment, results):
    out = io.StringIO()
    writer = csv.writer(out)
    for row in result_rows(results):
        writer.writerow([_safe(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment, "csv")}"'
    return response


def as_xlsx(assessment, results):
    book = Workbook()
    sheet = book.active
    sheet.title = "Survey results"
    for row in result_rows(results):
        sheet.append([_safe(v) for v in row])
        if len(row) == 1 and row[0]:
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.column_dimensions["A"].width = 70
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment, "xlsx")}"'
    return response


FORMATS = {"csv": as_csv, "xlsx": as_xlsx}

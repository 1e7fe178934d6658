"""The annual progress report in print: the strategy's font, and no table row split across two pages."""
import re
from datetime import date, datetime, timezone
from types import SimpleNamespace

from django.template import Context

from impact.services import ANNUAL_REPORT_TEMPLATE
from partnerships.pdf import document_engine, render_pdf
from strategy.tests.helpers import pdf_pages_text, pdf_reader


def fonts_of(reader):
    """The font families a PDF draws with, without the subset prefix and style (Liberation-Sans-Bold → Liberation-Sans)."""
    families = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            name = str(font.get_object()["/BaseFont"]).lstrip("/")
            families.add(re.sub(r"-(?:Bold|Italic|Oblique|Regular)+$", "", re.sub(r"^[A-Z]{6}\+", "", name)))
    return families


def report_pdf(rows=40):
    lead = SimpleNamespace(label="Ashvale Police")
    done = [SimpleNamespace(
        action=SimpleNamespace(reference=f"1.{n}", text=f"Action {n}: train staff in noticing the signs of abuse.",
                               lead_agency=lead, completion_note=""),
        created_at=datetime(2026, 3, 1, tzinfo=timezone.utc),
        narrative=f"Started{n} " + "Staff in every team were trained and said they felt more confident. " * (2 + n % 7)
        + f"Finished{n}.",
    ) for n in range(1, rows + 1)]
    html = document_engine().get_template(ANNUAL_REPORT_TEMPLATE).render(Context({
        "partnership": SimpleNamespace(name="Ashvale Safeguarding Children Partnership"),
        "strategy": SimpleNamespace(title="Child Sexual Abuse Strategy", period_label="2026–2029"),
        "start": date(2025, 4, 1), "end": date(2026, 3, 31), "done": done, "current_period": None,
        "audits": [], "due_next": [], "next_end": date(2027, 3, 31),
    }))
    return pdf_reader(render_pdf(html)[0])


def strategy_pdf():
    html = document_engine().from_string(
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Strategy</title><style>'
        '{% include "exports/document/_document.css" %}{% include "exports/document/strategy.css" %}</style></head>'
        "<body><h2>Our vision</h2><p>Every child is safe.</p></body></html>").render(Context({"accent": "#1d70b8"}))
    return pdf_reader(render_pdf(html)[0])


def test_the_report_prints_in_the_strategys_font():
    assert fonts_of(report_pdf(rows=3)) == fonts_of(strategy_pdf()) == {"Liberation-Sans"}


def test_no_row_is_split_across_pages_and_the_header_repeats():
    pages = pdf_pages_text(report_pdf())
    assert len(pages) > 2
    for n in range(1, 41):
        started = [i for i, page in enumerate(pages) if f"Started{n} " in page]
        finished = [i for i, page in enumerate(pages) if f"Finished{n}." in page]
        assert started == finished and len(started) == 1, f"row {n} runs over pages {started} and {finished}"
    for page in pages[1:]:
        if "Started" in page:
            assert page.startswith("Ref Action Lead Completed What was achieved"), page[:80]

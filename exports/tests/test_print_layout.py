"""Page breaks in the printed strategy, read back from the PDF: the document's own templates and print
stylesheet, with content made to meet a page break where it used to go wrong."""
from types import SimpleNamespace

import pytest
from django.template import Context

from partnerships.markdown import render_markdown
from partnerships.pdf import document_engine, render_pdf
from strategy.tests.helpers import pdf_pages_text, pdf_reader

HEADER = "What we want to see by the end"


def print_pdf_pages(body, **context):
    """The text of each page of `body` laid out with the strategy's print stylesheet."""
    template = document_engine().from_string(
        '{% load portal %}<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Layout</title><style>'
        '{% include "exports/document/_document.css" %}{% include "exports/document/strategy.css" %}</style></head>'
        '<body class="doc"><section class="doc-section"><h2>Strategic aims and intended outcomes</h2>'
        + body + "</section></body></html>")
    html = template.render(Context({"accent": "#1d70b8", "mode": "pdf", **context}))
    return pdf_pages_text(pdf_reader(render_pdf(html)[0]))


def aim(number, see):
    return SimpleNamespace(number=number, title=f"Aim number {number}", what_this_means="Children are helped to tell.",
                           what_we_want_to_see=see, sub_aims="")


# Both columns filled in, so the aims print as a table (exports.document._aims_layout).
TABLE = {"aims_tabular": True, "aims_columns": {"means": True, "see": True}}


def test_a_long_aim_keeps_the_caption_with_the_table_and_the_header_on_every_page():
    see = "\n".join(f"- Change number {i} that partners want to see, in a sentence long enough to wrap a line."
                    for i in range(1, 71))
    pages = print_pdf_pages('{% include "exports/document/_aims.html" %}', aims=[aim(1, see), aim(2, "- one\n- two")],
                           **TABLE)
    first = next(i for i, page in enumerate(pages) if "Our strategic aims" in page)
    # The caption, the header row and the start of the first aim share a page.
    assert HEADER in pages[first] and "Aim number 1" in pages[first] and "Change number 1 " in pages[first]
    with_rows = [page for page in pages if "Change number" in page or "Aim number" in page]
    assert len(with_rows) > 2
    # Every page the table continues on starts with its header row.
    for page in with_rows:
        assert page.startswith("Strategic aims and intended outcomes") or page.startswith(f"Strategic aim What this means {HEADER}"), page[:120]
        assert HEADER in page
    text = " ".join(pages)
    assert all(f"Change number {i} " in text for i in range(1, 71))


def _list_body(lines_before, items):
    text = "\n\n".join(f"Paragraph {i} of the local picture, in one line." for i in range(lines_before))
    text += "\n\nBy 2029 we want to see:\n\n" + "\n".join(f"- change {k}" for k in range(1, items + 1))
    return render_markdown(text)


@pytest.mark.parametrize("lines_before", range(17, 25))
def test_no_list_item_is_left_alone_and_a_list_stays_with_its_lead_in(lines_before):
    """The page break falls at each place in the list in turn (six one-line items after a lead-in line)."""
    pages = print_pdf_pages(_list_body(lines_before, 6) + "<h3>After the list</h3><p>More.</p>")
    for number, page in enumerate(pages):
        items = [k for k in range(1, 7) if f"change {k}" in page]
        if items and len(pages) > 1:
            assert len(items) >= 2, f"page {number + 1} holds only item {items} of the list"
        if "By 2029 we want to see:" in page:
            assert "change 1" in page, "the lead-in line ends its page without the list"

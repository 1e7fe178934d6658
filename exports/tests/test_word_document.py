"""The Word version of the strategy: made from the same HTML as the PDF, with real headings, lists, tables and
footnotes; written by the export job beside the PDF, downloaded with the same access, and by the command."""
import io
import re
import zipfile

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from exports.document import build_document, document_context
from exports.models import ExportStatus
from exports.services import export_request
from exports.tests.test_document_contents import GAP_MESSAGES
from partnerships.markdown import render_markdown
from partnerships.models import AuditEvent
from partnerships.word import render_docx
from strategy import services as strategy_services
from strategy.models import Strategy

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BLOCKS = {"p", "li", "h3", "h4", "th", "td"}
NESTED_BLOCKS = {"p", "ul", "ol", "table", "div", "blockquote"}


def flat(text):
    return " ".join((text or "").split())


def body_items(document):
    """The document's paragraphs and tables in reading order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def text_stream(document):
    """All the text of the body in reading order, table cells included, as one line."""
    parts = []
    for item in body_items(document):
        if isinstance(item, Paragraph):
            parts.append(item.text)
        else:
            for row in item.rows:
                parts.extend(cell.text for cell in row.cells)
    return flat(" ".join(parts))


def source_blocks(markdown_text):
    """Each paragraph, list item, heading and table cell of a text as written, as plain text, without its
    footnotes (which live in Word's footnotes, not in the body)."""
    html = render_markdown(markdown_text, footnotes="inline")
    if not html:
        return []
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for note in root.xpath(".//span[@class='footnote']"):
        note.drop_tree()
    blocks = []
    for element in root.iter(*BLOCKS):
        if element.tag == "li" and any(child.tag in NESTED_BLOCKS for child in element):
            own = flat(element.text or "")
            if own:
                blocks.append(own)
            continue
        if any(child.tag in NESTED_BLOCKS for child in element.iterdescendants()):
            continue
        text = flat(element.text_content())
        if text:
            blocks.append(text)
    return blocks


def paragraphs(document):
    return list(document.paragraphs)


def footnotes_xml(data):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return package.read("word/footnotes.xml").decode("utf-8"), package.read("word/document.xml").decode("utf-8")


def test_the_demo_strategy_in_word_has_its_text_in_order_with_real_headings_lists_tables_and_footnotes():
    """Every paragraph the partnership wrote is there, in order; headings, lists and tables are Word's own."""
    call_command("load_demo", force=True, stdout=io.StringIO())
    strategy = Strategy.objects.select_related("partnership").get(partnership__slug="demo")
    manager = strategy.partnership.memberships.filter(role="business_manager").first().user
    introduction = strategy.sections.get(template_key="introduction")
    strategy_services.section_update(
        section=introduction, actor=manager, title=introduction.title,
        body=introduction.body + "\n\nThe estimate is a national one.[^1]\n\n"
             "[^1]: Kettering review of local estimates, *Scale and nature*, 2025.",
        expected_revision=introduction.revision,
    )

    html, _snapshot = build_document(strategy)
    data = render_docx(html)
    document = docx.Document(io.BytesIO(data))

    # Document properties.
    assert document.core_properties.title == f"{strategy.title} {strategy.period_label} – {strategy.partnership.name}"
    assert document.core_properties.author == strategy.partnership.name
    assert document.core_properties.language == "en-GB"

    # Every block of the written text, in the order the document prints it.
    stream = text_stream(document)
    context = document_context(strategy)
    written = [*context["front_sections"], *context["sections"]]
    assert len(written) > 8
    position = 0
    for section in written:
        for block in source_blocks(section.body):
            found = stream.find(block, position)
            assert found >= 0, f"{section.title}: {block[:80]!r} missing or out of order"
            position = found + len(block)

    # Headings are Word's heading styles, none empty; the sections are the top level, in the PDF's order.
    headings = [p for p in paragraphs(document) if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert all(p.text.strip() for p in headings)
    html_root = lxml_html.document_fromstring(html)
    expected = [flat(h.text_content()) for h in html_root.iter("h2") if "contents-heading" not in (h.get("class") or "")]
    assert [p.text for p in headings if p.style.name == "Heading 1"] == expected
    assert [p.text for p in headings if p.style.name == "Title"] == [f"{strategy.title} {strategy.period_label}"]
    assert {"Heading 2", "Heading 3"} <= {p.style.name for p in headings}

    # Lists are list paragraphs; each numbered list counts from 1 on its own numbering.
    shaping = [p for p in paragraphs(document) if p.text.startswith("Working Together to Safeguard Children")]
    assert [p.style.name for p in shaping] == ["List Bullet"]
    numbered = [p for p in paragraphs(document) if p.style.name == "List Number"]
    assert [p.text for p in numbered[:2]] == ["See the whole picture", "Make it easier to tell"]
    num_ids = {p._p.pPr.numPr.numId.val for p in numbered}
    assert len(num_ids) >= 1 and all(n is not None for n in num_ids)
    assert any(p.style.name == "List Bullet 2" for p in paragraphs(document))  # the governance tree, nested

    # The action plan: one table per outcome, a header row marked to repeat on every page, a row per action.
    plan_tables = [t for t in document.tables
                   if [c.text for c in t.rows[0].cells] == ["Leadership", "Action", "Year or dates", "Measures"]]
    assert plan_tables
    for table in plan_tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    action_rows = [row for table in plan_tables for row in table.rows[1:]]
    assert len(action_rows) == len(context["actions"])
    first = context["actions"][0]
    assert action_rows[0].cells[1].text == f"{first.reference} {first.text}"
    assert action_rows[0].cells[2].text == first.timing_label
    # Data tables keep their header rows and captions.
    aims = next(t for t in document.tables if t.rows[0].cells[0].text == "Strategic aim")
    assert aims.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "Our strategic aims" in [p.text for p in paragraphs(document) if p.style.name == "Caption"]

    # No raw Markdown, and none of the portal's gap messages.
    for paragraph in paragraphs(document):
        assert "**" not in paragraph.text and "[^" not in paragraph.text, paragraph.text
        assert not re.match(r"^(- |\* |#+ |\d+\. )", paragraph.text), paragraph.text
    for message in GAP_MESSAGES:
        assert message not in stream, message

    # The footnote is a Word footnote: its text at the foot of the page, a reference where it was called.
    notes, body = footnotes_xml(data)
    assert "Kettering review of local estimates" in notes and "Scale and nature" in notes
    assert body.count("<w:footnoteReference ") == 1
    assert "Kettering review" not in stream
    assert "The estimate is a national one." in stream

    # The contents page is Word's contents field; the logo is embedded with its description.
    assert 'TOC \\o "1-3"' in body
    assert document.inline_shapes and document.inline_shapes[0]._inline.docPr.get("descr")


def test_an_export_renders_its_word_version_beside_the_pdf_and_it_downloads_with_the_same_access(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    from exports import document as export_module

    monkeypatch.setattr(export_module, "render_pdf", lambda html: (b"%PDF-1.7 rendered", 2))
    side = world.own
    with django_capture_on_commit_callbacks(execute=True):
        export, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    export.refresh_from_db()
    assert created and export.status == ExportStatus.DONE
    assert export.docx_file.name == f"exports/{side.partnership.pk}/{export.fingerprint}-{export.pk}.docx"

    client.force_login(side.users["scrutineer"])
    detail = client.get(reverse("export_detail", kwargs={"slug": side.slug, "pk": export.pk})).content.decode()
    url = reverse("export_download_docx", kwargs={"slug": side.slug, "pk": export.pk})
    assert f'href="{url}"' in detail and "Download Word (.docx)" in detail
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_TYPE
    assert export.docx_filename in response["Content-Disposition"] and export.docx_filename.endswith(".docx")
    word = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert flat(side.action.text) in text_stream(word)
    assert AuditEvent.objects.filter(verb="export.downloaded", object_id=str(export.pk),
                                     actor=side.users["scrutineer"]).exists()

    # Another partnership's people do not learn it exists.
    client.force_login(world.other.users["manager"])
    other_url = reverse("export_download_docx", kwargs={"slug": world.other.slug, "pk": export.pk})
    assert client.get(other_url).status_code == 404


def test_a_word_version_that_cannot_be_made_leaves_the_pdf_whole_and_asking_again_tries_again(
    world, client, django_capture_on_commit_callbacks, monkeypatch
):
    """The PDF is the document a partnership publishes: a fault in the Word conversion does not cost it."""
    from exports import document as export_module
    from partnerships import word

    monkeypatch.setattr(export_module, "render_pdf", lambda html: (b"%PDF-1.7 rendered", 2))

    def broken(html):
        raise ValueError("a table Word cannot hold")

    monkeypatch.setattr(word, "render_docx", broken)
    side = world.own
    with django_capture_on_commit_callbacks(execute=True):
        export, _ = export_request(strategy=side.strategy, actor=side.users["manager"])
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.file and not export.docx_file and export.error == ""

    client.force_login(side.users["manager"])
    detail = client.get(reverse("export_detail", kwargs={"slug": side.slug, "pk": export.pk})).content.decode()
    assert "Download the PDF" in detail and "Download Word (.docx)" not in detail
    assert "Could not be made this time. The PDF is complete." in detail
    assert client.get(reverse("export_download_docx", kwargs={"slug": side.slug, "pk": export.pk})).status_code == 404
    assert client.get(reverse("export_download", kwargs={"slug": side.slug, "pk": export.pk})).status_code == 200

    monkeypatch.undo()
    monkeypatch.setattr(export_module, "render_pdf", lambda html: (b"%PDF-1.7 rendered", 2))
    with django_capture_on_commit_callbacks(execute=True):
        again, created = export_request(strategy=side.strategy, actor=side.users["manager"])
    again.refresh_from_db()
    assert created and again.pk != export.pk and again.docx_file


def test_the_command_writes_word_when_the_file_ends_in_docx_and_refuses_another_extension(world, tmp_path):
    output = tmp_path / "strategy.docx"
    out = io.StringIO()
    call_command("export_strategy", world.own.strategy.pk, output=str(output), stdout=out)
    assert "Word document" in out.getvalue()
    word = docx.Document(io.BytesIO(output.read_bytes()))
    assert flat(world.own.action.text) in text_stream(word)
    assert word.core_properties.author == world.own.partnership.name

    with pytest.raises(CommandError, match=r"must end in \.pdf \(PDF\) or \.docx \(Word\)"):
        call_command("export_strategy", world.own.strategy.pk, output=str(tmp_path / "strategy.odt"))
    assert not (tmp_path / "strategy.odt").exists()


def test_markup_becomes_word_formatting_links_and_nested_lists():
    html = (
        '<html lang="en-GB"><head><title>T</title><meta name="author" content="A"></head><body>'
        '<h2>Section</h2><p>Plain <strong>bold</strong> and <em>italic</em> with '
        '<a href="https://example.org/guide">a link</a>.</p>'
        "<ol><li>One<ul><li>Inner</li></ul></li><li>Two</li></ol><ol><li>Again</li></ol>"
        '<table><caption>Cap</caption><thead><tr><th scope="col">H1</th><th scope="col">H2</th></tr></thead>'
        '<tbody><tr><th scope="rowgroup" colspan="2">Group</th></tr><tr><td>a</td><td>b</td></tr></tbody></table>'
        "</body></html>"
    )
    document = docx.Document(io.BytesIO(render_docx(html)))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "Section") in styles
    assert ("List Number", "One") in styles and ("List Bullet 2", "Inner") in styles
    assert ("List Number", "Two") in styles and ("List Number", "Again") in styles
    runs = {r.text: r for r in document.paragraphs[1].runs}
    assert runs["bold"].bold and runs["italic"].italic
    assert document.paragraphs[1].hyperlinks[0].url == "https://example.org/guide"
    # Two numbered lists: two numbering instances, each starting again at 1.
    numbers = [p._p.pPr.numPr.numId.val for p in document.paragraphs if p.style.name == "List Number"]
    assert numbers[0] == numbers[1] != numbers[2]
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Group", "Group"]  # merged across the colspan
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None

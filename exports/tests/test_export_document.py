"""The published document: content, layout, accessibility tags, and its data assembly."""
import base64
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from exports.document import build_document, document_context, draft_watermark_src
from partnerships.pdf import (
    DOCUMENT_TAG_LIBRARIES,
    document_engine,
    document_html_class,
    lean_user_agent_css,
    render_pdf,
)
from strategy.models import SectionKind
from strategy.tests.factories import SectionFactory
from strategy.tests.helpers import flat, grow_plan, pdf_pages_text, pdf_reader, pdf_structure

pytestmark = pytest.mark.django_db


def write_sections(strategy):
    for section in strategy.sections.all():
        section.body = f"Narrative of {section.title.lower()} written by the partnership."
        section.save()
    SectionFactory(strategy=strategy, kind=SectionKind.FOREWORD, title="Joint foreword", position=1,
                   body="We are committed to protecting every child.")
    SectionFactory(strategy=strategy, kind=SectionKind.CONTENT_WARNING, title="Content warning", position=2,
                   body="This document discusses child sexual abuse.")
    SectionFactory(strategy=strategy, kind=SectionKind.EXTRA, title="Glossary of terms", position=500,
                   body="Telling: when a child lets someone know about abuse.")


@pytest.fixture
def rendered(world):
    side = world.own
    write_sections(side.strategy)
    from partnerships.models import FormOfAbuse

    side.strategy.forms_of_abuse.set(FormOfAbuse.objects.order_by("number")[:2])  # the coverage annex has content
    actions = [side.action, *grow_plan(side, 12)]
    html, snapshot = build_document(side.strategy)
    pdf, pages = render_pdf(html)
    return side, actions, html, pdf_reader(pdf), pages


def test_it_contains_every_section_heading_and_action_with_the_plan_on_landscape_pages(rendered):
    side, actions, html, reader, pages = rendered
    text = " ".join(pdf_pages_text(reader))
    for section in side.strategy.sections.all():
        assert section.title in text, section.title
    for heading in ("Contents", "Our strategic aims", "The action plan by strategic aim",
                    "Annex A: National review recommendations", "Annex B: Forms of abuse and affected groups this strategy addresses",
                    "Annex C: Document status and version"):
        assert heading in text
    for action in actions:
        assert flat(f"{action.reference} {action.text}") in text, action.reference
    assert pages == len(reader.pages) and 12 <= pages <= 40

    # The action plan is laid out on landscape pages; the rest is portrait.
    texts = pdf_pages_text(reader)
    landscape = {i for i, page in enumerate(reader.pages) if page.mediabox.width > page.mediabox.height}
    for action in actions:
        where = [i for i, t in enumerate(texts) if flat(action.text) in t]
        # Each action appears in full on a landscape page of the plan (its text may recur in the
        # component lists and the annex, which are portrait).
        assert any(i in landscape for i in where), action.reference
    assert texts[0] and 0 not in landscape
    assert len(landscape) < pages


def test_it_is_a_tagged_pdf_with_title_language_outline_and_page_numbers(rendered):
    side, actions, html, reader, pages = rendered
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title.startswith("Child Sexual Abuse Strategy 2026–2029")
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(flat(item.title))

    walk(reader.outline)
    assert any("Action plan" in t for t in titles)
    assert any("Annex A" in t for t in titles)
    assert "Contents" in titles

    # The contents page gives each part its real page number.
    texts = pdf_pages_text(reader)
    status_page = next(i for i, t in enumerate(texts) if "Annex C: Document status and version Status" in t) + 1
    assert status_page == pages
    assert texts[1].endswith(f" {status_page}")


def test_the_contents_give_each_part_the_page_it_starts_on_without_dot_leaders(rendered):
    side, actions, html, reader, pages = rendered
    texts = pdf_pages_text(reader)
    context = document_context(side.strategy)
    entries = [s.title for s in context["front_sections"]]
    entries += [f"{s.doc_number} {s.title}" for s in context["sections"]]
    entries += [f"Annex {a.letter}: {a.title}" for a in context["annexes"]]
    assert len(entries) == 18
    previous = 3
    for entry in entries:
        page = int(re.search(re.escape(entry) + r" (\d+)(?: |$)", texts[1]).group(1))
        title = entry.split(" ", 1)[1] if entry[0].isdigit() else entry
        # It starts on that page: the first page after the contents that shows its title.
        assert page >= previous and title in texts[page - 1], entry
        assert not any(title in text for text in texts[2:page - 1]), entry
        previous = page
    # The numbers are the only thing between the titles: no dots read out as text or tagged one by one.
    assert "..." not in texts[1]


def test_the_tags_give_headings_paragraphs_tables_with_their_headers_and_links(rendered):
    side, actions, html, reader, pages = rendered
    tags = pdf_structure(reader)
    for kind in ("/H1", "/H2", "/H3", "/H4", "/P", "/L", "/LI", "/Table", "/Caption", "/TH", "/TD", "/Link"):
        assert kind in tags.kinds, kind
    # Every data cell names its header cells; each action is its four paragraphs, and its reference a link target.
    assert all(headers for kind, headers in tags.cells if kind == "/TD")
    assert tags.kinds.count("/P") >= 4 * len(actions)
    assert tags.kinds.count("/Link") >= 2 * len(actions)  # cross-references from the components and the annex


def test_weasyprint_styles_pseudo_elements_only_where_the_document_has_them():
    """Its default stylesheet gives ::marker, ::footnote-* and ::note-* rules to every element, and the
    cascade then computes six styles per element that no two elements share. The document keeps markers
    for list items, and brings its own footnote rules for its footnotes only (strategy.css). A WeasyPrint
    upgrade that changes those rules fails here."""
    from weasyprint.html import UA, UA_STYLESHEET

    lean = lean_user_agent_css(UA)
    assert [line for line in lean.splitlines() if line.startswith("::")] == []
    assert "li::marker, summary::marker {" in lean
    assert UA_STYLESHEET not in document_html_class()(string="<p>Text</p>")._ua_stylesheets()
    pdf, _ = render_pdf(
        '<html lang="en"><title>Lists</title><ol><li>First</li><li>Second</li></ol><ul><li>Third</li></ul>'
    )
    # The list items keep their markers (the PDF's text gives them after the items).
    assert pdf_pages_text(pdf_reader(pdf))[0] == "First Second Third 1. 2. •"
    css = render_to_string("exports/document/strategy.css", {})
    assert "float: footnote" in css and ".footnote::footnote-call" in css and "\n::footnote" not in css


def test_the_html_is_accessible_markup(rendered):
    side, actions, html, reader, pages = rendered
    assert '<html lang="en-GB">' in html
    assert "<title>Child Sexual Abuse Strategy 2026–2029 – Ashvale Safeguarding Children Partnership</title>" in html
    assert html.count("<h1") == 1
    assert '<th scope="col">Strategic aim</th>' in html and '<th scope="row">' in html
    # Recommendations 4-6 have no action: a gap for the completeness page, not a message in the document.
    assert "No action answers this recommendation yet." not in html


def images_drawn(reader):
    """The sizes of the images that the PDF's pages draw, directly or through form objects and patterns."""
    sizes, seen = set(), set()

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for group in ("/XObject", "/Pattern"):
            for ref in resources.get(group, {}).values():
                if ref.idnum in seen:
                    continue
                seen.add(ref.idnum)
                thing = ref.get_object()
                if thing.get("/Subtype") == "/Image":
                    sizes.add((thing["/Width"], thing["/Height"]))
                walk(thing.get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return sorted(sizes)


def test_a_draft_carries_a_watermark_and_an_approved_strategy_does_not(world):
    strategy = world.own.strategy
    html, _ = build_document(strategy)
    assert 'class="doc draft"' in html and f'url("{draft_watermark_src()}")' in html
    # The watermark is a picture of the word, pale grey, drawn behind every page.
    watermark = Image.open(io.BytesIO(base64.b64decode(draft_watermark_src().split(",", 1)[1])))
    assert (watermark.size, watermark.mode) == ((1200, 1200), "LA")
    assert watermark.getpixel((600, 600))[0] == 0xE8 and 0 < watermark.getbbox()[0] < watermark.getbbox()[2] < 1200
    pdf, pages = render_pdf(html)
    assert images_drawn(pdf_reader(pdf)) == [(1200, 1200)]
    strategy.status = "approved"
    strategy.save()
    html, _ = build_document(strategy)
    assert "draft" not in html.split("<body", 1)[1].split(">", 1)[0] and "data:image/png" not in html
    assert images_drawn(pdf_reader(render_pdf(html)[0])) == []


def test_the_document_is_rendered_by_an_engine_that_loads_only_the_tag_libraries_it_uses(world, settings):
    """The project's engine imports every installed app's template tags when it is made; the document's
    engine is the same engine (settings.TEMPLATES) with only the libraries its templates load."""
    loaded = set()
    for template in (settings.BASE_DIR / "templates" / "exports" / "document").iterdir():
        for names in re.findall(r"{% load ([\w ]+?) %}", template.read_text()):
            loaded.update(names.split())
    assert loaded and loaded <= set(DOCUMENT_TAG_LIBRARIES)
    assert set(document_engine().template_libraries) == set(DOCUMENT_TAG_LIBRARIES)
    # It renders the document exactly as the project's engine would.
    context = document_context(world.own.strategy)
    assert document_engine().render_to_string("exports/document/strategy.html", context) == render_to_string(
        "exports/document/strategy.html", context
    )


def test_data_assembly_takes_the_same_number_of_queries_at_any_size(world, django_assert_num_queries):
    side = world.own
    grow_plan(side, 5)
    side.strategy.refresh_from_db()
    with CaptureQueriesContext(connection) as small:
        document_context(side.strategy)
    grow_plan(side, 80, aims=6)
    side.strategy.refresh_from_db()
    with django_assert_num_queries(len(small.captured_queries)):
        context = document_context(side.strategy)
    assert len(context["actions"]) == 80 and len(context["aims"]) == 6
    # 20, and 3 for the "We will" commitments, the practice principles and the strategy's own measures.
    assert len(small.captured_queries) <= 23


def test_the_html_page_is_the_same_document(world, client):
    side = world.own
    client.force_login(side.users["member_other"])
    response = client.get(reverse("strategy_document", kwargs={"slug": side.slug, "pk": side.strategy.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en-GB">' in html and flat(side.action.text) in flat(html)
    assert "Draft: this document has not been approved." in html
    nonce = html.split('<style nonce="', 1)[1].split('"', 1)[0]
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    # The policy allows no inline style attributes, so the page uses none (column widths are classes).
    assert re.search(r"<[a-z][^>]*\sstyle=", html) is None
    assert 'class="col-aim"' in html


def test_the_command_writes_a_pdf(world, tmp_path):
    output = tmp_path / "strategy.pdf"
    call_command("export_strategy", world.own.strategy.pk, output=str(output))
    reader = pdf_reader(output.read_bytes())
    assert flat(world.own.action.text) in " ".join(pdf_pages_text(reader))


def section_html(html, key):
    start = html.index(f'<section id="section-{key}"')
    return html[start:html.index("</section>\n", start)]


def test_each_core_component_section_lists_the_actions_serving_it(world):
    side = world.own
    actions = grow_plan(side, 9)
    html, _ = build_document(side.strategy)
    for key, code in (("prevention_disruption", "prevention-disruption"), ("identification", "identification"),
                      ("supportive_response", "whole-system-response"), ("workforce", "workforce-development")):
        part = section_html(html, key)
        serving = [a for a in actions if a.core_component.code == code]
        assert serving and f"{len(serving)} action" in part
        for action in actions:
            link = f'<a class="ref" href="#action-{action.pk}">{action.reference}</a>'
            assert (link in part) == (action in serving), (key, action.reference)
    # The links land on the action's reference in the plan.
    assert f'<span class="ref" id="action-{actions[0].pk}">{actions[0].reference}</span>' in html


def test_records_are_not_lost_when_their_section_was_removed(world):
    side = world.own
    side.strategy.sections.filter(template_key__in=["action_plan", "aims_outcomes"]).delete()
    html, _ = build_document(side.strategy)
    assert 'id="section-action_plan"' in html and 'id="aims-table"' in html and side.action.text in html

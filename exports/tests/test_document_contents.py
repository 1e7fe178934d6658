"""The partnership decides what its document contains: parts left out with a reason, no empty section,
none of the portal's gap messages, its own numbering and the vision where it puts it; footnotes at the
foot of the PDF page."""
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from exports.document import build_document
from partnerships.pdf import render_pdf
from strategy import services
from strategy.models import Section, SectionKind, Strategy, VisionPlacement
from strategy.tests.factories import SectionFactory, StrategyFactory
from strategy.tests.helpers import pdf_reader

pytestmark = pytest.mark.django_db

# The portal's own messages about what is missing: they belong on the completeness page.
GAP_MESSAGES = (
    "No action in the plan serves this core component yet.", "No measures have been set yet.",
    "No action answers this recommendation yet.", "This section has not been written yet.",
    "No priorities have been set yet.", "No governance bodies have been recorded yet.",
    "No strategic aims have been set yet.", "No actions under this aim yet.", "No strategic aims or actions yet.",
    "No measure has been set for this outcome yet.", "No intended outcomes have been set for this aim yet.",
    "No training needs assessment linked", "No action yet", "None recorded.", "Not recorded", "Not set",
    "To be agreed", "not yet address",
)


def headings(html):
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[1-4][^>]*>(.*?)</h[1-4]>", html, re.S)]


def test_a_bare_strategy_prints_no_gap_message_and_no_empty_section(world):
    side = world.own
    html, _ = build_document(side.strategy)
    for message in GAP_MESSAGES:
        assert message not in html, message
    # The world's sections have no text: only those with records under them print.
    printed = headings(html)
    assert "Monitoring and evaluation" not in " ".join(printed) or side.measure.indicator in html
    for section in side.strategy.sections.filter(body=""):
        if section.template_key in ("", "introduction", "voice_of_children"):
            assert f'id="section-{section.template_key or section.pk}"' not in html, section.title
    assert all(h for h in printed)


def test_a_section_left_out_with_a_reason_does_not_print_and_the_reason_is_shown(world, client):
    side = world.own
    manager = side.users["manager"]
    plan = side.strategy.sections.get(template_key="action_plan")
    services.section_update(section=plan, actor=manager, title=plan.title, body="Our plan.",
                            expected_revision=plan.revision)
    html, _ = build_document(side.strategy)
    assert 'id="section-action_plan"' in html and side.action.text in html

    client.force_login(manager)
    url = reverse("document_contents", kwargs={"slug": side.slug, "pk": side.strategy.pk})
    refused = client.post(url, {"part": f"section-{plan.pk}", "do": "omit", "reason": "  "})
    assert refused.status_code == 200 and "Say why this part is left out" in refused.content.decode()
    assert not Section.objects.get(pk=plan.pk).omitted

    response = client.post(url, {"part": f"section-{plan.pk}", "do": "omit",
                                 "reason": "The action plan is published separately each year."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.omitted and plan.omission_reason == "The action plan is published separately each year."
    html, _ = build_document(side.strategy)
    assert 'id="section-action_plan"' not in html and side.action.text not in html
    assert 'href="#action-' not in html  # no cross-reference points into the missing plan
    assert 'id="annex-recommendations"' not in html

    completeness = client.get(reverse("strategy_completeness", kwargs={"slug": side.slug, "pk": side.strategy.pk}))
    assert "The action plan is published separately each year." in completeness.content.decode()
    client.force_login(side.users["scrutineer"])
    detail = client.get(reverse("export_detail", kwargs={"slug": side.slug, "pk": side.export.pk}))
    assert "The action plan is published separately each year." in detail.content.decode()

    client.force_login(manager)
    client.post(url, {"part": f"section-{plan.pk}", "do": "include"})
    plan.refresh_from_db()
    assert not plan.omitted and plan.omission_reason == ""


def test_an_annex_can_be_left_out(world):
    side = world.own
    manager = side.users["manager"]
    html, _ = build_document(side.strategy)
    assert 'id="status-block"' in html
    with pytest.raises(ValidationError):
        services.annex_set_in_document(strategy=side.strategy, actor=manager, annex="status-block", include=False)
    services.annex_set_in_document(strategy=side.strategy, actor=manager, annex="status-block", include=False,
                                   reason="The cover gives the status.")
    side.strategy.refresh_from_db()
    html, _ = build_document(side.strategy)
    assert 'id="status-block"' not in html and "Document status and version" not in html
    assert Strategy.objects.get(pk=side.strategy.pk).omitted_annexes == {"status-block": "The cover gives the status."}


def test_numbering_is_optional_and_the_partnership_orders_and_names_sections(world):
    side = world.own
    manager = side.users["manager"]
    SectionFactory(strategy=side.strategy, kind=SectionKind.EXTRA, title="Our promise to children", position=1,
                   body="Every child is heard.")
    html, _ = build_document(side.strategy)
    assert '<span class="section-number">1</span> Our promise to children' in html
    services.document_layout_update(strategy=side.strategy, actor=manager, numbered_sections=False,
                                    vision_placement=VisionPlacement.SECTION)
    side.strategy.refresh_from_db()
    html, _ = build_document(side.strategy)
    assert 'class="section-number"' not in html and "Our promise to children" in html


def test_the_vision_prints_where_the_partnership_puts_it(world):
    side = world.own
    manager = side.users["manager"]
    services.strategy_update(strategy=side.strategy, actor=manager, vision="Every child is safe and **heard**.")
    side.strategy.refresh_from_db()
    html, _ = build_document(side.strategy)
    assert html.count("Every child is safe and") == 1 and 'id="vision"' in html
    for placement, marker in ((VisionPlacement.COVER, 'class="cover-vision"'),
                              (VisionPlacement.OPENING, 'id="vision-opening"')):
        services.document_layout_update(strategy=side.strategy, actor=manager, numbered_sections=True,
                                        vision_placement=placement)
        side.strategy.refresh_from_db()
        html, _ = build_document(side.strategy)
        assert html.count("Every child is safe and") == 1 and marker in html and 'id="vision"' not in html
        assert "<strong>heard</strong>" in html


def test_priorities_print_their_markdown(world):
    side = world.own
    side.priority.what_this_means = "We will:\n- **listen** to children\n- act on what they say"
    side.priority.save()
    html, _ = build_document(side.strategy)
    assert "<strong>listen</strong>" in html and "**" not in html and "<li>act on what they say</li>" in html


def test_footnotes_sit_at_the_foot_of_their_pdf_page_and_link_on_the_web(world):
    side = world.own
    strategy = StrategyFactory(partnership=side.partnership)
    SectionFactory(strategy=strategy, kind=SectionKind.EXTRA, title="Why this matters", position=10,
                   body="One in ten children is sexually abused before 16.[^1] Most never tell.\n\n"
                        "[^1]: Centre of expertise on child sexual abuse, *Measuring the scale*, 2023.")
    html, _ = build_document(strategy)
    assert '<span class="footnote">Centre of expertise on child sexual abuse' in html
    pdf, _ = render_pdf(html)
    reader = pdf_reader(pdf)
    found = False
    for page in reader.pages:
        lines = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: lines.append((tm[5], text)))
        call = [y for y, text in lines if "before 16." in text]
        note = [y for y, text in lines if "Measuring the scale" in text]
        footer = [y for y, text in lines if text.startswith("Page ")]
        if call and note:
            found = True
            # Whichever way the page's y axis runs: the note lies past the text that calls it, towards the
            # page's footer, and much nearer the footer than the call is.
            assert footer
            assert (note[0] - call[0]) * (footer[0] - call[0]) > 0
            assert abs(footer[0] - note[0]) < abs(footer[0] - call[0]) / 4
    assert found
    web, _ = build_document(strategy, mode="html")
    assert 'href="#fn-' in web and 'class="footnotes"' in web and "Measuring the scale" in web

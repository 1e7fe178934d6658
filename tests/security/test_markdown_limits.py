"""Text written into the portal cannot stall it or break a page (issue 17, items 7 and 8).

Rendering is linear in the length of the text and bounded in depth: the inputs that cost 39 seconds
(10 KB of "[") and a permanent 500 (a 300-level nested list) render, losing nothing, and are refused
with a message when someone tries to save them. Every test here runs under a generous guard: a
render that went quadratic again would trip it rather than hang the run.
"""
import random
import signal
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnerships.markdown import MAX_CHARS, MAX_DEPTH, markdown_problems, nesting_depth, render_markdown
from strategy import services
from strategy.models import Section

GUARD_SECONDS = 120  # far above the few seconds these take on a loaded machine; only a regression trips it


@contextmanager
def guard(seconds=GUARD_SECONDS):
    def expired(signum, frame):
        raise AssertionError(f"Rendering did not finish within {seconds} seconds: it is no longer linear.")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


NESTED_300 = "".join("  " * level + f"- level {level}\n" for level in range(300))
QUOTES_1000 = ">" * 1000 + " deep"

PATHOLOGICAL = {
    "brackets": "[" * 10_000,
    "footnote brackets": "[^" * 5_000,
    "unclosed links": "[a](" * 2_500,
    "images": "![" * 5_000,
    "emphasis": "*a " * 3_400,
    "underscores": "_a " * 3_400,
    "backticks": "`" * 10_000,
    "angle brackets": "<" * 10_000,
    "entities": "&#" * 5_000,
    "table": "|a" * 2_500 + "\n" + "|-" * 2_500 + "\n" + "|b" * 2_500,
    "nested list": NESTED_300,
    "nested quotes": QUOTES_1000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_input_renders_within_the_guard_and_nothing_is_lost(name):
    text = PATHOLOGICAL[name]
    with guard():
        html = render_markdown(text)
        printed = render_markdown(text, footnotes="inline")
    assert html and printed
    if name == "brackets":
        assert html.count("[") == 10_000
    if name == "nested list":  # too deep for the parser: shown as written, every level kept
        assert all(f"level {level}" in html for level in (0, 150, 299))


def test_a_three_hundred_level_list_and_a_thousand_quotes_raise_nothing():
    with guard():
        for text in (NESTED_300, QUOTES_1000, "- " * 5_000 + "x", "1. " * 3_000 + "x"):
            render_markdown(text)


def test_fuzzed_markdown_renders_without_error():
    """Random mixtures of Markdown's special characters and structure, from a fixed seed."""
    pieces = ["[", "]", "(", ")", "[^", "^[", "!", "*", "_", "`", "<", ">", "&", "#", "|", "-", "\n",
              "\n\n", "  ", "1. ", "- ", "> ", "a", "http://x", "\\", "]:", "~~~", "```", "\t"]
    rng = random.Random(20261203)
    with guard():
        for _ in range(150):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 1_500)))
            html = render_markdown(text)
            render_markdown(text, footnotes="inline", doc_id="x")
            assert "<script" not in html


def test_text_past_the_size_limit_is_shown_as_written_without_markup():
    text = "**bold** " * (MAX_CHARS // 9 + 10)
    with guard():
        html = render_markdown(text)
    assert "<strong>" not in html and html.count("**bold**") == MAX_CHARS // 9 + 10


def test_depth_is_measured_in_one_pass():
    assert nesting_depth("- a\n  - b\n    - c") == 3
    assert nesting_depth("> > - x") == 3
    assert nesting_depth(NESTED_300) == 300
    assert nesting_depth("Para\n\n- a\n- b\n\nPara") == 1


def test_saving_too_long_or_too_deep_text_is_refused_with_a_message(world):
    side = world.own
    section = side.section
    before = section.body
    too_deep = "".join("  " * level + "- x\n" for level in range(MAX_DEPTH + 1))
    with pytest.raises(ValidationError) as refused:
        services.section_update(section=section, actor=side.users["manager"], title=section.title,
                                body=too_deep, expected_revision=section.revision)
    assert f"nested more than {MAX_DEPTH} levels deep" in refused.value.message_dict["body"][0]
    with pytest.raises(ValidationError) as refused:
        services.section_update(section=section, actor=side.users["manager"], title=section.title,
                                body="a" * (MAX_CHARS + 1), expected_revision=section.revision)
    assert f"The limit is {MAX_CHARS:,}" in refused.value.message_dict["body"][0]
    section.refresh_from_db()
    assert section.body == before
    assert markdown_problems("A normal paragraph.\n\n- one\n  - two") is None


def test_the_section_form_keeps_the_typed_text_and_shows_the_message(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    too_deep = "".join("  " * level + "- x\n" for level in range(MAX_DEPTH + 1))
    url = reverse("section_edit", kwargs={"slug": side.slug, "pk": side.strategy.pk, "section_pk": side.section.pk})
    response = client.post(url, {"title": side.section.title, "body": too_deep, "revision": side.section.revision})
    assert response.status_code == 200
    page = response.content.decode()
    assert "nested more than" in page and "- x" in page


def test_pages_that_show_stored_pathological_text_answer_200(world, client):
    """Text stored before the limits existed still shows: the sections page, the HTML document and the
    reviewer's view of it."""
    side = world.own
    Section.objects.filter(pk=side.section.pk).update(body=NESTED_300)
    Section.objects.filter(pk=side.extra_section.pk).update(body="[" * 10_000)
    client.force_login(side.users["manager"])
    with guard():
        for name in ("strategy_sections", "strategy_document"):
            response = client.get(reverse(name, kwargs={"slug": side.slug, "pk": side.strategy.pk}))
            assert response.status_code == 200, name

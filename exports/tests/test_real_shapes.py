"""The shapes real strategies take, entered through the services and printed through the export's own code:
every paragraph of the source in the PDF's text, word for word and in order; no raw Markdown; no heading with
nothing under it; none of the portal's gap messages; footnotes at the foot of their page.

(a) one aim written as a list of its parts, with no intended outcomes and no action plan;
(b) priorities carrying "We will" lists, practice principles, a foreword, footnotes.

Each test prints its page count and its fidelity (text units found word for word / all text units)."""
import pathlib
import re

import pytest
from django.conf import settings

from exports.document import build_document, render_pdf
from partnerships.models import AffectedGroup, FormOfAbuse
from partnerships.tests.factories import PartnershipFactory, UserFactory
from strategy import services
from strategy.models import SectionKind
from strategy.tests.helpers import flat, pdf_reader

pytestmark = pytest.mark.django_db

TEMPLATES = pathlib.Path(settings.BASE_DIR) / "templates"

# Written with the prose of a real strategy's shape, in our own words.
A_INTRO = [
    "This strategy sets out how the partners of Fernmoor will work together to prevent child sexual abuse, "
    "to notice it sooner and to respond well when a child tells.",
    "Most children who are sexually abused are never known to any agency. We start from that fact and "
    "not from the cases we already see.",
]
A_VISION = "Every child in Fernmoor grows up **safe** from sexual abuse, and is believed and helped when it happens."
A_CONTEXT = [
    "Around one in ten children is sexually abused before the age of sixteen; in Fernmoor that would be "
    "about four thousand children.",
    "Agencies identified fewer than three hundred children last year, so most abuse stays hidden.",
]
A_AIM = "Children and young people are protected from sexual abuse"
A_SUB_AIMS = [
    "Prevent child sexual abuse before it starts, in the family and online",
    "Identify abuse earlier, including abuse by other children",
    "Give every child who tells a response that believes and helps them",
    "Hold those who abuse children to account and disrupt their access to children",
]
A_MONITORING = [
    "The delivery group will report to the partnership board every quarter on the measures below.",
]
A_MEASURES = [
    ("More children are identified as sexually abused, year on year", "Children's social care records"),
    ("Children say they felt believed when they told", "Feedback gathered by the specialist service"),
]

B_FOREWORD = [
    "As the three statutory partners we commit our agencies to this strategy and to the children it is for.",
    "We thank the young people who told us what made it harder to speak, and what helped.",
]
B_INTRO = [
    "Child sexual abuse is under-identified across England.[^1] Our partnership has chosen to face that "
    "directly, with commitments every agency has signed.",
    "This is the second strategy of the partnership, and it builds on an independent review of our "
    "response.[^2]",
]
B_FOOTNOTES = [
    "Centre of expertise on child sexual abuse, Measuring the scale and changing nature of child sexual "
    "abuse, 2023.",
    "Independent review of the multi-agency response in Westbrook, published in 2025.",
]
B_PRIORITIES = [
    ("Notice and name", "Professionals recognise the signs and name abuse for what it is.", [
        "train every designated safeguarding lead in the signs of sexual abuse within the family",
        "publish a single guide to the signs and indicators for all agencies",
    ]),
    # A commitment name longer than 200 characters, kept whole.
    ("Listen to children and act on what they tell us, so that no child who finds the courage to speak is "
     "met with disbelief, delay or a service that does not understand sexual abuse, whichever agency they "
     "happen to tell first", "", [
        "ask children and young people every year what made it easier or harder to tell",
        "agree one pathway for a medical examination after sexual abuse",
        "review every case where a child told more than once before anyone acted",
    ]),
]
B_PRINCIPLES = [
    ("Child first", ["Children's voices shape what we do.", "We see the child before the process."]),
    ("Think family", ["Every contact with a parent is a chance to protect a child."]),
]
B_LOCAL = [
    "We asked 400 professionals how confident they feel in talking to children about sexual abuse.",
    "Fewer than half said they felt confident, and most had had no training specific to sexual abuse.",
]


def _gap_messages():
    """The portal's own messages about what is missing, as its templates write them."""
    found = set()
    pattern = re.compile(r"\b(?:No|Not|None)\b[^<>{}\n\"|]{0,90}?\b(?:yet|recorded|set|linked)\b\.?")
    for path in TEMPLATES.rglob("*.html"):
        text = re.sub(r"{%.*?%}|{{.*?}}", " ", path.read_text())
        found.update(m.group(0).strip() for m in pattern.finditer(text))
    # "Not set" style defaults written inside template tags (`default:"To be set"`) count too.
    for path in TEMPLATES.rglob("*.html"):
        found.update(re.findall(r'default:"((?:No|Not|To be)[^"]+)"', path.read_text()))
    return sorted(m for m in found if len(m) > 5)


def _plain(markdown):
    """Markdown as the reader sees it: no emphasis marks, no list markers, no footnote calls."""
    text = re.sub(r"\*\*|__|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)", "", markdown)
    return re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text)


def _units(texts):
    """Each paragraph a unit; a paragraph with a footnote call is two units either side of the call, since the
    PDF prints the note's number there."""
    units = []
    for text in texts:
        units.extend(part.strip() for part in re.split(r"\[\^\d+\]", _plain(text)) if part.strip())
    return units


def _pdf_text(pdf, margin_strings):
    """The PDF's text in reading order, page by page, without the running header and footer."""
    reader = pdf_reader(pdf)
    pages = []
    for page in reader.pages:
        items = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: items.append((tm[5], text)))
        items = [(y, t) for y, t in items if t.strip()]
        if items:
            top, bottom = max(y for y, _ in items), min(y for y, _ in items)
            items = [(y, t) for y, t in items
                     if not (y in (top, bottom) and (flat(t) in margin_strings or re.fullmatch(r"Page \d+ of \d+", flat(t))))]
        pages.append(flat(" ".join(t for _, t in items)))
    return reader, pages


def _fidelity(units, text):
    """How many units appear word for word, each after the one before; the units missing or out of order."""
    position, found, missing = 0, 0, []
    for unit in units:
        at = text.find(flat(unit), position)
        if at < 0:
            missing.append(unit)
        else:
            found += 1
            position = at + len(flat(unit))
    return found, missing


def _headings_with_nothing_under_them(html):
    marks = list(re.finditer(r"<h([1-4])[^>]*>(.*?)</h\1>", html, re.S))
    empty = []
    for index, mark in enumerate(marks):
        title = re.sub(r"<[^>]+>", "", mark.group(2)).strip()
        if not title:
            empty.append("(a heading with no words)")
            continue
        end = marks[index + 1].start() if index + 1 < len(marks) else len(html)
        deeper = index + 1 < len(marks) and int(marks[index + 1].group(1)) > int(mark.group(1))
        between = re.sub(r"<[^>]+>|\s", "", html[mark.end():end])
        if not between and not deeper:
            empty.append(title)
    return empty


def _check(strategy, units, footnotes=()):
    html, _ = build_document(strategy)
    assert not _headings_with_nothing_under_them(html)
    for message in _gap_messages():
        assert message not in html, message
    pdf, pages = render_pdf(html)
    margin = {f"{strategy.title} {strategy.period_label}", strategy.partnership.name, "Contents",
              *(flat(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S))}
    reader, page_texts = _pdf_text(pdf, margin)
    text = " ".join(page_texts)
    # Footnotes float to the foot of the page, into the middle of a paragraph that runs on to the next page:
    # the body is matched without them, and each note is looked for at the foot of its page.
    body = text
    for note in footnotes:
        body = body.replace(flat(note), " ")
    body = flat(body)
    found, missing = _fidelity(units, body)
    notes_found = sum(flat(note) in text for note in footnotes)
    print(f"\n{strategy.title}: {pages} pages; fidelity {found + notes_found}/{len(units) + len(footnotes)} "
          f"text units word for word and in order")
    assert not missing, missing
    assert notes_found == len(footnotes)
    for raw in ("**", "[^", "](", " # ", "|---", "\n- "):
        assert raw not in text, raw
    assert not re.search(r"(?:^| )- \w", text) or " - " in " ".join(units)
    for note in footnotes:
        _assert_at_the_foot_of_its_page(reader, note, footnotes)
    return html, text


def _assert_at_the_foot_of_its_page(reader, note, footnotes):
    words = flat(note)[:30]
    for page in reader.pages:
        lines = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: lines.append((tm[5], flat(text))))
        note_y = [y for y, text in lines if words[:20] in text]
        footer = [y for y, text in lines if text.startswith("Page ")]
        if note_y:
            notes = " ".join(flat(n) for n in footnotes)
            # The body: every line but the footer, the notes and their numbers.
            body = [y for y, text in lines
                    if text and y not in footer and text not in notes and not re.fullmatch(r"\d+\.?", text)]
            assert footer
            # Whichever way the page's y axis runs, the note lies beyond all the body text, towards the footer.
            direction = 1 if footer[0] > note_y[0] else -1
            assert all((note_y[0] - y) * direction > 0 for y in body if abs(y - footer[0]) > 1 and y not in note_y)
            return
    raise AssertionError(f"footnote not found: {note}")


@pytest.fixture
def manager():
    return UserFactory()


def _write(strategy, actor, key, paragraphs):
    section = strategy.sections.get(template_key=key)
    services.section_update(section=section, actor=actor, title=section.title, body="\n\n".join(paragraphs),
                            expected_revision=section.revision)


def test_a_single_aim_of_parts_with_no_outcomes_and_no_action_plan(manager):
    partnership = PartnershipFactory(name="Fernmoor Safeguarding Children Partnership")
    strategy = services.strategy_create(partnership=partnership, actor=manager, title="Child Sexual Abuse Strategy",
                                        period_start=2026, period_end=2028, vision=A_VISION)
    _write(strategy, manager, "introduction", A_INTRO)
    _write(strategy, manager, "local_context", A_CONTEXT)
    services.aim_create(strategy=strategy, actor=manager, title=A_AIM,
                        sub_aims="\n".join(f"- {part}" for part in A_SUB_AIMS))
    _write(strategy, manager, "monitoring", A_MONITORING)
    for indicator, source in A_MEASURES:
        services.strategy_measure_create(strategy=strategy, actor=manager, indicator=indicator, data_source=source,
                                         frequency="Quarterly")
    plan = strategy.sections.get(template_key="action_plan")
    services.section_set_in_document(section=plan, actor=manager, include=False,
                                     reason="The action plan is agreed separately by the delivery group.")
    strategy.refresh_from_db()

    units = [strategy.title, *A_INTRO, "Shared vision and strategic priorities", *_units([A_VISION]),
             *A_CONTEXT, "Strategic aims and intended outcomes", A_AIM, *A_SUB_AIMS,
             "Monitoring and evaluation", *A_MONITORING, *(m for pair in A_MEASURES for m in pair)]
    html, text = _check(strategy, units)
    assert 'id="aims-table"' not in html and "<table" in html  # the aim is a list; the measures are a table
    assert "Intended outcome" not in text and "Action plan" not in text and 'id="section-action_plan"' not in html


def test_commitments_with_we_will_lists_principles_a_foreword_and_footnotes(manager):
    partnership = PartnershipFactory(name="Westbrook Safeguarding Children Partnership")
    strategy = services.strategy_create(partnership=partnership, actor=manager, title="Our Strategy Against Child "
                                        "Sexual Abuse", period_start=2026, period_end=2029)
    services.section_create(strategy=strategy, actor=manager, kind=SectionKind.FOREWORD, title="Foreword",
                            body="\n\n".join(B_FOREWORD))
    body = "\n\n".join(B_INTRO) + "\n\n" + "\n".join(f"[^{n}]: {note}" for n, note in enumerate(B_FOOTNOTES, 1))
    _write(strategy, manager, "introduction", [body])
    for title, means, we_will in B_PRIORITIES:
        priority = services.priority_create(strategy=strategy, actor=manager, title=title, what_this_means=means)
        for item in we_will:
            services.commitment_create(priority=priority, actor=manager, text=item)
    for name, points in B_PRINCIPLES:
        services.principle_create(strategy=strategy, actor=manager, name=name,
                                  description="\n".join(f"- {point}" for point in points))
    _write(strategy, manager, "local_context", B_LOCAL)
    services.strategy_set_coverage(strategy=strategy, actor=manager,
                                   forms_of_abuse=list(FormOfAbuse.objects.all()),
                                   affected_groups=list(AffectedGroup.objects.all()))
    strategy.refresh_from_db()

    priority_units = []
    for title, means, we_will in B_PRIORITIES:
        priority_units += [title, *([means] if means else []), "We will:", *we_will]
    units = [strategy.title, "Foreword", *B_FOREWORD, *_units(B_INTRO), *priority_units,
             "Our practice principles", *(u for name, points in B_PRINCIPLES for u in (name, *points)), *B_LOCAL,
             *(f.name for f in FormOfAbuse.objects.order_by("number"))]
    html, text = _check(strategy, units, footnotes=B_FOOTNOTES)
    assert len(B_PRIORITIES[1][0]) > 200 and flat(B_PRIORITIES[1][0]) in text

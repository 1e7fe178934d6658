"""The document's priorities, governance, evaluation framework, coverage annex and training needs."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exports.document import build_document, document_context, render_pdf
from partnerships.models import AffectedGroup, FormOfAbuse
from strategy.tests.factories import GovernanceBodyFactory, MeasureFactory, PriorityFactory
from strategy.tests.helpers import flat, grow_plan, pdf_pages_text, pdf_reader
from workforce.tests.factories import TrainingNeedFactory

pytestmark = pytest.mark.django_db


def section_html(html, key):
    start = html.index(f'<section id="section-{key}"')
    return html[start:html.index("</section>\n", start)]


@pytest.fixture
def side(world):
    """Our strategy with a priority, a board the steering group reports to, a measure with baseline and
    target, two forms and one group addressed, and two training needs, one met by an action."""
    side = world.own
    strategy = side.strategy
    PriorityFactory(strategy=strategy, number=2, title="Hearing children when they tell")
    side.board = GovernanceBodyFactory(strategy=strategy, name="Ashvale Partnership Board", kind="board",
                                       chair="Independent Chair", meeting_frequency="quarterly")
    side.board.member_agencies.set([side.lead_agency, side.other_agency])
    side.governance_body.reports_to = side.board
    side.governance_body.save()
    MeasureFactory(outcome=side.outcome, indicator="Children helped by the specialist service each quarter",
                   collated_by="Partnership analyst", baseline="120 (2025)", target="180 by 2029")
    strategy.forms_of_abuse.set(FormOfAbuse.objects.order_by("number")[:2])
    strategy.affected_groups.set(AffectedGroup.objects.order_by("number")[:1])
    side.assessment.strategy = strategy
    side.assessment.save()
    side.met = TrainingNeedFactory(assessment=side.assessment, topic="Responding when a child tells",
                                   agency=side.lead_agency, role="Response officers", priority="high")
    side.met.actions.set([side.action])
    side.unmet = TrainingNeedFactory(assessment=side.assessment, topic="Harmful sexual behaviour in schools",
                                     role="School staff", priority="medium")
    return side


def test_the_pdf_carries_every_new_part(side):
    html, _ = build_document(side.strategy)
    text = " ".join(pdf_pages_text(pdf_reader(render_pdf(html)[0])))
    missing_group = AffectedGroup.objects.order_by("number")[1]
    for expected in (
        "Hearing children when they tell", "Ashvale Partnership Board", "Independent Chair",
        "Children helped by the specialist service each quarter", "120 (2025)", "180 by 2029",
        "Annex B: Forms of abuse and affected groups this strategy addresses",
        "Responding when a child tells", "Harmful sexual behaviour in schools",
    ):
        assert flat(expected) in text, expected
    # What the strategy does not cover is a gap for the completeness page, not for the published document.
    assert flat(missing_group.name) not in text and "No action yet" not in text


def test_each_part_sits_in_its_section(side):
    html, _ = build_document(side.strategy, mode="html")
    vision = section_html(html, "vision")
    assert vision.index('id="vision"') < vision.index("Hearing children when they tell")
    governance = section_html(html, "governance")
    assert "<caption>Governance bodies overseeing the strategy</caption>" in governance
    assert '<th scope="row">Ashvale Partnership Board' in governance
    # The steering group is nested under the board it reports to.
    tree = governance[governance.index('<ul class="governance-tree">'):]
    assert tree.index("Ashvale Partnership Board") < tree.index("Ashvale Steering Group")
    assert tree.count('<ul class="governance-tree">') == 2
    monitoring = section_html(html, "monitoring")
    assert f"<caption>Strategic aim 1: {side.aim.title}</caption>" in monitoring
    assert "Intended outcome 1.1:" in monitoring and "Partnership analyst" in monitoring
    workforce = section_html(html, "workforce")
    met_row = workforce[workforce.index("Responding when a child tells"):]
    assert met_row.index(f'href="#action-{side.action.pk}">1.1</a>') < met_row.index("Harmful sexual behaviour")
    unmet_row = workforce[workforce.index("Harmful sexual behaviour in schools"):]
    assert "No action yet" not in unmet_row.split("</tr>", 1)[0]
    annex = html[html.index('id="annex-coverage"'):]
    annex = annex[:annex.index("</section>")]
    forms = list(FormOfAbuse.objects.order_by("number"))
    assert forms[0].name in annex and forms[2].name not in annex


def test_data_assembly_with_every_part_takes_the_same_number_of_queries(side, django_assert_num_queries):
    side.strategy.refresh_from_db()
    with CaptureQueriesContext(connection) as small:
        document_context(side.strategy)
    actions = grow_plan(side, 40, aims=5)
    for n, action in enumerate(actions):
        MeasureFactory(outcome=action.outcome)
        need = TrainingNeedFactory(assessment=side.assessment, agency=side.other_agency)
        need.actions.set([action])
        if n % 5 == 0:
            PriorityFactory(strategy=side.strategy, number=10 + n)
            body = GovernanceBodyFactory(strategy=side.strategy, reports_to=side.board)
            body.member_agencies.set([side.lead_agency])
    side.strategy.refresh_from_db()
    with django_assert_num_queries(len(small.captured_queries)):
        context = document_context(side.strategy)
    assert len(context["training_needs"]) == 41 and len(context["governance"]["bodies"]) == 10
    # 13 for the plan, local data and audits, 11 for priorities (with their "We will" commitments),
    # principles, governance, measures (the outcomes' and the strategy's), coverage and needs.
    assert len(small.captured_queries) <= 24

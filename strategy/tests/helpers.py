"""Building plans and reading PDFs in the export tests."""
import io

from pypdf import PdfReader

from actionplan.tests.factories import ActionFactory
from partnership_portal.models import CoreComponent, Recommendation
from strategy.tests.factories import IntendedOutcomeFactory, StrategicAimFactory


def grow_plan(side, n, aims=3):
    """Bring the side's strategy to `aims` aims and n actions, spread over the aims, with components and recommendations."""
    strategy = side.strategy
    aim_list = [side.aim] + [StrategicAimFactory(strategy=strategy, number=k) for k in range(2, aims + 1)
                             if not strategy.aims.filter(number=k).exists()]
    outcomes = [side.outcome] + [IntendedOutcomeFactory(aim=a, number=1) for a in aim_list[1:]
                                 if not a.outcomes.exists()]
    components = list(CoreComponent.objects.order_by("number"))
    recommendations = list(Recommendation.objects.order_by("number"))
    existing = strategy.actions.count()
    created = []
    for i in range(existing, n):
        outcome = outcomes[i % len(outcomes)]
        action = ActionFactory(
            outcome=outcome, lead_agency=side.lead_agency, reference=f"{outcome.aim.number}.{i + 1}",
            core_component=components[i % len(components)], measures_text=f"Measure number {i + 1}",
            start_year=1, end_year=2,
        )
        action.recommendations.set([recommendations[i % 3]])  # recommendations 4-6 stay unanswered
        action.supporting_agencies.set([side.other_agency])
        created.append(action)
    return created


def pdf_reader(data):
    return PdfReader(io.BytesIO(data))


def flat(text):
    """Whitespace-insensitive text, so line breaks in the PDF do not matter."""
    return " ".join(text.split())


def pdf_pages_text(reader):
    return [flat(page.extract_text() or "") for page in reader.pages]

"""Building plans and reading PDFs in the export tests."""
import io
from types import SimpleNamespace

from pypdf import PdfReader

from actionplan.tests.factories import ActionFactory
from partnerships.models import CoreComponent, Recommendation
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


def pdf_structure(reader):
    """A tagged PDF's tag tree: its structure types in document order, its table cells with the header
    cells they name, and its alternative texts."""
    found = SimpleNamespace(kinds=[], cells=[], alt_texts=[])

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict) and "/S" in node:  # a structure element, not a content or annotation reference
            found.kinds.append(node["/S"])
            if node["/S"] in ("/TD", "/TH"):
                found.cells.append((node["/S"], list(node.get("/A", {}).get("/Headers", []))))
            if "/Alt" in node:
                found.alt_texts.append(str(node["/Alt"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found

"""Every drafting write refuses a read-only strategy at the service, whatever path the write comes by (a view,
the API, an import, a script). The views check too, but this is the last guard, so each service is tested
here on its own: approved, published and superseded strategies refuse, and nothing is written."""
import pytest
from django.core.exceptions import ValidationError

from partnerships.models import AuditEvent, FormOfAbuse
from partnerships.tests.factories import AgencyFactory, UserFactory
from strategy import services
from strategy.models import GovernanceKind, SectionKind, StrategyStatus
from strategy.tests.factories import (
    GovernanceBodyFactory,
    IntendedOutcomeFactory,
    MeasureFactory,
    PriorityFactory,
    SectionFactory,
    StrategicAimFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

READ_ONLY = [StrategyStatus.APPROVED, StrategyStatus.PUBLISHED, StrategyStatus.SUPERSEDED]


class World:
    """One strategy with one of each drafting record."""

    def __init__(self):
        self.actor = UserFactory()
        self.strategy = StrategyFactory()
        SectionFactory(strategy=self.strategy, position=4)
        self.section = SectionFactory(strategy=self.strategy, position=5)
        self.aim = StrategicAimFactory(strategy=self.strategy, number=1)
        self.outcome = IntendedOutcomeFactory(aim=self.aim, number=1)
        IntendedOutcomeFactory(aim=self.aim, number=2)
        self.second_aim = StrategicAimFactory(strategy=self.strategy, number=2)
        self.priority = PriorityFactory(strategy=self.strategy, number=1)
        PriorityFactory(strategy=self.strategy, number=2)
        self.body = GovernanceBodyFactory(strategy=self.strategy)
        self.measure = MeasureFactory(outcome=self.outcome)
        self.agency = AgencyFactory(partnership=self.strategy.partnership)
        self.commitment = services.commitment_create(priority=self.priority, actor=self.actor, text="train leads")
        services.commitment_create(priority=self.priority, actor=self.actor, text="audit practice")
        self.principle = services.principle_create(strategy=self.strategy, actor=self.actor, name="Child first")
        services.principle_create(strategy=self.strategy, actor=self.actor, name="Think family")
        self.strategy_measure = services.strategy_measure_create(strategy=self.strategy, actor=self.actor,
                                                                 indicator="More children identified")
        services.strategy_measure_create(strategy=self.strategy, actor=self.actor, indicator="Fewer repeat referrals")


# Each write: (name, a call making it through the service).
WRITES = {
    "strategy_update": lambda w: services.strategy_update(strategy=w.strategy, actor=w.actor, title="Changed"),
    "section_create": lambda w: services.section_create(strategy=w.strategy, actor=w.actor,
                                                        kind=SectionKind.FOREWORD, title="Foreword"),
    "section_update": lambda w: services.section_update(section=w.section, actor=w.actor, title="Changed",
                                                        body="Changed.", expected_revision=w.section.revision),
    "section_delete": lambda w: services.section_delete(section=w.section, actor=w.actor),
    "section_move": lambda w: services.section_move(section=w.section, actor=w.actor, direction="up"),
    "aim_create": lambda w: services.aim_create(strategy=w.strategy, actor=w.actor, title="New aim"),
    "aim_update": lambda w: services.aim_update(aim=w.aim, actor=w.actor, title="Changed"),
    "aim_delete": lambda w: services.aim_delete(aim=w.second_aim, actor=w.actor),
    "aim_move": lambda w: services.aim_move(aim=w.second_aim, actor=w.actor, direction="up"),
    "outcome_create": lambda w: services.outcome_create(aim=w.aim, actor=w.actor, text="New outcome"),
    "outcome_update": lambda w: services.outcome_update(outcome=w.outcome, actor=w.actor, text="Changed"),
    "outcome_delete": lambda w: services.outcome_delete(outcome=w.outcome, actor=w.actor),
    "outcome_move": lambda w: services.outcome_move(outcome=w.outcome, actor=w.actor, direction="down"),
    "priority_create": lambda w: services.priority_create(strategy=w.strategy, actor=w.actor, title="New"),
    "priority_update": lambda w: services.priority_update(priority=w.priority, actor=w.actor, title="Changed"),
    "priority_delete": lambda w: services.priority_delete(priority=w.priority, actor=w.actor),
    "priority_move": lambda w: services.priority_move(priority=w.priority, actor=w.actor, direction="down"),
    "governance_body_create": lambda w: services.governance_body_create(
        strategy=w.strategy, actor=w.actor, name="New board", kind=GovernanceKind.BOARD),
    "governance_body_update": lambda w: services.governance_body_update(body=w.body, actor=w.actor, name="Changed"),
    "governance_body_delete": lambda w: services.governance_body_delete(body=w.body, actor=w.actor),
    "measure_create": lambda w: services.measure_create(outcome=w.outcome, actor=w.actor, indicator="New"),
    "measure_update": lambda w: services.measure_update(measure=w.measure, actor=w.actor, indicator="Changed"),
    "measure_delete": lambda w: services.measure_delete(measure=w.measure, actor=w.actor),
    "commitment_create": lambda w: services.commitment_create(priority=w.priority, actor=w.actor, text="New"),
    "commitment_update": lambda w: services.commitment_update(commitment=w.commitment, actor=w.actor, text="Changed"),
    "commitment_delete": lambda w: services.commitment_delete(commitment=w.commitment, actor=w.actor),
    "commitment_move": lambda w: services.commitment_move(commitment=w.commitment, actor=w.actor, direction="down"),
    "principle_create": lambda w: services.principle_create(strategy=w.strategy, actor=w.actor, name="New"),
    "principle_update": lambda w: services.principle_update(principle=w.principle, actor=w.actor, name="Changed"),
    "principle_delete": lambda w: services.principle_delete(principle=w.principle, actor=w.actor),
    "principle_move": lambda w: services.principle_move(principle=w.principle, actor=w.actor, direction="down"),
    "strategy_measure_create": lambda w: services.strategy_measure_create(strategy=w.strategy, actor=w.actor,
                                                                          indicator="New"),
    "strategy_measure_update": lambda w: services.strategy_measure_update(measure=w.strategy_measure, actor=w.actor,
                                                                          indicator="Changed"),
    "strategy_measure_delete": lambda w: services.strategy_measure_delete(measure=w.strategy_measure, actor=w.actor),
    "strategy_measure_move": lambda w: services.strategy_measure_move(measure=w.strategy_measure, actor=w.actor,
                                                                      direction="down"),
    "strategy_set_coverage": lambda w: services.strategy_set_coverage(
        strategy=w.strategy, actor=w.actor, forms_of_abuse=list(FormOfAbuse.objects.all()[:2]), affected_groups=[]),
}


def _state(world):
    """Everything a drafting write could change, as plain values."""
    from strategy.models import (
        Commitment,
        GovernanceBody,
        IntendedOutcome,
        Measure,
        PracticePrinciple,
        Priority,
        Section,
        StrategicAim,
        Strategy,
        StrategyMeasure,
    )

    def rows(model, **filters):
        return sorted(model.objects.filter(**filters).values_list(), key=lambda row: row[0])

    strategy = world.strategy
    return {
        "strategy": rows(Strategy, pk=strategy.pk),
        "sections": rows(Section, strategy=strategy),
        "aims": rows(StrategicAim, strategy=strategy),
        "outcomes": rows(IntendedOutcome, aim__strategy=strategy),
        "priorities": rows(Priority, strategy=strategy),
        "bodies": rows(GovernanceBody, strategy=strategy),
        "measures": rows(Measure, outcome__aim__strategy=strategy),
        "commitments": rows(Commitment, priority__strategy=strategy),
        "principles": rows(PracticePrinciple, strategy=strategy),
        "strategy_measures": rows(StrategyMeasure, strategy=strategy),
        "coverage": (sorted(strategy.forms_of_abuse.values_list("pk", flat=True)),
                     sorted(strategy.affected_groups.values_list("pk", flat=True))),
        "audit": AuditEvent.objects.count(),
    }


@pytest.mark.parametrize("status", READ_ONLY)
@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_read_only_strategy_refuses_every_drafting_write(write, status):
    world = World()
    type(world.strategy).objects.filter(pk=world.strategy.pk).update(status=status)
    world.strategy.refresh_from_db()
    before = _state(world)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        WRITES[write](world)
    assert _state(world) == before


@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_drafting_write_works_on_a_draft(write):
    """The same calls succeed on a draft, so the refusals above are the guard's and nothing else's."""
    world = World()
    before = _state(world)
    WRITES[write](world)
    assert _state(world) != before


def test_the_guard_reads_the_stored_status_not_the_callers_copy():
    """A caller holding a copy read while the strategy was a draft is still refused once it is approved."""
    world = World()
    stale_aim = type(world.aim).objects.get(pk=world.aim.pk)
    assert stale_aim.strategy.is_editable  # caches the draft strategy on the instance
    type(world.strategy).objects.filter(pk=world.strategy.pk).update(status=StrategyStatus.APPROVED)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.aim_update(aim=stale_aim, actor=world.actor, title="Changed")

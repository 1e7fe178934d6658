import factory
from factory.django import DjangoModelFactory

from partnership_portal.tests.factories import PartnershipFactory
from strategy.models import (
    GovernanceBody,
    IntendedOutcome,
    Measure,
    Priority,
    Section,
    StrategicAim,
    Strategy,
    StrategyExport,
)


class StrategyFactory(DjangoModelFactory):
    class Meta:
        model = Strategy

    partnership = factory.SubFactory(PartnershipFactory)
    title = "Child Sexual Abuse Strategy"
    period_start = 2026
    period_end = 2029
    vision = factory.Faker("sentence", nb_words=14)


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section

    strategy = factory.SubFactory(StrategyFactory)
    kind = "extra"
    title = factory.Sequence(lambda n: f"Extra section {n}")
    body = factory.Faker("paragraph")
    position = factory.Sequence(lambda n: 200 + n)


class StrategicAimFactory(DjangoModelFactory):
    class Meta:
        model = StrategicAim

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=8)
    what_this_means = factory.Faker("paragraph")
    what_we_want_to_see = factory.Faker("paragraph")


class IntendedOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = IntendedOutcome

    aim = factory.SubFactory(StrategicAimFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=12)


class StrategyExportFactory(DjangoModelFactory):
    class Meta:
        model = StrategyExport

    strategy = factory.SubFactory(StrategyFactory)
    version_label = factory.SelfAttribute("strategy.version_label")
    strategy_status = factory.SelfAttribute("strategy.status")
    status = "done"
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    file = factory.django.FileField(filename="export.pdf", data=b"%PDF-1.7 test document")
    page_count = 1


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority

    strategy = factory.SubFactory(StrategyFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=3)
    what_this_means = factory.Faker("paragraph")


class GovernanceBodyFactory(DjangoModelFactory):
    class Meta:
        model = GovernanceBody

    strategy = factory.SubFactory(StrategyFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = "steering_group"
    chair = "Head of Safeguarding"
    meeting_frequency = "every six weeks"


class MeasureFactory(DjangoModelFactory):
    class Meta:
        model = Measure

    outcome = factory.SubFactory(IntendedOutcomeFactory)
    indicator = factory.Faker("sentence", nb_words=10)
    data_source = "Children's social care records"
    frequency = "Quarterly"

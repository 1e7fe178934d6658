from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from exports.models import StrategyExport
from impact.models import IdentificationBreakdown, IdentificationFigure, LocalDataPeriod, MeasureDataPoint
from partnerships.secret_links import token_hash
from partnerships.tests.factories import AgencyFactory, PartnershipFactory, UserFactory
from reviews.models import ReviewComment, ReviewInvitation, ReviewRound
from strategy.models import GovernanceBody, IntendedOutcome, Measure, Priority, Section, StrategicAim, Strategy


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
    docx_file = factory.django.FileField(filename="export.docx", data=b"PK test document")
    page_count = 1


class ReviewRoundFactory(DjangoModelFactory):
    class Meta:
        model = ReviewRound

    strategy = factory.SubFactory(StrategyFactory)
    title = factory.Sequence(lambda n: f"Steering group review {n}")


class ReviewInvitationFactory(DjangoModelFactory):
    """A member's invitation; pass `token` for an outside reviewer with a personal link."""

    class Meta:
        model = ReviewInvitation

    class Params:
        token = None

    round = factory.SubFactory(ReviewRoundFactory)
    user = factory.LazyAttribute(lambda o: None if o.token else UserFactory())
    name = factory.LazyAttribute(lambda o: str(o.user) if o.user else "Outside reviewer")
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "reviewer@elsewhere.example")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token) if o.token else "")


class ReviewCommentFactory(DjangoModelFactory):
    class Meta:
        model = ReviewComment

    invitation = factory.SubFactory(ReviewInvitationFactory)
    text = factory.Faker("sentence", nb_words=12)


# Local data and the prevalence gap


class LocalDataPeriodFactory(DjangoModelFactory):
    class Meta:
        model = LocalDataPeriod

    partnership = factory.SubFactory(PartnershipFactory)
    label = factory.Sequence(lambda n: f"{2000 + n}–{(2001 + n) % 100:02d}")
    kind = "year"
    start_date = factory.Sequence(lambda n: date(2000 + n, 4, 1))
    end_date = factory.LazyAttribute(lambda o: date(o.start_date.year + 1, 3, 31))
    child_population_under_16 = 50000
    child_population_under_18 = 58000


class IdentificationFigureFactory(DjangoModelFactory):
    class Meta:
        model = IdentificationFigure

    period = factory.SubFactory(LocalDataPeriodFactory)
    measure = "plans"
    count = 100
    source_agency = factory.SubFactory(AgencyFactory, partnership=factory.SelfAttribute("..period.partnership"))


class IdentificationBreakdownFactory(DjangoModelFactory):
    class Meta:
        model = IdentificationBreakdown

    figure = factory.SubFactory(IdentificationFigureFactory)
    dimension = "gender"
    category = factory.Sequence(lambda n: f"Category {n}")
    count = 10


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


class MeasureDataPointFactory(DjangoModelFactory):
    class Meta:
        model = MeasureDataPoint

    measure = factory.SubFactory(MeasureFactory)
    period_label = factory.Sequence(lambda n: f"Q{n % 4 + 1} {2020 + n // 4}")
    period_end = factory.Sequence(lambda n: date(2020 + n // 4, 3 * (n % 4) + 3, 28))
    value = factory.Sequence(lambda n: 10 + n)
    entered_by = factory.SubFactory(UserFactory)
    entered_at = factory.LazyFunction(timezone.now)

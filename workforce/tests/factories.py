import datetime

import factory
from factory.django import DjangoModelFactory

from partnership_portal.tests.factories import PartnershipFactory
from workforce.models import TrainingNeedsAssessment


class TrainingNeedsAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = TrainingNeedsAssessment

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Training needs assessment {n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 6, 30)

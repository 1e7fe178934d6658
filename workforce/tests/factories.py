import datetime
import secrets

import factory
from factory.django import DjangoModelFactory

from partnerships.tests.factories import PartnershipFactory
from workforce.models import (
    Course,
    PracticeResource,
    StaffSurvey,
    SurveyQuestion,
    SurveyResponse,
    TrainingNeed,
    TrainingNeedsAssessment,
)


class TrainingNeedsAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = TrainingNeedsAssessment

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Training needs assessment {n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 6, 30)


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    assessment = factory.SubFactory(TrainingNeedsAssessmentFactory)
    name = factory.Sequence(lambda n: f"Course {n}")
    provider = "Partnership training team"
    delivery = Course.Delivery.MULTI_AGENCY
    focus = Course.Focus.SPECIFIC
    format = Course.Format.FACE_TO_FACE


class PracticeResourceFactory(DjangoModelFactory):
    class Meta:
        model = PracticeResource

    assessment = factory.SubFactory(TrainingNeedsAssessmentFactory)
    name = factory.Sequence(lambda n: f"Resource {n}")


class TrainingNeedFactory(DjangoModelFactory):
    class Meta:
        model = TrainingNeed

    assessment = factory.SubFactory(TrainingNeedsAssessmentFactory)
    topic = factory.Sequence(lambda n: f"Talking with children about sexual abuse {n}")


class StaffSurveyFactory(DjangoModelFactory):
    class Meta:
        model = StaffSurvey

    assessment = factory.SubFactory(TrainingNeedsAssessmentFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    is_open = True


class SurveyQuestionFactory(DjangoModelFactory):
    class Meta:
        model = SurveyQuestion

    survey = factory.SubFactory(StaffSurveyFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}")


class SurveyResponseFactory(DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(StaffSurveyFactory)
    role = "practitioner"
    submitted_on = datetime.date(2026, 3, 1)
    release_batch = 1

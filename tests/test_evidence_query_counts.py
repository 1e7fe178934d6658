"""The evidence pages answer in the same number of queries whatever the number of responses,
cases, findings, courses or needs."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.tests.factories import AuditCaseFactory, AuditFindingFactory
from partnerships.reference import load_reference_data
from workforce.models import CourseTakeUp, QuestionKind, SurveyAnswer, SurveyResponse
from workforce.services import survey_create
from workforce.tests.factories import CourseFactory, PracticeResourceFactory, TrainingNeedFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_responses(survey, agencies, n):
    questions = list(survey.questions.all())
    roles = ["practitioner", "manager", "senior_leader", "other"]
    responses = SurveyResponse.objects.bulk_create(
        SurveyResponse(survey=survey, agency=agencies[i % len(agencies)], role=roles[i % 4],
                       submitted_on=datetime.date(2026, 3, 1))
        for i in range(n)
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=r, question=q, rating=(i % 5) + 1 if q.kind == QuestionKind.LIKERT else None,
                     text="" if q.kind == QuestionKind.LIKERT else f"Answer {i}")
        for i, r in enumerate(responses) for q in questions
    )


def test_survey_results_at_10_and_1000_responses(world, client):
    side = world.own
    survey = survey_create(assessment=side.assessment, actor=side.users["manager"])
    client.force_login(side.users["scrutineer"])
    url = reverse("survey_results", kwargs={"slug": side.slug, "pk": side.assessment.pk})
    agencies = [side.lead_agency, side.other_agency, None]
    add_responses(survey, agencies, 10)
    small = count_queries(client, url)
    add_responses(survey, agencies, 990)
    assert SurveyResponse.objects.filter(survey=survey).count() == 1000
    large = count_queries(client, url)
    assert small == large, f"{small} queries at 10 responses, {large} at 1,000"
    assert small <= 15


def test_survey_export_at_10_and_1000_responses(world, client):
    side = world.own
    survey = survey_create(assessment=side.assessment, actor=side.users["manager"])
    client.force_login(side.users["manager"])
    url = reverse("survey_export", kwargs={"slug": side.slug, "pk": side.assessment.pk, "fmt": "xlsx"})
    add_responses(survey, [side.lead_agency], 10)
    small = count_queries(client, url)
    add_responses(survey, [side.lead_agency], 990)
    assert small == count_queries(client, url)


def grow_audit(side, n):
    for i in range(n):
        case = AuditCaseFactory(audit=side.audit)
        case.agencies_involved.add(side.lead_agency)
        finding = AuditFindingFactory(audit=side.audit, kind="strength" if i % 2 else "area")
        finding.agencies.add(side.other_agency)
        finding.actions.add(side.action)


@pytest.mark.parametrize("page", ["audit_detail", "audit_report"])
def test_audit_pages_do_not_grow_with_cases_and_findings(world, client, page):
    load_reference_data()
    side = world.own
    side.audit.agencies.add(side.lead_agency)
    client.force_login(side.users["member_lead"])
    url = reverse(page, kwargs={"slug": side.slug, "pk": side.audit.pk})
    grow_audit(side, 3)
    small = count_queries(client, url)
    grow_audit(side, 30)
    assert small == count_queries(client, url)


def grow_assessment(side, n):
    for _ in range(n):
        course = CourseFactory(assessment=side.assessment)
        course.audience_agencies.add(side.lead_agency)
        CourseTakeUp.objects.create(course=course, agency=side.lead_agency, places_offered=10, attended=5,
                                    workforce_size=100)
        PracticeResourceFactory(assessment=side.assessment)
        TrainingNeedFactory(assessment=side.assessment, agency=side.other_agency).actions.add(side.action)


def test_the_assessment_page_does_not_grow(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    url = reverse("assessment_detail", kwargs={"slug": side.slug, "pk": side.assessment.pk})
    grow_assessment(side, 3)
    small = count_queries(client, url)
    grow_assessment(side, 30)
    assert small == count_queries(client, url)


@pytest.mark.parametrize("page", ["audit_list", "assessment_list"])
def test_evidence_lists_do_not_grow(world, client, page):
    from audits.tests.factories import AuditFactory
    from workforce.tests.factories import TrainingNeedsAssessmentFactory

    side = world.own
    client.force_login(side.users["manager"])
    url = reverse(page, kwargs={"slug": side.slug})
    small = count_queries(client, url)
    for _ in range(20):
        AuditFactory(partnership=side.partnership).agencies.add(side.lead_agency)
        TrainingNeedsAssessmentFactory(partnership=side.partnership)
    assert small == count_queries(client, url)

"""The demo shows the evidence features, and loading it again adds nothing."""
import pytest
from django.core.management import call_command

from audits.models import AuditCase, AuditFinding
from workforce.models import Course, CourseTakeUp, PracticeResource, SurveyResponse, TrainingNeed
from workforce.selectors import survey_results

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (AuditCase, AuditFinding, Course, CourseTakeUp, PracticeResource,
                                         TrainingNeed, SurveyResponse)]


def test_load_demo_adds_the_evidence_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == [12, 9, 4, 10, 3, 5, 60]
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts() == [12, 9, 4, 10, 3, 5, 60]
    survey = SurveyResponse.objects.first().survey
    by_agency = next(t for t in survey_results(survey)["tables"] if t["title"] == "Responses by agency")
    # Small agencies are shown together with others, never alone below the threshold.
    assert any("(together)" in row[0] for row in by_agency["rows"])
    assert all(n == 0 or n >= 5 for _, n in by_agency["rows"])
    assert TrainingNeed.objects.filter(actions__isnull=True).exists()
    assert AuditFinding.objects.filter(kind="area", actions__isnull=False).exists()

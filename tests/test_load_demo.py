"""The demo partnership shows the drafting features, and loading it twice adds nothing."""
import pytest
from django.core.management import call_command

from impact.models import MeasureDataPoint
from partnerships.models import AffectedGroup, FormOfAbuse
from strategy.models import GovernanceBody, Measure, Priority, Section, Strategy


@pytest.mark.django_db
def test_the_demo_has_priorities_governance_measures_and_coverage():
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    strategy = Strategy.objects.get(partnership__slug="demo")
    assert strategy.priorities.count() == 5
    top = GovernanceBody.objects.get(strategy=strategy, reports_to=None)
    assert top.reporting_bodies.count() == 1 and top.member_agencies.count() == 3
    assert Measure.objects.filter(outcome__aim__strategy=strategy).values("outcome").distinct().count() >= 4
    assert strategy.forms_of_abuse.count() == FormOfAbuse.objects.count()
    assert 0 < strategy.affected_groups.count() < AffectedGroup.objects.count()
    assert list(strategy.sections.order_by("position").values_list("kind", flat=True)[:3]) == [
        "foreword", "content_warning", "template"]
    assert strategy.sections.filter(kind="extra", body__contains="|---|").exists()

    assert MeasureDataPoint.objects.filter(measure__outcome__aim__strategy=strategy).count() == 5

    counts = (Priority.objects.count(), GovernanceBody.objects.count(), Measure.objects.count(), Section.objects.count(),
              MeasureDataPoint.objects.count())
    call_command("load_demo", force=True, stdout=open("/dev/null", "w"))
    assert (Priority.objects.count(), GovernanceBody.objects.count(), Measure.objects.count(),
            Section.objects.count(), MeasureDataPoint.objects.count()) == counts

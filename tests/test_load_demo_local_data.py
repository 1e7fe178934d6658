"""The demo carries two years of local data, loaded once however often the command runs."""
import pytest
from django.core.management import call_command

from impact.models import IdentificationBreakdown, IdentificationFigure, LocalDataPeriod


@pytest.mark.django_db
def test_the_demo_loads_local_data_once(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert list(LocalDataPeriod.objects.filter(partnership__slug="demo").values_list("label", flat=True)) == [
        "2024–25", "2025–26",
    ]
    assert IdentificationFigure.objects.filter(period__partnership__slug="demo").count() == 10
    assert IdentificationBreakdown.objects.count() == 16

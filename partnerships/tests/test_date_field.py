import datetime

import pytest
from django import forms

from partnerships.forms import DateField


def test_an_impossible_date_gets_the_design_systems_message():
    with pytest.raises(forms.ValidationError) as error:
        DateField(require_all_fields=False).clean(["31", "4", "2026"])
    assert error.value.messages == ["The date must be a real date, for example 27 3 2026"]


def test_a_real_date_is_a_date():
    assert DateField(require_all_fields=False).clean(["29", "2", "2028"]) == datetime.date(2028, 2, 29)
    assert DateField(required=False, require_all_fields=False).clean(["", "", ""]) is None

"""Number, URL and date inputs take the GOV.UK input style, and its error style when they have an error."""
import re

from crispy_forms.utils import render_crispy_form
from django import forms

from partnerships.forms import PortalForm


class Sample(PortalForm):
    count = forms.IntegerField(label="How many")
    site = forms.URLField(label="Web address", assume_scheme="https")
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))


def _inputs(form):
    return {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="(\w+)"[^>]*>', render_crispy_form(form))}


def test_it_styles_number_url_and_date_inputs():
    inputs = _inputs(Sample())
    assert 'class="numberinput govuk-input govuk-input--width-5"' in inputs["count"]
    assert 'class="urlinput govuk-input"' in inputs["site"]
    assert "govuk-input" in inputs["day"] and "govuk-input--error" not in inputs["day"]


def test_it_shows_the_error_state_and_clears_it_when_put_right():
    form = Sample(data={"count": "many", "site": "not a site", "day": "2026-01-01"})
    assert not form.is_valid()
    inputs = _inputs(form)
    assert "govuk-input--error" in inputs["count"] and "govuk-input--error" in inputs["site"]
    assert "govuk-input--error" not in inputs["day"]
    form.add_error("day", "Pick a weekday.")
    assert "govuk-input--error" in _inputs(form)["day"]

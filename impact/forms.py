"""Forms for local data entry, the CSV import and the annual report's period."""
from django import forms

from partnerships.forms import DateField, PortalForm
from partnerships.models import Agency
from strategy.models import Measure

from .models import BreakdownDimension, IdentificationMeasure, PeriodKind, identification_measure_label


class LocalDataPeriodForm(PortalForm):
    label = forms.CharField(label="Name of the period", max_length=60, help_text="For example 2025–26, or April to June 2025.")
    kind = forms.ChoiceField(label="Quarter or year", choices=PeriodKind.choices, widget=forms.RadioSelect)
    start_date = DateField(label="First day")
    end_date = DateField(label="Last day")
    child_population_under_16 = forms.IntegerField(label="Children under 16 in the area (optional)", required=False,
                                                   min_value=0)
    child_population_under_18 = forms.IntegerField(label="Children under 18 in the area (optional)", required=False,
                                                   min_value=0)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be the same as or after the start date.")
        u16, u18 = data.get("child_population_under_16"), data.get("child_population_under_18")
        if u16 is not None and u18 is not None and u16 > u18:
            self.add_error("child_population_under_16", "Children under 16 cannot be more than children under 18.")
        return data


class IdentificationFigureForm(PortalForm):
    measure = forms.ChoiceField(label="What agencies identified", choices=IdentificationMeasure.choices,
                                widget=forms.RadioSelect)
    count = forms.IntegerField(label="Number identified", min_value=0)
    total = forms.IntegerField(
        label="All of this kind in the period (optional)", required=False, min_value=0,
        help_text="For example all contacts, so the page can show the share where sexual abuse was a factor.",
    )
    source_agency = forms.ModelChoiceField(label="Source agency", queryset=Agency.objects.none())
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_agency"].queryset = Agency.objects.filter(partnership=partnership)
        self.fields["measure"].choices = [
            (value, identification_measure_label(value, partnership.nation)) for value in IdentificationMeasure.values
        ]

    def clean(self):
        data = super().clean()
        count, total = data.get("count"), data.get("total")
        if count is not None and total is not None and count > total:
            self.add_error("count", f"The number identified ({count:,}) cannot be more than the total ({total:,}).")
        return data


class IdentificationBreakdownForm(PortalForm):
    dimension = forms.ChoiceField(label="Breakdown by", choices=BreakdownDimension.choices, widget=forms.RadioSelect)
    category = forms.CharField(label="Category", max_length=80, help_text="For example Female, 10–15 or White British.")
    count = forms.IntegerField(label="Number identified in this category", min_value=0)
    total = forms.IntegerField(label="All in this category (optional)", required=False, min_value=0)


class LocalDataImportForm(PortalForm):
    file = forms.FileField(label="CSV file", required=False)
    # The checked file comes back with the confirmation, so what is applied is exactly what was previewed.
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    MAX_BYTES = 1_000_000

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > self.MAX_BYTES:
                self.add_error("file", "The file must be smaller than 1 MB.")
                return data
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file must be a CSV file saved as UTF-8.")
        elif data.get("content"):
            data["text"] = data["content"]
        else:
            self.add_error("file", "Choose a CSV file.")
        return data


class ReportPeriodForm(PortalForm):
    start = DateField(label="From")
    end = DateField(label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be after its start.")
        return data


class ReportNarrativeForm(PortalForm):
    text = forms.CharField(
        label="Narrative", required=False, widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Opens the report, before the tables: the year in the partnership's own words. Write headings "
                  "with ##, lists with - or 1., and footnotes with [^1].",
    )


class DataPointForm(PortalForm):
    """A measure's value for one period (recording a period again corrects it)."""

    measure = forms.ModelChoiceField(queryset=Measure.objects.none(), empty_label=None)
    period_label = forms.CharField(label="Period", max_length=40, help_text="For example, 2025 to 2026 or Q1 2026.")
    period_end = forms.DateField(
        label="Period end date (YYYY-MM-DD)",
        help_text="A value already recorded for this date is corrected, not duplicated.",
    )
    value = forms.DecimalField(max_digits=14, decimal_places=2)
    note = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, measures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = measures
        self.fields["measure"].label_from_instance = lambda m: m.indicator[:120]

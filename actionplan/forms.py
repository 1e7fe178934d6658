from django import forms
from django.db.models import Q

from partnerships.forms import DateField, PortalForm
from partnerships.models import Agency, CoreComponent, Recommendation
from strategy.models import IntendedOutcome

from .models import ActionStatus


class OutcomeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.aim.number}.{obj.number} {obj.text[:90]}"


class ActionForm(PortalForm):
    outcome = OutcomeChoiceField(queryset=IntendedOutcome.objects.none(), label="Intended outcome it serves")
    text = forms.CharField(label="Action", widget=forms.Textarea(attrs={"rows": 4}))
    lead_agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    lead_name = forms.CharField(label="Named lead (optional)", required=False, max_length=200)
    supporting_agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Supporting agencies (optional)",
    )
    commencement_date = DateField(label="Commencement date (optional)", required=False, require_all_fields=False)
    completion_date = DateField(label="Completion date (optional)", required=False, require_all_fields=False)
    start_year = forms.IntegerField(
        label="Or: year of the strategy it starts (optional)", required=False, min_value=1, max_value=10,
        help_text="Use years when dates are not yet known, for example 1 for the first year.",
    )
    end_year = forms.IntegerField(label="Year of the strategy it ends (optional)", required=False, min_value=1, max_value=10)
    core_component = forms.ModelChoiceField(queryset=CoreComponent.objects.all(), required=False)
    recommendations = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label="National-review recommendations it answers",
    )
    measures_text = forms.CharField(
        label="Measures that matter (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        self.fields["outcome"].queryset = IntendedOutcome.objects.filter(aim__strategy=strategy).select_related("aim")
        # Archived agencies are not offered for new work, but an action keeps the ones it already names.
        named = [self.initial.get("lead_agency"), *(self.initial.get("supporting_agencies") or ())]
        kept = [getattr(a, "pk", a) for a in named if a]
        agencies = Agency.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=kept),
                                         partnership_id=strategy.partnership_id)
        self.fields["lead_agency"].queryset = agencies
        self.fields["supporting_agencies"].queryset = agencies

    def clean(self):
        data = super().clean()
        start, end = data.get("commencement_date"), data.get("completion_date")
        if start and end and end < start:
            self.add_error("completion_date", "The completion date must be the same as or after the commencement date.")
        sy, ey = data.get("start_year"), data.get("end_year")
        if sy and ey and ey < sy:
            self.add_error("end_year", "The end year must be the same as or after the start year.")
        for name in ("start_year", "end_year"):
            if data.get(name) and data[name] > self.strategy.years:
                self.add_error(name, f"The strategy runs for {self.strategy.years} years.")
        return data


class ActionUpdateForm(PortalForm):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    progress = forms.IntegerField(label="Progress (per cent)", min_value=0, max_value=100)
    narrative = forms.CharField(
        label="What has happened since the last update", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When you mark the action completed or cancelled, say what was achieved or why.",
    )
    evidence_url = forms.URLField(label="Link to evidence (optional)", required=False, max_length=500,
                                  assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        status, narrative = data.get("status"), (data.get("narrative") or "").strip()
        if status == ActionStatus.COMPLETED and not narrative:
            self.add_error("narrative", "Say what was achieved when you mark an action completed.")
        if status == ActionStatus.CANCELLED and not narrative:
            self.add_error("narrative", "Give a reason for cancelling the action.")
        return data


class ActionEditForm(ActionForm):
    """Every field of an action, for the business manager. Status rules are checked by the service."""

    reference = forms.CharField(max_length=20, help_text="For example 1.3. It must be unique in the plan.")
    status = forms.ChoiceField(choices=ActionStatus.choices)
    progress = forms.IntegerField(label="Progress (per cent)", min_value=0, max_value=100)
    completion_note = forms.CharField(
        label="Completion note", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the action is completed: what was achieved.",
    )
    cancellation_reason = forms.CharField(
        label="Reason for cancelling", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when the action is cancelled.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    field_order = ["reference", "outcome", "text"]


class ActionDeleteForm(PortalForm):
    confirm = forms.BooleanField(label="Yes, delete this action", required=True)


class PlanImportForm(PortalForm):
    file = forms.FileField(
        label="Spreadsheet (CSV or Excel)",
        help_text="Use the columns of the export: Strategic aim, Leadership, Action, Year, Intended outcome, Measures, "
                  "and optionally ID, Reference, Named lead, Status, Progress, Commencement date, Completion date.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return upload

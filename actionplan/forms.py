from django import forms
from django.conf import settings
from django.db.models import Q

from partnerships.forms import DateField, PortalForm
from partnerships.models import Agency, CoreComponent, Recommendation
from partnerships.uploads import EVIDENCE_KINDS, UploadValidator
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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by the field's validators."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "class": "govuk-file-upload", "accept": ".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg",
        }))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


EVIDENCE_HELP = "PDF, Word, Excel, PowerPoint, PNG or JPEG, up to 10 MB each, at most 5 files."


class ActionUpdateForm(PortalForm):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    progress = forms.IntegerField(label="Progress (per cent)", min_value=0, max_value=100)
    narrative = forms.CharField(
        label="What has happened since the last update", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When you mark the action completed or cancelled, say what was achieved or why.",
    )
    evidence_url = forms.URLField(label="Link to evidence (optional)", required=False, max_length=500,
                                  assume_scheme="https")
    files = MultipleFileField(label="Evidence files (optional)", required=False, help_text=EVIDENCE_HELP,
                              validators=[UploadValidator(kinds=EVIDENCE_KINDS)])
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
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be smaller than {settings.IMPORT_MAX_BYTES / (1024 * 1024):.0f} MB."
            )
        return upload


class MeetingForm(PortalForm):
    date = DateField(label="Date of the steering group meeting", help_text="For example 27 3 2027")


class RoundSettingsForm(PortalForm):
    updates_due_days = forms.IntegerField(
        label="Updates are due this many days before each meeting", min_value=0, max_value=90,
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )


class UpdateRequestForm(PortalForm):
    """Choose actions, or whole agencies, whose leads are asked for an update."""

    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Every open action of these agencies",
    )
    actions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Or these actions",
    )
    message = forms.CharField(label="Message (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="Added to the email.")

    def __init__(self, *args, actions, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions
        self.fields["actions"].label_from_instance = (
            lambda a: f"{a.reference} {a.text[:90]} ({a.lead_agency.label})"
        )
        self.fields["agencies"].queryset = agencies
        self.make_helper()

    def clean(self):
        data = super().clean()
        chosen = {a.pk: a for a in data.get("actions") or []}
        agency_ids = {a.pk for a in data.get("agencies") or []}
        if agency_ids:
            for action in self.fields["actions"].queryset:
                if action.lead_agency_id in agency_ids:
                    chosen.setdefault(action.pk, action)
        if not self.errors and not chosen:
            self.add_error("actions", "Choose the actions, or an agency, to ask for an update")
        data["chosen"] = list(chosen.values())
        return data


class ConfirmForm(PortalForm):
    confirm = forms.BooleanField(label="Yes, remove this meeting", required=True)


class DateChangeProposeForm(PortalForm):
    proposed_date = DateField(label="New completion date", help_text="For example, 31 3 2027.")
    reason = forms.CharField(
        label="Why the action needs a new date", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The business manager reads this when deciding.",
    )


class DateChangeDecideForm(PortalForm):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept the new date"), ("reject", "Reject it: the original date stands")],
        widget=forms.RadioSelect, label="Your decision",
    )
    decision_note = forms.CharField(
        label="Note to the owner (needed when you reject)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("decision_note") or "").strip():
            self.add_error("decision_note", "Say why the new date is not accepted.")
        return data


class StatusMeaningsForm(PortalForm):
    """One box per status: what it means in this partnership. An empty box uses the default wording."""

    def __init__(self, *args, meanings, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label, meaning in meanings:
            self.fields[value] = forms.CharField(
                label=label, required=False, max_length=300, initial=meaning,
                widget=forms.Textarea(attrs={"rows": 2}),
            )


class ActionCommentForm(PortalForm):
    """A comment on an action, and who to tell about it."""

    text = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text="You can use Markdown: **bold**, lists and links. Write @ and a member's full name to tell them.",
    )
    mention = forms.ModelMultipleChoiceField(
        label="Let people know (optional)", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="They get a notification. Only members who can see this action are listed.",
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        from partnerships.models import User

        self.fields["mention"].queryset = User.objects.filter(pk__in=[m.user_id for m in members])
        self.fields["mention"].choices = [
            (m.user_id, f"{m.user.full_name or m.user.email} ({m.agency.name if m.agency_id else m.get_role_display()})")
            for m in members
        ]
        self.make_helper()

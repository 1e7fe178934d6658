from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.utils.html import conditional_escape

from partnerships.forms import DateField, PortalForm, PortalModelForm
from partnerships.models import Agency, FormOfAbuse
from strategy.models import Strategy

from .models import (
    LIKERT_CHOICES,
    Course,
    PracticeResource,
    QuestionKind,
    QuestionTheme,
    RespondentRole,
    TrainingNeed,
    TrainingNeedsAssessment,
)


class AssessmentForm(PortalModelForm):
    period_start = DateField(label="Start of the period")
    period_end = DateField(label="End of the period")

    class Meta:
        model = TrainingNeedsAssessment
        fields = ["title", "period_start", "period_end", "status", "strategy", "summary"]
        labels = {"strategy": "Strategy it informs (optional)", "summary": "Summary of what it found (optional)"}
        widgets = {"status": forms.RadioSelect, "summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = Strategy.objects.filter(partnership=partnership).order_by("-period_start")
        self.fields["strategy"].required = False

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be the same as or after its start.")
        return data


class CourseForm(PortalModelForm):
    class Meta:
        model = Course
        fields = ["name", "provider", "delivery", "focus", "forms_of_abuse", "stage", "frequency", "format",
                  "audience_agencies", "audience_roles", "audience_levels", "evaluates_reaction",
                  "evaluates_learning", "evaluates_behaviour", "evaluates_impact"]
        labels = {
            "name": "Course or programme", "delivery": "Single- or multi-agency", "focus": "Focus",
            "forms_of_abuse": "Forms of child sexual abuse it covers", "stage": "When in a career",
            "frequency": "How often it runs (optional)", "audience_agencies": "Agencies it is for",
            "audience_roles": "Roles it is for (optional)", "audience_levels": "Levels it is for (optional)",
            "evaluates_reaction": "Evaluated for reaction (did people find it useful?)",
            "evaluates_learning": "Evaluated for learning (did knowledge and skill improve?)",
            "evaluates_behaviour": "Evaluated for behaviour (did practice change?)",
            "evaluates_impact": "Evaluated for impact (did it make a difference to children and families?)",
        }
        widgets = {
            "delivery": forms.RadioSelect, "focus": forms.RadioSelect, "stage": forms.RadioSelect,
            "forms_of_abuse": forms.CheckboxSelectMultiple, "audience_agencies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forms_of_abuse"].queryset = FormOfAbuse.objects.order_by("number")
        self.fields["audience_agencies"].queryset = Agency.objects.filter(partnership=partnership).order_by("name")


class TakeUpForm(PortalForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    places_offered = forms.IntegerField(min_value=0, label="Places offered")
    attended = forms.IntegerField(min_value=0, label="Places taken up (attended)")
    workforce_size = forms.IntegerField(min_value=1, label="Size of the agency's workforce the course is meant for")

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("attended") is not None and data.get("places_offered") is not None:
            if data["attended"] > data["places_offered"]:
                self.add_error("attended", "Attendance cannot be more than the places offered.")
        return data


class QuestionForm(PortalForm):
    text = forms.CharField(label="Question", max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label="How it is answered", choices=QuestionKind.choices, widget=forms.RadioSelect)
    theme = forms.ChoiceField(
        choices=QuestionTheme.choices, initial=QuestionTheme.OTHER,
        help_text="Knowledge and confidence questions are compared in the results.",
    )


class ResourceForm(PortalModelForm):
    last_reviewed = DateField(label="Last reviewed or updated (optional)", required=False,
                                   require_all_fields=False)

    class Meta:
        model = PracticeResource
        fields = ["name", "owner", "accessible_to_all_agencies", "usable_under_time_pressure",
                  "aligned_with_current_guidance", "inclusive_of_all_forms", "translated_or_adapted",
                  "embedded_in_procedures", "last_reviewed", "notes"]
        labels = {
            "name": "Resource", "owner": "Owner or publisher (optional)",
            "accessible_to_all_agencies": "Is it easy to get hold of in every agency?",
            "usable_under_time_pressure": "Can frontline staff use it quickly, under time pressure?",
            "aligned_with_current_guidance": "Does it reflect current national guidance and learning from reviews?",
            "inclusive_of_all_forms": "Does it cover all forms of child sexual abuse?",
            "translated_or_adapted": "Are translated or culturally adapted versions available?",
            "embedded_in_procedures": "Is it built into local procedures, training and supervision?",
            "notes": "Notes, including what practitioners say is missing (optional)",
        }
        widgets = {name: forms.RadioSelect for name, _ in PracticeResource.CHECKS} | {
            "notes": forms.Textarea(attrs={"rows": 3})}


class NeedForm(PortalModelForm):
    class Meta:
        model = TrainingNeed
        fields = ["topic", "agency", "role", "priority", "description", "actions"]
        labels = {"agency": "Agency (optional)", "role": "Roles (optional)", "description": "Evidence (optional)",
                  "actions": "Actions in the plan that meet it"}
        widgets = {"priority": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3}),
                   "actions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, partnership, visible_actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(partnership=partnership).order_by("name")
        self.fields["actions"].queryset = visible_actions.select_related("strategy").order_by(
            "strategy__period_start", "reference")
        self.fields["actions"].label_from_instance = lambda a: f"{a.reference} {a.text[:100]} ({a.strategy.period_label})"


class SurveyResponseForm(PortalForm):
    """The anonymous staff survey. Every question may be skipped; only agency and role are asked for."""

    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, questions, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        # crispy-forms-gds writes labels and hints with |safe: everything typed by people is escaped here
        # (conditional_escape gives safe strings, so nothing is escaped twice).
        agency_choices = [(str(a.pk), conditional_escape(a.name)) for a in agencies] + [("", "Another organisation, or I prefer not to say")]
        self.fields["agency"] = forms.ChoiceField(
            label="Which organisation do you work for?", choices=agency_choices, required=False,
            widget=forms.RadioSelect,
        )
        self.fields["role"] = forms.ChoiceField(label="Which best describes your role?", choices=RespondentRole.choices,
                                                widget=forms.RadioSelect)
        self._agencies = {str(a.pk): a for a in agencies}
        for q in questions:
            if q.kind == QuestionKind.LIKERT:
                self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                    label=conditional_escape(q.text), choices=LIKERT_CHOICES, coerce=int, required=False, widget=forms.RadioSelect,
                    empty_value=None,
                )
            else:
                self.fields[f"q{q.pk}"] = forms.CharField(
                    label=conditional_escape(q.text), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Please do not name anyone.",
                )
        self.order_fields(["agency", "role"])
        self.make_helper()
        # Five small radios in a row keep a long survey short to scroll through.
        self.helper.layout = Layout(*[
            Field.radios(name, legend_size=Size.SMALL, small=True, inline=True)
            if name.startswith("q") and isinstance(field, forms.TypedChoiceField) else name
            for name, field in self.fields.items()
        ])

    def answers(self):
        return {q: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}

    def agency(self):
        return self._agencies.get(self.cleaned_data.get("agency") or "")

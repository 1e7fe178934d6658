from django import forms

from partnerships.forms import PortalForm, PortalModelForm
from partnerships.models import AffectedGroup, FormOfAbuse

from .models import (
    GovernanceBody,
    Measure,
    PracticePrinciple,
    Priority,
    StrategicAim,
    Strategy,
    StrategyMeasure,
    VisionPlacement,
)


class StrategyForm(PortalModelForm):
    markdown_fields = ("vision",)

    class Meta:
        model = Strategy
        fields = ["title", "period_start", "period_end", "vision", "strapline", "version_label"]
        labels = {"period_start": "First year", "period_end": "Last year", "version_label": "Version"}
        help_texts = {
            "vision": "One or two sentences all partners have agreed on.",
            "strapline": "A short line for the cover, for example a slogan the partnership uses.",
        }
        widgets = {"vision": forms.Textarea(attrs={"rows": 4})}

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The last year must be the same as or after the first year.")
        return data


class SectionForm(PortalForm):
    title = forms.CharField(max_length=200)
    body = forms.CharField(
        label="Text", required=False, widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Write in Markdown: # for headings, - for lists, [text](address) for links, | for tables.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    markdown_fields = ("body",)


class AimForm(PortalModelForm):
    markdown_fields = ("what_this_means", "what_we_want_to_see")

    class Meta:
        model = StrategicAim
        fields = ["title", "sub_aims", "what_this_means", "what_we_want_to_see", "forms_of_abuse", "affected_groups"]
        labels = {
            "title": "Aim",
            "sub_aims": "The parts of this aim (optional)",
            "forms_of_abuse": "Forms of child sexual abuse this aim takes up (optional)",
            "affected_groups": "People affected that this aim responds to (optional)",
        }
        help_texts = {
            "sub_aims": ("For an aim written as a list: one part a line, each starting with a hyphen (-). "
                         "An aim written this way needs no intended outcomes."),
            "what_we_want_to_see": "To write a list, start each line with a hyphen (-).",
        }
        widgets = {
            "sub_aims": forms.Textarea(attrs={"rows": 4}),
            "what_this_means": forms.Textarea(attrs={"rows": 4}),
            "what_we_want_to_see": forms.Textarea(attrs={"rows": 4}),
            "forms_of_abuse": forms.CheckboxSelectMultiple,
            "affected_groups": forms.CheckboxSelectMultiple,
        }


class OutcomeForm(PortalForm):
    text = forms.CharField(label="Intended outcome", widget=forms.Textarea(attrs={"rows": 3}))


class SectionCreateForm(PortalForm):
    title = forms.CharField(max_length=200, label="Heading", help_text="For example: Voice of the child, Our journey so far.")
    body = SectionForm.base_fields["body"]

    markdown_fields = ("body",)


class PriorityForm(PortalModelForm):
    markdown_fields = ("what_this_means",)

    class Meta:
        model = Priority
        fields = ["title", "what_this_means"]
        labels = {"title": "Priority or commitment", "what_this_means": "What this means"}
        help_texts = {"title": ("A name all partners will recognise, for example “Notice and name”. "
                                "A whole sentence is fine: it is kept as written.")}
        widgets = {"title": forms.Textarea(attrs={"rows": 2}), "what_this_means": forms.Textarea(attrs={"rows": 4})}


class CommitmentForm(PortalForm):
    text = forms.CharField(
        label="We will", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partners will do, as it reads after “We will”, for example “train every "
                  "designated safeguarding lead in talking to children”.",
    )


class PrincipleForm(PortalModelForm):
    class Meta:
        model = PracticePrinciple
        fields = ["name", "description"]
        labels = {"name": "Principle or value", "description": "What it means in practice"}
        help_texts = {"description": "Write in Markdown; to write a list, start each line with a hyphen (-)."}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class GovernanceBodyForm(PortalModelForm):
    markdown_fields = ("purpose",)

    class Meta:
        model = GovernanceBody
        fields = ["name", "kind", "chair", "reports_to", "member_agencies", "meeting_frequency", "purpose"]
        labels = {"kind": "Type of body", "reports_to": "Reports to", "purpose": "Purpose and responsibilities"}
        widgets = {
            "member_agencies": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = strategy.governance_bodies.order_by("name")
        if self.instance.pk:
            bodies = bodies.exclude(pk=self.instance.pk)
        self.fields["reports_to"].queryset = bodies
        self.fields["reports_to"].empty_label = "No one (this is the top body)"
        self.fields["member_agencies"].queryset = strategy.partnership.agencies.order_by("name")


class MeasureForm(PortalModelForm):
    class Meta:
        model = Measure
        fields = ["indicator", "data_source", "collection", "collated_by", "frequency", "baseline", "target"]
        labels = {"indicator": "Indicator"}
        help_texts = {
            "indicator": "What will be counted or asked, for example “children who say they felt listened to”.",
            "baseline": "Where things stand now, with the date of the figure.",
        }
        widgets = {"indicator": forms.Textarea(attrs={"rows": 3})}


class StrategyMeasureForm(MeasureForm):
    class Meta(MeasureForm.Meta):
        model = StrategyMeasure
        help_texts = {
            **MeasureForm.Meta.help_texts,
            "indicator": "How the success of the strategy as a whole will be measured, for example “more "
                         "children are identified as sexually abused, closer to the estimated prevalence”.",
        }


class CoverageForm(PortalForm):
    forms_of_abuse = forms.ModelMultipleChoiceField(
        queryset=FormOfAbuse.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Forms of child sexual abuse the strategy addresses",
    )
    affected_groups = forms.ModelMultipleChoiceField(
        queryset=AffectedGroup.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
        label="People affected by child sexual abuse the strategy responds to",
    )


class MoveForm(PortalForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down"), ("to", "To position")])
    position = forms.IntegerField(required=False, min_value=1, max_value=999)

    def clean(self):
        data = super().clean()
        if data.get("direction") == "to" and not data.get("position"):
            self.add_error("position", "Choose the position to move it to")
        return data


class DocumentPartForm(forms.Form):
    """Leave a section or annex out of the document (with the reason), or put it back."""

    part = forms.CharField(max_length=60)
    do = forms.ChoiceField(choices=[("omit", "Leave out"), ("include", "Put back")])
    reason = forms.CharField(required=False, max_length=2000)


class DocumentLayoutForm(PortalForm):
    numbered_sections = forms.BooleanField(
        label="Number the sections", required=False,
        help_text="Print a number before each section's heading, as 1, 2, 3.")
    vision_placement = forms.ChoiceField(
        label="Where the vision prints", choices=VisionPlacement.choices, widget=forms.RadioSelect)

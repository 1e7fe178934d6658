from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms
from django.utils import timezone

from partnerships.forms import DateField, PortalForm
from partnerships.models import Membership
from strategy.models import Section, StrategyStatus

from .models import ReviewRating


class ReviewRoundForm(PortalForm):
    title = forms.CharField(max_length=200, help_text="For example “Steering group review, March 2026”.")
    message = forms.CharField(
        label="Message to reviewers (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you would like reviewers to look at in particular.",
    )
    respond_by = DateField(label="Respond by (optional)", required=False, require_all_fields=False)

    def clean_respond_by(self):
        respond_by = self.cleaned_data.get("respond_by")
        if respond_by and respond_by < timezone.localdate():
            raise forms.ValidationError("The date to respond by must be today or in the future.")
        return respond_by


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user} – {obj.agency.name if obj.agency else ''}"


class InviteMembersForm(PortalForm):
    members = MemberChoiceField(
        queryset=Membership.objects.none(), widget=forms.CheckboxSelectMultiple,
        label="Steering group members", help_text="They will see the round on their home page and answer while signed in.",
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members


class InviteOutsideForm(PortalForm):
    name = forms.CharField(max_length=200)
    email = forms.EmailField(label="Email address", help_text="We send a personal link; no account is needed.")
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)


class ReviewResponseForm(PortalForm):
    """One rating and one comment per criterion for success."""

    def __init__(self, *args, criteria, ratings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        existing = {r.criterion_id: r for r in (ratings or [])}
        for criterion in self.criteria:
            current = existing.get(criterion.pk)
            self.fields[criterion.code] = forms.ChoiceField(
                label=f"{criterion.number}. {criterion.name}", help_text=criterion.description,
                choices=ReviewRating.Rating.choices, widget=forms.RadioSelect,
                initial=current.rating if current else None,
                error_messages={"required": f"Choose a rating for {criterion.name.lower()}."},
            )
            self.fields[f"{criterion.code}_comment"] = forms.CharField(
                label=f"Comments on {criterion.name.lower()} (optional)", required=False,
                widget=forms.Textarea(attrs={"rows": 3}), initial=current.comment if current else "",
            )
        self.helper.layout = Layout(*(
            Fieldset(
                Field.radios(c.code, legend_size=Size.SMALL, small=True, inline=True),
                Field.textarea(f"{c.code}_comment", rows=3),
            )
            for c in self.criteria
        ))

    def ratings(self):
        return {
            c.code: (self.cleaned_data[c.code], self.cleaned_data.get(f"{c.code}_comment", "").strip())
            for c in self.criteria
        }


class ReviewCommentForm(PortalForm):
    section = forms.ModelChoiceField(
        queryset=Section.objects.none(), required=False, empty_label="The draft as a whole",
        label="What your comment is about",
    )
    text = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.filter(strategy=strategy).order_by("position", "id")


class ResolveCommentForm(PortalForm):
    note = forms.CharField(label="What was done (optional)", required=False, max_length=2000)


class TransitionForm(PortalForm):
    """The dates a move to `target` needs; the service checks them again."""

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        if target == StrategyStatus.APPROVED:
            self.fields["date_agreed"] = DateField(label="Date agreed", require_all_fields=False)
            self.fields["agreed_by"] = forms.CharField(
                label="Agreed by", max_length=200, help_text="The body that agreed the strategy, for example the partnership executive.",
            )
        elif target == StrategyStatus.PUBLISHED:
            self.fields["date_launched"] = DateField(label="Launch date", require_all_fields=False)
            self.fields["next_review_date"] = DateField(label="Date of the next review", require_all_fields=False)


class NewVersionForm(PortalForm):
    version_label = forms.CharField(label="Version of the new draft", max_length=40)
    title = forms.CharField(max_length=200)

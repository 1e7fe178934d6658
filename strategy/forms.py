from django import forms

from partnership_portal.forms import PortalForm, PortalModelForm

from .models import Section, StrategicAim, Strategy


class StrategyForm(PortalModelForm):
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


class AimForm(PortalModelForm):
    class Meta:
        model = StrategicAim
        fields = ["title", "what_this_means", "what_we_want_to_see"]
        labels = {"title": "Aim"}
        widgets = {
            "what_this_means": forms.Textarea(attrs={"rows": 4}),
            "what_we_want_to_see": forms.Textarea(attrs={"rows": 4}),
        }


class OutcomeForm(PortalForm):
    text = forms.CharField(label="Intended outcome", widget=forms.Textarea(attrs={"rows": 3}))

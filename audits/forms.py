from django import forms

from partnerships.forms import DateField, PortalModelForm
from partnerships.models import Agency, FormOfAbuse, Recommendation
from strategy.models import Strategy

from .models import Audit, AuditCase, AuditFinding
from .pseudonymisation import REFERENCE_HELP, free_text_warnings

CONFIRM_LABEL = "I have checked: this text does not identify a child, a family member or a member of staff"


class IdentifierWarningMixin:
    """Free-text fields that seem to hold a name, date of birth, NHS number or address need a second look:
    the form stops once with a warning beside the field, and saves when the author confirms."""

    warn_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm_no_identifiers"] = forms.BooleanField(required=False, label=CONFIRM_LABEL)
        self.make_helper()

    def clean(self):
        data = super().clean()
        if data.get("confirm_no_identifiers"):
            return data
        for name in self.warn_fields:
            kinds = free_text_warnings(data.get(name, ""))
            if kinds:
                self.add_error(name, (
                    f"This may contain {' and '.join(kinds)}. Remove anything that could identify someone, "
                    "or tick the box to confirm it does not."
                ))
        return data


def _agencies(partnership):
    return Agency.objects.filter(partnership=partnership).order_by("name")


class AuditForm(PortalModelForm):
    audit_date = DateField(label="Date of the audit (optional)", required=False, require_all_fields=False)

    class Meta:
        model = Audit
        fields = ["title", "theme", "audit_date", "method", "lead", "agencies", "status", "strategy"]
        labels = {"lead": "Lead (optional)", "agencies": "Agencies taking part", "strategy": "Strategy it informs"}
        widgets = {
            "method": forms.Textarea(attrs={"rows": 4}),
            "agencies": forms.CheckboxSelectMultiple,
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies(partnership)
        self.fields["strategy"].queryset = Strategy.objects.filter(partnership=partnership).order_by("-period_start")
        self.fields["strategy"].required = False


class CaseForm(IdentifierWarningMixin, PortalModelForm):
    warn_fields = ("notes",)

    class Meta:
        model = AuditCase
        fields = ["reference", "age_band", "gender", "ethnicity_group", "disability", "forms_of_abuse",
                  "agencies_involved", "notes"]
        labels = {"reference": "Case reference", "forms_of_abuse": "Forms of child sexual abuse",
                  "notes": "Notes (optional)"}
        help_texts = {"reference": REFERENCE_HELP,
                      "notes": "Describe practice, not people: no names, dates of birth, addresses or NHS numbers."}
        widgets = {
            "forms_of_abuse": forms.CheckboxSelectMultiple, "agencies_involved": forms.CheckboxSelectMultiple,
            "disability": forms.RadioSelect, "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forms_of_abuse"].queryset = FormOfAbuse.objects.order_by("number")
        self.fields["agencies_involved"].queryset = _agencies(audit.partnership_id)


class FindingForm(IdentifierWarningMixin, PortalModelForm):
    warn_fields = ("text",)

    class Meta:
        model = AuditFinding
        fields = ["kind", "theme", "text", "agencies", "recommendation"]
        labels = {"kind": "Type of finding", "theme": "Theme (optional)", "agencies": "Agencies it concerns",
                  "recommendation": "National-review recommendation it relates to (optional)"}
        widgets = {"kind": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4}),
                   "agencies": forms.CheckboxSelectMultiple}

    def __init__(self, *args, audit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies(audit.partnership_id)
        self.fields["recommendation"].queryset = Recommendation.objects.order_by("number")

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

_DEFAULT_REQUIRED = str(forms.Field.default_error_messages["required"])


def _name_required_messages(form):
    """Replace "This field is required." with a message that names the field, as the error summary lists
    messages without their labels: "Enter the title", "Select the lead agency"."""
    for name, field in form.fields.items():
        if str(field.error_messages.get("required", "")) != _DEFAULT_REQUIRED:
            continue
        label = str(field.label or name.replace("_", " ")).split(" (")[0].strip().rstrip(":")
        if not label:
            continue
        choosing = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField))
        field.error_messages["required"] = f"{'Select' if choosing else 'Enter'} {label[0].lower() + label[1:]}"


# Input types the GOV.UK template pack leaves as unstyled browser boxes (it styles text inputs only).
_PLAIN_INPUT_TYPES = {"number": "govuk-input--width-5", "url": "", "date": "govuk-input--width-10", "email": "",
                      "tel": "govuk-input--width-20", "time": "govuk-input--width-5"}


def _style_inputs(form):
    """Give number, URL, date and similar inputs the GOV.UK input style, and the error style when they have
    an error (the template pack does both for text inputs only)."""
    for name, field in form.fields.items():
        widget = field.widget
        width = _PLAIN_INPUT_TYPES.get(getattr(widget, "input_type", None))
        if width is None:
            continue
        classes = [c for c in widget.attrs.get("class", "").split() if c != "govuk-input--error"]
        if "govuk-input" not in classes:
            classes.insert(0, "govuk-input")
            if width and not any(c.startswith("govuk-input--width") for c in classes):
                classes.append(width)
        if name in (getattr(form, "_errors", None) or {}):
            classes.append("govuk-input--error")
        widget.attrs["class"] = " ".join(classes)


class PortalFormMixin:
    """GOV.UK Design System rendering for every form: labels, hints, errors beside fields, error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.make_helper()

    def add_error(self, field, error):
        super().add_error(field, error)
        _style_inputs(self)

    def make_helper(self):
        """(Re)build the crispy layout; call again after adding fields in a subclass's __init__."""
        _style_inputs(self)
        _name_required_messages(self)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.legend_size = Size.SMALL


class PortalForm(PortalFormMixin, forms.Form):
    pass


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    pass


def apply_validation_error(form, error):
    """Show a service's ValidationError on the form, next to each field it names."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class AuditLogFilterForm(PortalForm):
    """Filters for the audit log page; every field is optional."""

    kind = forms.ChoiceField(label="Kind of event", required=False)
    verb = forms.CharField(label="Event name contains", required=False, max_length=80)
    actor = forms.ModelChoiceField(label="Person", required=False, queryset=None, empty_label="Anyone")
    date_from = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    date_to = forms.DateField(label="To (YYYY-MM-DD)", required=False)

    def __init__(self, *args, partnership, **kwargs):
        from django.contrib.auth import get_user_model

        from .models import AuditEvent

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any"), *AuditEvent.Kind.choices]
        self.fields["actor"].queryset = get_user_model().objects.filter(memberships__partnership=partnership)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return data


class TwoFactorCodeForm(PortalForm):
    """One code: the 6 digits an authenticator app shows, or (when signing in) a recovery code."""

    code = forms.CharField(label="Code", max_length=20, error_messages={"required": "Enter the code"})

    def __init__(self, *args, recovery=False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"})
        if recovery:
            field.help_text = "The 6-digit code your authenticator app shows, or one of your recovery codes."
        else:
            field.help_text = "The 6-digit code your authenticator app shows now."
            field.widget.attrs["inputmode"] = "numeric"
        self.make_helper()


class TwoFactorRequirementForm(PortalForm):
    require_two_factor = forms.BooleanField(
        label="Require two-step verification of business managers and independent scrutineers",
        required=False,
        help_text="Those who have not set it up are signed out now and asked to set it up when they next sign in.",
    )


class DateField(DateInputField):
    """The GOV.UK day, month and year date field, with the Design System's message for a date that
    does not exist (31 April, 29 February in a common year) instead of Python's."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(
                "The date must be a real date, for example 27 3 2026", code="invalid_date"
            ) from None


class QueuedPasswordResetForm(PasswordResetForm):
    """The password-reset request: the same work for every address (one task queued, no account looked up in
    the request), so that the answer's timing does not reveal whether someone has an account."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        from .tasks import send_password_reset
        from .tasks_support import enqueue

        domain = domain_override or (request.get_host() if request is not None else "")
        transaction.on_commit(lambda: enqueue(send_password_reset, self.cleaned_data["email"], domain, use_https))


class AgencyForm(PortalForm):
    """Add or rename a member agency and mark it as a statutory partner."""

    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the agency's name"})
    short_name = forms.CharField(label="Short name (optional)", max_length=40, required=False,
                                 help_text="Shown in tables where space is short, for example “Police”.")
    sector = forms.ChoiceField(label="Sector", choices=[], error_messages={"required": "Select the sector"})
    is_statutory_partner = forms.BooleanField(
        label="This agency is a statutory safeguarding partner", required=False,
        help_text="The local authority, the police and the integrated care board (health).",
    )

    def __init__(self, *args, **kwargs):
        from .models import Sector

        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "Select a sector"), *Sector.choices]
        self.make_helper()


def _role_choices():
    from .models import Role

    return [("", "Select a role"), *Role.choices]


def _agency_field(partnership, current=None):
    from django.db.models import Q

    from .models import Agency

    keep = Q(pk=current.pk) if current is not None else Q(pk__in=[])
    return forms.ModelChoiceField(
        label="Agency", required=False, empty_label="No agency",
        queryset=Agency.objects.filter(Q(archived_at__isnull=True) | keep, partnership=partnership).order_by("name"),
        help_text="The agency the person represents. Required for a steering group member, who updates that "
                  "agency's actions and receives its reminders.",
    )


class InvitationForm(PortalForm):
    """Invite a person to the partnership by email, with a role and an agency."""

    email = forms.CharField(label="Email address", max_length=254,
                            help_text="Their work address. The invitation link is sent there.",
                            widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
                            error_messages={"required": "Enter their email address"})
    role = forms.ChoiceField(label="Role", choices=[], error_messages={"required": "Select a role"})

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        self.fields["agency"] = _agency_field(partnership)
        self.make_helper()

    def clean_email(self):
        from django.core.validators import validate_email

        email = self.cleaned_data["email"].strip()
        try:
            validate_email(email)
        except forms.ValidationError:
            raise forms.ValidationError("Enter an email address in the correct format, like name@example.org") from None
        return email


class MembershipForm(PortalForm):
    """Change a person's role or agency."""

    role = forms.ChoiceField(label="Role", choices=[], error_messages={"required": "Select a role"})

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices()
        self.fields["agency"] = _agency_field(membership.partnership, membership.agency)
        self.make_helper()


class AcceptInvitationForm(PortalForm):
    """Set up an account from an invitation: a name and a password."""

    full_name = forms.CharField(label="Full name", max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}),
                                error_messages={"required": "Enter your full name"})
    password = forms.CharField(
        label="Create a password", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. A few words you will remember is a good password.",
        error_messages={"required": "Enter a password"},
    )
    password_again = forms.CharField(
        label="Enter the password again", strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The passwords do not match. Enter the same password twice")
        return data

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms


class PortalFormMixin:
    """GOV.UK Design System rendering for every form: labels, hints, errors beside fields, error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.make_helper()

    def make_helper(self):
        """(Re)build the crispy layout; call again after adding fields in a subclass's __init__."""
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

"""The one way a form page saves: `save_form` runs a service with a valid form's data and shows its refusals
beside the fields. Also the evidence apps' generic form page and delete confirmation."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from .forms import apply_validation_error

# Fields a form uses for itself, never passed to a service.
FORM_ONLY_FIELDS = ("confirm_no_identifiers",)


def form_page(request, form, *, title, caption, submit, cancel_url, intro=""):
    """Render `form` on the shared page with error summary, caption, one h1, submit and cancel."""
    return render(request, "includes/evidence_form.html", {
        "form": form, "title": title, "caption": caption, "submit": submit, "cancel_url": cancel_url, "intro": intro,
    })


def save_form(request, form, write, success=None):
    """On a valid POST run `write(data)` and flash `success` (a string, a function of the saved object, or
    None for no message).

    Returns what `write` returned (True when that was None), or None when the form is to be shown again —
    with a service's ValidationError beside the fields it names.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        obj = write({k: v for k, v in form.cleaned_data.items() if k not in FORM_ONLY_FIELDS})
    except ValidationError as error:
        apply_validation_error(form, error)
        return None
    if success is not None:
        messages.success(request, success(obj) if callable(success) else success)
    return True if obj is None else obj


def confirm_delete(request, *, title, caption, warning, submit, cancel_url, delete, done_url, done_message):
    """A confirmation page on GET; the deletion on POST."""
    if request.method == "POST":
        delete()
        messages.success(request, done_message)
        return redirect(done_url)
    return render(request, "includes/evidence_delete.html", {
        "title": title, "caption": caption, "warning": warning, "submit": submit, "cancel_url": cancel_url,
    })

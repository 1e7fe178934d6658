"""The rows of the two long action tables (the action plan and "My agency's actions"), built in Python.

A plan of 2,000 actions spent most of its time in the template engine: an include, a dozen variable
lookups and filters per row. These tags write the same markup from values read once, escaping every
text as the template would (Django's `escape` is the standard library's, made lazy; the plain one is
used here for speed, with the same output). The rows are built on each request from the actions just read, so they are
never older than the database. `tests/test_action_rows.py` holds them to the templates they replaced.
"""
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from actionplan.models import ActionStatus

register = template.Library()

# The same colours as templates/includes/status_tag.html.
STATUS_TAG_CLASSES = {
    ActionStatus.COMPLETED: "govuk-tag govuk-tag--green",
    ActionStatus.ON_TRACK: "govuk-tag govuk-tag--turquoise",
    ActionStatus.AT_RISK: "govuk-tag govuk-tag--yellow",
    ActionStatus.OFF_TRACK: "govuk-tag govuk-tag--red",
    ActionStatus.CANCELLED: "govuk-tag govuk-tag--grey",
}
DEFAULT_TAG_CLASS = "govuk-tag govuk-tag--blue"
STATUS_LABELS = dict(ActionStatus.choices)
_PK = 987654321


def _url_of(name, **kwargs):
    """A function pk → the URL named `name` for that pk: one reverse() for the whole table, not one a row."""
    head, tail = reverse(name, kwargs={**kwargs, "pk": _PK}).split(str(_PK), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def status_cell(action):
    """The status tag, the per cent and the overdue and no-recent-update flags (set by annotate_flags)."""
    status = action.status
    label = escape(STATUS_LABELS.get(status, status))
    html = f'<strong class="{STATUS_TAG_CLASSES.get(status, DEFAULT_TAG_CLASS)}">{label}</strong> {int(action.progress)}%'
    if action.is_overdue:
        html += ' <strong class="govuk-tag govuk-tag--red portal-flag">Overdue</strong>'
    if action.is_stale:
        html += ' <strong class="govuk-tag govuk-tag--orange portal-flag">No recent update</strong>'
    return html


@register.simple_tag(takes_context=True)
def plan_rows(context, actions):
    """The plan table's rows of `actions` (each with its lead agency and flags)."""
    detail = _url_of("action_detail", slug=context["partnership"].slug)
    rows = []
    for a in actions:
        lead = escape(a.lead_agency.label)
        if a.lead_name:
            lead += f'<br><span class="govuk-body-s">{escape(a.lead_name)}</span>'
        if a.lead_contact_needed:
            lead += '<br><strong class="govuk-tag govuk-tag--orange">Needs a new lead contact</strong>'
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'    <td class="govuk-table__cell"><a class="govuk-link" href="{detail(a.pk)}">{escape(a.reference)}</a>'
            f' {escape(a.text)}</td>\n'
            f'    <td class="govuk-table__cell">{lead}</td>\n'
            f'    <td class="govuk-table__cell">{escape(a.timing_label)}</td>\n'
            f'    <td class="govuk-table__cell govuk-body-s">{escape(a.measures_text or "")}</td>\n'
            f'    <td class="govuk-table__cell">{status_cell(a)}</td>\n'
            '  </tr>\n'
        )
    return mark_safe("".join(rows))


def _status_options(selected):
    return "".join(
        f'<option value="{value}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in ActionStatus.choices
    )


def quick_update_form(action, url, csrf, next_=""):
    """The quick update form of templates/actionplan/includes/quick_update.html, for one action."""
    pk, ref = int(action.pk), escape(action.reference)
    query = f"?next={escape(next_)}" if next_ else ""
    return (
        f'<form method="post" action="{url}{query}" enctype="multipart/form-data" novalidate>'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">\n'
        f'  <input type="hidden" name="version" value="{int(action.version)}">\n'
        '  <div class="govuk-form-group govuk-!-margin-bottom-2"><label class="govuk-label govuk-label--s" '
        f'for="status-{pk}">Status<span class="govuk-visually-hidden"> of action {ref}</span></label>\n'
        f'    <select class="govuk-select" id="status-{pk}" name="status">{_status_options(action.status)}</select></div>\n'
        '  <div class="govuk-form-group govuk-!-margin-bottom-2"><label class="govuk-label govuk-label--s" '
        f'for="progress-{pk}">Progress (per cent)</label>\n'
        f'    <input class="govuk-input govuk-input--width-3" id="progress-{pk}" name="progress" type="number" '
        f'min="0" max="100" inputmode="numeric" value="{int(action.progress)}"></div>\n'
        '  <div class="govuk-form-group govuk-!-margin-bottom-2"><label class="govuk-label govuk-label--s" '
        f'for="narrative-{pk}">What has happened</label>\n'
        f'    <textarea class="govuk-textarea govuk-!-margin-bottom-1" id="narrative-{pk}" name="narrative" '
        'rows="2"></textarea></div>\n'
        '  <div class="govuk-form-group govuk-!-margin-bottom-2"><label class="govuk-label govuk-label--s" '
        f'for="files-{pk}">Evidence files (optional)<span class="govuk-visually-hidden"> for action {ref}</span>'
        '</label>\n'
        f'    <div class="govuk-hint" id="files-{pk}-hint">PDF, Office document or image, up to 10 MB each</div>\n'
        f'    <input class="govuk-file-upload" id="files-{pk}" name="files" type="file" multiple '
        f'aria-describedby="files-{pk}-hint" accept=".pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg"></div>\n'
        '  <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" '
        f'data-module="govuk-button">Save<span class="govuk-visually-hidden"> update to action {ref}</span></button>\n'
        '</form>'
    )


@register.simple_tag(takes_context=True)
def my_action_rows(context, actions):
    """The rows of "My agency's actions": each with its quick update form where the member may update it."""
    slug = context["partnership"].slug
    detail = _url_of("action_detail", slug=slug)
    update = _url_of("action_update", slug=slug)
    csrf = escape(context.get("csrf_token") or "")
    rows = []
    for a in actions:
        ref = escape(a.reference)
        if a.can_update and not a.is_closed:
            quick = "\n      " + quick_update_form(a, update(a.pk), csrf, "mine") + "\n      "
        elif a.can_update:
            quick = (f'\n      <a class="govuk-link" href="{update(a.pk)}?next=mine">Update<span '
                     f'class="govuk-visually-hidden"> action {ref}</span></a>\n    ')
        else:
            quick = "\n      \n    "
        rows.append(
            '<tr class="govuk-table__row">\n'
            f'    <td class="govuk-table__cell"><a class="govuk-link" href="{detail(a.pk)}">{ref}</a></td>\n'
            f'    <td class="govuk-table__cell">{escape(a.text)}</td>\n'
            f'    <td class="govuk-table__cell">{escape(a.timing_label)}</td>\n'
            f'    <td class="govuk-table__cell">{status_cell(a)}</td>\n'
            f'    <td class="govuk-table__cell">{quick}</td>\n'
            '  </tr>\n'
        )
    return mark_safe("".join(rows))

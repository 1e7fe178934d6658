"""The rows of the action plan and of "My agency's actions", written in Python (templatetags/action_rows.py):
the same markup as the templates they replaced, escaped, and never older than the database."""
import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from actionplan import selectors, transfer
from actionplan.models import Action, ActionStatus
from actionplan.templatetags.action_rows import my_action_rows, plan_rows
from actionplan.tests.factories import ActionFactory

# The rows as the templates drew them before they were written in Python.
PLAN_ROW_TEMPLATE = """{% for action in actions %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'action_detail' slug=partnership.slug pk=action.pk %}">{{ action.reference }}</a> {{ action.text }}</td>
    <td class="govuk-table__cell">{{ action.lead_agency.label }}{% if action.lead_name %}<br><span class="govuk-body-s">{{ action.lead_name }}</span>{% endif %}{% if action.lead_contact_needed %}<br><strong class="govuk-tag govuk-tag--orange">Needs a new lead contact</strong>{% endif %}</td>
    <td class="govuk-table__cell">{{ action.timing_label }}</td>
    <td class="govuk-table__cell govuk-body-s">{{ action.measures_text|default:"" }}</td>
    <td class="govuk-table__cell">{% include "includes/status_tag.html" with status=action.status label=action.get_status_display %} {{ action.progress }}%{% if action.is_overdue %} <strong class="govuk-tag govuk-tag--red portal-flag">Overdue</strong>{% endif %}{% if action.is_stale %} <strong class="govuk-tag govuk-tag--orange portal-flag">No recent update</strong>{% endif %}</td>
  </tr>
  {% endfor %}"""  # noqa: E501

MY_ROW_TEMPLATE = """{% for action in actions %}
  <tr class="govuk-table__row">
    <td class="govuk-table__cell"><a class="govuk-link" href="{% url 'action_detail' slug=partnership.slug pk=action.pk %}">{{ action.reference }}</a></td>
    <td class="govuk-table__cell">{{ action.text }}</td>
    <td class="govuk-table__cell">{{ action.timing_label }}</td>
    <td class="govuk-table__cell">{% include "includes/status_tag.html" with status=action.status label=action.get_status_display %} {{ action.progress }}%{% if action.is_overdue %} <strong class="govuk-tag govuk-tag--red portal-flag">Overdue</strong>{% endif %}{% if action.is_stale %} <strong class="govuk-tag govuk-tag--orange portal-flag">No recent update</strong>{% endif %}</td>
    <td class="govuk-table__cell">
      {% if action.can_update and not action.is_closed %}
      {% include "actionplan/includes/quick_update.html" with next="mine" %}
      {% elif action.can_update %}<a class="govuk-link" href="{% url 'action_update' slug=partnership.slug pk=action.pk %}?next=mine">Update<span class="govuk-visually-hidden"> action {{ action.reference }}</span></a>{% endif %}
    </td>
  </tr>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def varied(world):
    """Actions in every status, with and without a named lead, needing a lead contact, overdue, stale, with
    revised dates, and with text that must be escaped."""
    side = world.own
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for i, status in enumerate(ActionStatus.values):
        ActionFactory(
            outcome=side.outcome, lead_agency=side.lead_agency if i % 2 else side.other_agency,
            reference=f"1.{i + 2}", status=status, progress=i * 10,
            text=f'Action <script>alert("{i}")</script> & \'quotes\' {i}', lead_name="O'Brien & <b>Co</b>" if i % 2 else "",
            lead_contact_needed=i == 3, measures_text="" if i == 1 else f"Fewer < {i} & more > {i}",
            commencement_date=today - datetime.timedelta(days=200) if i % 3 else None,
            completion_date=today - datetime.timedelta(days=3) if i < 3 else today + datetime.timedelta(days=40),
            original_completion_date=today - datetime.timedelta(days=90) if i == 4 else None,
            start_year=1 if i == 5 else None, end_year=2 if i == 5 else None,
            last_update_at=long_ago if i % 2 else timezone.now(),
        )
    return side


def _plan_actions(side):
    return selectors.plan_table_actions(Action.objects.filter(strategy=side.strategy).order_by("reference"))


@pytest.mark.django_db
def test_it_writes_the_plan_rows_the_template_wrote(varied, rf):
    actions = _plan_actions(varied)
    assert len(actions) == len(ActionStatus.values) + 1
    assert any(a.is_overdue for a in actions) and any(a.is_stale for a in actions)
    context = {"partnership": varied.partnership, "actions": actions}
    expected = Template(PLAN_ROW_TEMPLATE).render(Context(context))
    written = plan_rows(Context(context), actions)
    assert parse_html(written) == parse_html(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written


@pytest.mark.django_db
def test_it_writes_the_rows_of_my_agencys_actions_the_template_wrote(varied, rf):
    request = rf.get("/")
    actions = _plan_actions(varied)
    for i, action in enumerate(actions):
        action.can_update = i % 3 != 0
    context = {"partnership": varied.partnership, "actions": actions, "statuses": ActionStatus.choices,
               "request": request, "csrf_token": "a-token-0123456789"}
    expected = Template(MY_ROW_TEMPLATE).render(Context(context))
    written = my_action_rows(Context(context), actions)
    assert parse_html(written) == parse_html(expected)
    assert written.count('name="csrfmiddlewaretoken" value="a-token-0123456789"') == sum(
        1 for a in actions if a.can_update and not a.is_closed)


@pytest.mark.django_db
def test_the_plan_shares_one_agency_outcome_and_aim_instance_between_its_rows(varied, django_assert_num_queries):
    """Building an agency, an outcome and an aim for every row was most of the plan's reading time at 2,000
    actions: the rows share them, read in two small queries."""
    with django_assert_num_queries(3):
        actions = _plan_actions(varied)
    assert len({id(a.lead_agency) for a in actions}) == 2
    assert len({id(a.outcome) for a in actions}) == 1
    with django_assert_num_queries(0):
        assert {(a.outcome.aim.number, a.lead_agency.label, a.timing_label) for a in actions}


def _plan(client, side, user="manager"):
    client.force_login(side.users[user])
    response = client.get(reverse("action_plan", kwargs={"slug": side.slug, "pk": side.strategy.pk}))
    assert response.status_code == 200
    return response.content.decode()


def _mine(client, side):
    client.force_login(side.users["member_lead"])
    response = client.get(reverse("my_actions", kwargs={"slug": side.slug}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_write_through_the_web_shows_at_once(world, client):
    side = world.own
    assert "At risk</strong>" not in _plan(client, side)
    client.force_login(side.users["member_lead"])
    response = client.post(reverse("action_update", kwargs={"slug": side.slug, "pk": side.action.pk}) + "?next=mine",
                           {"status": "at_risk", "progress": 37, "narrative": "Slipping.",
                            "version": Action.objects.get(pk=side.action.pk).version})
    assert response.status_code == 302
    assert "At risk</strong> 37%" in _plan(client, side)
    assert '<option value="at_risk" selected>' in _mine(client, side)
    client.force_login(side.users["manager"])
    url = reverse("action_edit", kwargs={"slug": side.slug, "pk": side.action.pk})
    data = {k: v for k, v in client.get(url).context["form"].initial.items() if v is not None}
    data.update(text="Train every <school> lead.", lead_agency=side.other_agency.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = _plan(client, side)
    assert "Train every &lt;school&gt; lead." in page and side.other_agency.label in page


@pytest.mark.django_db
def test_a_write_through_the_api_shows_at_once(world, client, api_client_for):
    side = world.own
    _plan(client, side)
    api = api_client_for(side.users["member_lead"])
    version = api.get(f"/api/v1/actions/{side.action.pk}/")["ETag"]
    response = api.patch(f"/api/v1/actions/{side.action.pk}/", {"status": "off_track", "progress": 12},
                         format="json", HTTP_IF_MATCH=version)
    assert response.status_code == 200
    assert 'govuk-tag--red">Off track</strong> 12%' in _plan(client, side)
    assert 'value="12"' in _mine(client, side)


@pytest.mark.django_db
def test_a_write_through_the_import_shows_at_once(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(transfer.COLUMNS)
    writer.writerow(["", "1.1", "1. aim", side.lead_agency.name, "A. Named", "Imported & changed.", "Year 1",
                     "1.1 x", "", "Off track", "45", "", ""])
    url = reverse("plan_import", kwargs={"slug": side.slug, "pk": side.strategy.pk})
    upload = SimpleUploadedFile("plan.csv", out.getvalue().encode(), content_type="text/csv")
    assert client.post(url, {"file": upload}).context["report"]["errors"] == []
    assert client.post(url, {"apply": "1"}).status_code == 302
    page = _plan(client, side)
    assert "Imported &amp; changed." in page and "A. Named" in page and "Off track</strong> 45%" in page

"""Tenant isolation in lists, filters, exports, API lists and search.

Every record of the other partnership carries a marker word; every page and API response an own-side
user can reach (every GET URL in the access matrix, with and without filters and a search term naming
the other side's records) must never contain it, nor the other side's ids in API results."""
import pytest
from django.urls import reverse

from actionplan.models import Action
from audits.models import Audit
from conftest import ROLES
from partnerships.audit import record
from partnerships.models import Agency
from strategy.models import IntendedOutcome, Section, StrategicAim, Strategy
from tests.test_access_matrix import MATRIX
from workforce.models import TrainingNeedsAssessment

MARKER = "Zanzibarquay"


def _mark_other_side(other):
    """Put the marker in every visible text of the other partnership, and give it a finished strategy
    so that its records are visible to every role of that partnership."""
    Strategy.objects.filter(pk=other.strategy.pk).update(title=f"{MARKER} strategy", status="published")
    Section.objects.filter(strategy=other.strategy).update(title=f"{MARKER} section", body=f"{MARKER} body")
    StrategicAim.objects.filter(strategy=other.strategy).update(title=f"{MARKER} aim")
    IntendedOutcome.objects.filter(aim__strategy=other.strategy).update(text=f"{MARKER} outcome")
    Action.objects.filter(strategy=other.strategy).update(text=f"{MARKER} action", lead_name=f"{MARKER} lead")
    Audit.objects.filter(partnership=other.partnership).update(title=f"{MARKER} audit", theme=f"{MARKER} theme")
    TrainingNeedsAssessment.objects.filter(partnership=other.partnership).update(title=f"{MARKER} assessment")
    for agency in Agency.objects.filter(partnership=other.partnership):
        Agency.objects.filter(pk=agency.pk).update(name=f"{MARKER} {agency.name}")
    record(actor=other.users["manager"], verb="strategy.updated", obj=other.strategy, summary=f"{MARKER} change")


def _filters(other):
    """Query strings that name the other side's records, as a probing client would send them."""
    return [
        "", f"?q={MARKER}", f"?search={MARKER}", f"?strategy={other.strategy.pk}",
        f"?lead_agency={other.lead_agency.pk}", f"?partnership={other.partnership.pk}", "?page_size=200",
        f"?actor={other.users['manager'].pk}",
    ]


def _get(client, api_client_for, user, name, url):
    if name.startswith("api-"):
        return api_client_for(user).get(url)
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_or_api_list_shows_the_other_partnerships_records(world, client, api_client_for, role):
    _mark_other_side(world.other)
    user = world.own.users[role]
    other_ids = {
        "api-action-list": {world.other.action.pk}, "api-strategy-list": {world.other.strategy.pk},
        "api-partnership-list": {world.other.partnership.pk},
    }
    reached = 0
    for name, (kwargs_for, own, _other) in MATRIX.items():
        if "GET" not in own or own["GET"][role] != 200:
            continue
        kwargs = kwargs_for(world.own)
        base = reverse(name, kwargs=kwargs)
        # The API docs page holds no records; it passes its query on to the schema's address, probe text included.
        if name == "api-docs":
            continue
        # Lists (no object id in the URL) get every probing filter; single-object pages are read once.
        for query in _filters(world.other) if "pk" not in kwargs else [""]:
            response = _get(client, api_client_for, user, name, base + query)
            if response.status_code != 200:
                assert response.status_code in (400, 404), f"{role} GET {base}{query}: {response.status_code}"
                continue
            reached += 1
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            assert MARKER not in body, f"{role} GET {base}{query} shows the other partnership's records"
            assert "brookfield" not in body.lower(), f"{role} GET {base}{query} names the other partnership"
            if name in other_ids:
                ids = {item["id"] for item in response.json()["results"]}
                assert not ids & other_ids[name], f"{role} GET {base}{query} lists the other side's ids"
    assert reached >= 30


def test_the_other_sides_marked_records_are_really_there(world, client):
    """Guards the test above: seen from its own side, the marker does show."""
    _mark_other_side(world.other)
    client.force_login(world.other.users["viewer"])
    page = client.get(reverse("action_plan", kwargs={"slug": world.other.slug, "pk": world.other.strategy.pk}))
    assert MARKER in page.content.decode()

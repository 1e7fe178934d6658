"""Every list page and API list answers in the same number of queries at 10 and at 500 rows.

To pin a new list, add a row to LISTS: the URL for a side of the `world`, who looks at it, and a
function bringing the rows the list shows to n (see tests/bulk.py).
"""
from dataclasses import dataclass
from typing import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import bulk

SMALL, LARGE = 10, 500


def plan_of(side, n):
    bulk.grow_actions(side.strategy, n, [side.lead_agency])


@dataclass
class Listing:
    url: Callable
    grow: Callable
    role: str = "member_lead"
    budget: int = 15


def strategy_url(name):
    return lambda s: reverse(name, kwargs={"slug": s.slug, "pk": s.strategy.pk})


LISTS = {
    "action_plan": Listing(strategy_url("action_plan"), plan_of, budget=20),  # filter counts add a few
    "my_actions": Listing(lambda s: reverse("my_actions", kwargs={"slug": s.slug}), plan_of),
    "partnership": Listing(lambda s: reverse("partnership", kwargs={"slug": s.slug}), plan_of),
    "strategy_detail": Listing(
        strategy_url("strategy_detail"), lambda s, n: bulk.grow_outcomes(s.strategy, aims=n // 5, outcomes_per_aim=5),
    ),
    "strategy_list": Listing(lambda s: reverse("strategy_list", kwargs={"slug": s.slug}),
                             lambda s, n: bulk.grow_strategies(s.partnership, n)),
    "export_list": Listing(strategy_url("export_list"),
                           lambda s, n: bulk.grow_exports(s.strategy, n, s.users["manager"]), role="manager"),
    "action_detail": Listing(lambda s: reverse("action_detail", kwargs={"slug": s.slug, "pk": s.action.pk}),
                             lambda s, n: bulk.grow_updates([s.action], n, s.users["member_lead"])),
    "audit_list": Listing(lambda s: reverse("audit_list", kwargs={"slug": s.slug}),
                          lambda s, n: bulk.grow_audits(s.partnership, n)),
    "assessment_list": Listing(lambda s: reverse("assessment_list", kwargs={"slug": s.slug}),
                               lambda s, n: bulk.grow_assessments(s.partnership, n)),
    "people": Listing(lambda s: reverse("people", kwargs={"slug": s.slug}),
                      lambda s, n: bulk.grow_people(s.partnership, n), role="manager"),
    "agency_list": Listing(lambda s: reverse("agency_list", kwargs={"slug": s.slug}),
                           lambda s, n: bulk.grow_agencies(s.partnership, n), role="manager"),
    "home": Listing(lambda s: reverse("home"), lambda s, n: bulk.grow_memberships(s.users["member_lead"], n),
                    budget=20),
    "api-action-list": Listing(lambda s: f"/api/v1/actions/?strategy={s.strategy.pk}&page_size=200", plan_of),
    "api-strategy-list": Listing(lambda s: reverse("api-strategy-list"),
                                 lambda s, n: bulk.grow_strategies(s.partnership, n)),
    "api-strategy-progress": Listing(lambda s: reverse("api-strategy-progress", kwargs={"pk": s.strategy.pk}),
                                     plan_of),
    "api-partnership-list": Listing(lambda s: reverse("api-partnership-list"),
                                    lambda s, n: bulk.grow_memberships(s.users["member_lead"], n)),
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code in (200, 302), f"{url}: {response.status_code}"
    return len(ctx.captured_queries), response


@pytest.mark.django_db
@pytest.mark.parametrize("list_name", sorted(LISTS))
def test_query_count_does_not_grow_with_the_list(world, client, api_client_for, list_name):
    listing, side = LISTS[list_name], world.own
    user = side.users[listing.role]
    if list_name.startswith("api-"):
        client = api_client_for(user)
        # The token's first use is written down (at most once a minute); done here, outside what is counted.
        client.get("/api/v1/")
    else:
        client.force_login(user)
    url = listing.url(side)
    listing.grow(side, SMALL)
    small, _ = count_queries(client, url)
    listing.grow(side, LARGE)
    large, response = count_queries(client, url)
    assert small == large, f"{list_name}: {small} queries at {SMALL} rows, {large} at {LARGE}"
    assert small <= listing.budget


@pytest.mark.django_db
def test_the_lists_really_show_the_large_size(world, client):
    """The budgets above mean something only if the pages list every row."""
    side = world.own
    client.force_login(side.users["member_lead"])
    plan_of(side, LARGE)
    html = client.get(LISTS["action_plan"].url(side)).content.decode()
    assert html.count('href="/p/ashvale/actions/') == LARGE
    bulk.grow_updates([side.action], LARGE, side.users["member_lead"])
    html = client.get(LISTS["action_detail"].url(side)).content.decode()
    assert html.count("Update ") >= LARGE


def test_every_list_url_is_a_real_url():
    from tests.test_access_matrix import MATRIX

    assert set(LISTS) <= set(MATRIX)

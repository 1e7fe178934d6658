"""List pages and API lists answer in the same number of queries at 10 and at 500 actions."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.models import Action
from actionplan.tests.factories import ActionFactory
from strategy.tests.factories import IntendedOutcomeFactory


def grow_plan(side, n):
    """Bring the side's plan to n actions across 5 outcomes."""
    outcomes = list(side.aim.outcomes.order_by("number"))
    outcomes += [IntendedOutcomeFactory(aim=side.aim, number=k) for k in range(len(outcomes) + 1, 6)]
    existing = Action.objects.filter(strategy=side.strategy).count()
    for i in range(existing, n):
        ActionFactory(outcome=outcomes[i % 5], lead_agency=side.lead_agency, reference=f"1.{i + 1}")


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


PAGES = {
    "action_plan": lambda s: reverse("action_plan", kwargs={"slug": s.slug, "pk": s.strategy.pk}),
    "my_actions": lambda s: reverse("my_actions", kwargs={"slug": s.slug}),
    "strategy_detail": lambda s: reverse("strategy_detail", kwargs={"slug": s.slug, "pk": s.strategy.pk}),
    "partnership": lambda s: reverse("partnership", kwargs={"slug": s.slug}),
    "api_actions": lambda s: f"/api/v1/actions/?strategy={s.strategy.pk}&page_size=200",
}


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_query_count_does_not_grow_with_the_plan(world, client, page):
    side = world.own
    client.force_login(side.users["member_lead"])
    url = PAGES[page](side)
    grow_plan(side, 10)
    small = count_queries(client, url)
    grow_plan(side, 500)
    large = count_queries(client, url)
    assert small == large, f"{page}: {small} queries at 10 actions, {large} at 500"
    assert small <= 15

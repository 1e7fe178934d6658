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
    # Factories write past the services: raise the plan's version as they would, so no cached answer is read.
    from strategy.services import plan_changed

    plan_changed(side.strategy.pk)


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
    "api_actions_filtered": lambda s: f"/api/v1/actions/?strategy={s.strategy.pk}&page_size=200&aim={s.aim.pk}"
                                      f"&lead_agency={s.lead_agency.pk}&stale=false&status=not_started",
    "action_plan_filtered": lambda s: reverse("action_plan", kwargs={"slug": s.slug, "pk": s.strategy.pk})
                                      + f"?aim={s.aim.pk}&status=not_started&overdue=false&sort=completion_date",
    "action_progress": lambda s: reverse("action_progress", kwargs={"slug": s.slug, "pk": s.strategy.pk}),
    "action_recommendations": lambda s: reverse("action_recommendations", kwargs={"slug": s.slug, "pk": s.strategy.pk}),
    "plan_export_xlsx": lambda s: reverse("plan_export", kwargs={"slug": s.slug, "pk": s.strategy.pk, "fmt": "xlsx"}),
    "api_progress": lambda s: f"/api/v1/strategies/{s.strategy.pk}/progress/",
}


# The plan page also counts the actions under every filter choice (a few grouped queries), and reads the
# agencies, outcomes and aims its rows share once each.
LIMITS = {"action_plan": 20, "action_plan_filtered": 21}


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
    assert small <= LIMITS.get(page, 15)


def grow_strategy(side, n):
    """Bring the side's strategy to n aims, each with two outcomes with a measure and an action, n priorities,
    n governance bodies (each reporting to the one before, with two member agencies) and n extra sections."""
    from partnerships.models import FormOfAbuse
    from strategy.models import StrategicAim
    from strategy.tests.factories import (
        GovernanceBodyFactory,
        MeasureFactory,
        PriorityFactory,
        SectionFactory,
        StrategicAimFactory,
    )

    strategy = side.strategy
    start = StrategicAim.objects.filter(strategy=strategy).count()
    for number in range(start + 1, n + 1):
        aim = StrategicAimFactory(strategy=strategy, number=number)
        aim.forms_of_abuse.set(FormOfAbuse.objects.order_by("number")[:2])
        for k in (1, 2):
            outcome = IntendedOutcomeFactory(aim=aim, number=k)
            MeasureFactory(outcome=outcome)
            ActionFactory(outcome=outcome, lead_agency=side.lead_agency, reference=f"{number}.{k}")
    for number in range(strategy.priorities.count() + 1, n + 1):
        PriorityFactory(strategy=strategy, number=number)
    parent = strategy.governance_bodies.order_by("-id").first()
    for _ in range(strategy.governance_bodies.count(), n):
        parent = GovernanceBodyFactory(strategy=strategy, reports_to=parent)
        parent.member_agencies.set([side.lead_agency, side.other_agency])
    for _ in range(strategy.sections.filter(kind="extra").count(), n):
        SectionFactory(strategy=strategy, body="Our CSA work and what children told us.")


STRATEGY_PAGES = (
    "strategy_detail", "strategy_sections", "strategy_vision", "governance_list", "strategy_aims", "measure_list",
    "strategy_coverage", "strategy_completeness",
)


@pytest.mark.django_db
@pytest.mark.parametrize("page", STRATEGY_PAGES)
@pytest.mark.parametrize("role", ["manager", "scrutineer"])
def test_strategy_pages_do_not_grow_with_the_strategy(world, client, page, role):
    """The overview and every drafting page answer in the same number of queries at 2 and at 25 aims."""
    side = world.own
    client.force_login(side.users[role])
    url = reverse(page, kwargs={"slug": side.slug, "pk": side.strategy.pk})
    grow_strategy(side, 2)
    small = count_queries(client, url)
    grow_strategy(side, 25)
    large = count_queries(client, url)
    print(f"{page} as {role}: {small} queries at 2 aims, {large} at 25")
    assert small == large, f"{page}: {small} queries at 2 aims, {large} at 25"
    assert small <= 15

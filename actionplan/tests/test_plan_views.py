"""The plan page's filters, counts, grouping and sorting; my agency's actions; recommendations; progress."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan import services
from actionplan.filters import ActionFilter
from actionplan.models import Action, ActionUpdate, ProgressSnapshot
from actionplan.tests.factories import ActionFactory
from partnerships.models import CoreComponent, Recommendation
from strategy.tests.factories import IntendedOutcomeFactory, StrategicAimFactory


@pytest.fixture
def plan(world):
    """Own side: aim 1 (outcomes 1.1, 1.2) and aim 2 (outcome 2.1), with actions spread over filters."""
    side = world.own
    today = timezone.localdate()
    o12 = IntendedOutcomeFactory(aim=side.aim, number=2)
    aim2 = StrategicAimFactory(strategy=side.strategy, number=2)
    o21 = IntendedOutcomeFactory(aim=aim2, number=1)
    prevention = CoreComponent.objects.order_by("number").first()
    rec5 = Recommendation.objects.get(number=5)
    long_ago = timezone.now() - datetime.timedelta(days=400)
    side.action.last_update_at = timezone.now()
    side.action.save(update_fields=["last_update_at"])
    actions = {
        "overdue": ActionFactory(outcome=o12, lead_agency=side.lead_agency, reference="1.3", status="at_risk",
                                 completion_date=today - datetime.timedelta(days=3), last_update_at=timezone.now()),
        "due_soon": ActionFactory(outcome=o21, lead_agency=side.other_agency, reference="2.1", status="on_track",
                                  completion_date=today + datetime.timedelta(days=10), core_component=prevention,
                                  last_update_at=timezone.now()),
        "stale": ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.2",
                               last_update_at=long_ago),
        "done": ActionFactory(outcome=o21, lead_agency=side.lead_agency, reference="2.2", status="completed",
                              progress=100, completion_note="Done.", completion_date=today - datetime.timedelta(days=30),
                              last_update_at=long_ago),
    }
    actions["due_soon"].recommendations.add(rec5)
    return side, actions, aim2


def refs(response):
    return [a.reference for g in response.context["groups"] for o in g["outcomes"] for a in o["actions"]]


@pytest.mark.django_db
class TestPlanFilters:
    def get(self, client, side, query=""):
        client.force_login(side.users["scrutineer"])
        return client.get(reverse("action_plan", kwargs={"slug": side.slug, "pk": side.strategy.pk}) + query)

    def test_it_groups_by_aim_then_outcome_in_order(self, plan, client):
        side, actions, aim2 = plan
        response = self.get(client, side)
        groups = response.context["groups"]
        assert [g["aim"].number for g in groups] == [1, 2]
        assert [[o["outcome"].reference for o in g["outcomes"]] for g in groups] == [["1.1", "1.2"], ["2.1"]]
        assert refs(response) == ["1.1", "1.2", "1.3", "2.1", "2.2"]

    @pytest.mark.parametrize("query,expected", [
        ("?status=at_risk&status=completed", ["1.3", "2.2"]),
        ("?overdue=true", ["1.3"]),
        ("?stale=true", ["1.2"]),
        ("?due_within=14", ["2.1"]),
        ("?recommendation=5", ["2.1"]),
        ("?overdue=false&stale=false", ["1.1", "2.1", "2.2"]),
    ])
    def test_each_filter(self, plan, client, query, expected):
        side, actions, aim2 = plan
        assert refs(self.get(client, side, query)) == expected

    def test_filters_by_aim_agency_and_component(self, plan, client):
        side, actions, aim2 = plan
        assert refs(self.get(client, side, f"?aim={aim2.pk}")) == ["2.1", "2.2"]
        assert refs(self.get(client, side, f"?lead_agency={side.other_agency.pk}")) == ["1.2", "2.1"]
        code = actions["due_soon"].core_component.code
        assert refs(self.get(client, side, f"?core_component={code}")) == ["2.1"]

    def test_another_partnerships_agency_is_not_a_choice(self, plan, client, world):
        side, actions, aim2 = plan
        response = self.get(client, side, f"?lead_agency={world.other.lead_agency.pk}")
        assert response.status_code == 200
        assert "lead_agency" in response.context["filter"].errors
        assert "The filter could not be applied" in response.content.decode()
        assert refs(response) == ["1.1", "1.2", "1.3", "2.1", "2.2"]  # the rest of the plan, unfiltered

    def test_counts_per_filter_choice(self, plan, client):
        side, actions, aim2 = plan
        facets = {f["name"]: {label: n for label, n, q in f["choices"]} for f in self.get(client, side).context["facets"]}
        assert facets["status"] == {"Not started": 2, "On track": 1, "At risk": 1, "Off track": 0, "Completed": 1,
                                    "Cancelled": 0}
        assert facets["aim"] == {"Aim 1": 3, "Aim 2": 2}
        assert facets["flags"] == {"Overdue": 1, "No recent update": 1, "Due within 14 days": 1}
        assert facets["recommendation"][Recommendation.objects.get(number=5).__str__().join(["5. ", ""])] == 1

    def test_sorting_within_each_outcome(self, plan, client):
        side, actions, aim2 = plan
        ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.10", progress=90,
                      last_update_at=timezone.now())
        assert refs(self.get(client, side))[:3] == ["1.1", "1.2", "1.10"]
        assert refs(self.get(client, side, "?sort=progress&order=desc"))[:3] == ["1.10", "1.2", "1.1"]

    def test_api_filterset_offers_only_the_users_agencies(self, plan, world, rf):
        request = rf.get("/")
        request.user = world.own.users["manager"]
        f = ActionFilter({}, Action.objects.all(), request=request)
        assert world.other.lead_agency not in f.filters["lead_agency"].queryset


@pytest.mark.django_db
class TestMyActions:
    def test_overdue_and_stale_first_with_a_quick_update_form(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["member_lead"])
        response = client.get(reverse("my_actions", kwargs={"slug": side.slug}))
        assert [a.reference for a in response.context["actions"]] == ["1.3", "1.1", "2.2"]
        body = response.content.decode()
        assert f'id="status-{actions["overdue"].pk}"' in body
        assert f'id="status-{actions["done"].pk}"' not in body  # closed actions open the full form instead

    def test_the_quick_form_records_an_update_and_returns_to_the_list(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["member_lead"])
        action = actions["overdue"]
        url = reverse("action_update", kwargs={"slug": side.slug, "pk": action.pk}) + "?next=mine"
        # The action is overdue, so "at risk" (an overdue action is never "on track"; see test_owners.py).
        response = client.post(url, {"status": "at_risk", "progress": "55", "narrative": "Venue found.",
                                     "version": action.version})
        assert response.status_code == 302 and response.url == reverse("my_actions", kwargs={"slug": side.slug})
        update = ActionUpdate.objects.get(action=action)
        assert (update.status_to, update.progress_to, update.narrative) == ("at_risk", 55, "Venue found.")

    def test_a_scrutineer_gets_no_update_form(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["scrutineer"])
        assert 'name="status"' not in client.get(reverse("my_actions", kwargs={"slug": side.slug})).content.decode()

    def test_a_member_cannot_update_another_agencys_action(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["member_lead"])
        url = reverse("action_update", kwargs={"slug": side.slug, "pk": actions["stale"].pk})
        response = client.post(url, {"status": "on_track", "progress": "5", "version": "1"})
        assert response.status_code == 403
        assert not ActionUpdate.objects.exists()


@pytest.mark.django_db
class TestRecommendationsAndProgress:
    def test_recommendations_list_answering_actions_and_those_with_none(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["viewer"])
        side.strategy.status = "published"
        side.strategy.save(update_fields=["status"])
        response = client.get(reverse("action_recommendations", kwargs={"slug": side.slug, "pk": side.strategy.pk}))
        recs = {r.number: [a.reference for a in r.answering] for r in response.context["recommendations"]}
        assert recs == {1: [], 2: [], 3: [], 4: [], 5: ["2.1"], 6: []}
        assert [r.number for r in response.context["unanswered"]] == [1, 2, 3, 4, 6]
        assert "No action answers this recommendation yet." in response.content.decode()

    def test_progress_per_strategy_aim_and_agency(self, plan, client):
        side, actions, aim2 = plan
        client.force_login(side.users["manager"])
        ProgressSnapshot.objects.create(strategy=side.strategy, date=datetime.date(2026, 11, 1), total=4,
                                        by_status={}, completed_percent=25.0, overdue=1, stale=0)
        response = client.get(reverse("action_progress", kwargs={"slug": side.slug, "pk": side.strategy.pk}))
        progress = response.context["progress"]
        assert (progress["overall"]["total"], progress["overall"]["completed_percent"]) == (5, 20.0)
        assert [(r["aim"].number, r["total"], r["overdue"], r["stale"]) for r in progress["aims"]] == [
            (1, 3, 1, 1), (2, 2, 0, 0)]
        assert {r["agency"].pk: (r["total"], r["completed_percent"]) for r in progress["agencies"]} == {
            side.lead_agency.pk: (3, 33.3), side.other_agency.pk: (2, 0.0)}
        assert [s.date for s in response.context["trend"]] == [datetime.date(2026, 11, 1)]


@pytest.mark.django_db
def test_snapshot_is_one_row_per_strategy_per_day(plan):
    side, actions, aim2 = plan
    from actionplan.tasks import take_progress_snapshots

    take_progress_snapshots.delay("2026-11-20")
    services.action_update_progress(action=actions["stale"], actor=side.users["manager"], status="completed",
                                    progress=100, narrative="Finished.")
    take_progress_snapshots.delay("2026-11-20")
    snapshot = ProgressSnapshot.objects.get(strategy=side.strategy)
    assert (snapshot.date, snapshot.total, snapshot.by_status["completed"], snapshot.completed_percent) == (
        datetime.date(2026, 11, 20), 5, 2, 40.0)


@pytest.mark.django_db
@pytest.mark.parametrize("role,shown", [("member_lead", True), ("manager", True), ("member_other", False),
                                        ("scrutineer", False)])
def test_the_action_page_offers_the_quick_update_to_those_who_may(world, client, role, shown):
    side = world.own
    client.force_login(side.users[role])
    body = client.get(reverse("action_detail", kwargs={"slug": side.slug, "pk": side.action.pk})).content.decode()
    form_action = reverse("action_update", kwargs={"slug": side.slug, "pk": side.action.pk})
    assert (f'action="{form_action}"' in body) is shown

"""The action plan over the REST API: scoping, filters, ETags, errors, updates, progress, throttling, schema."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.throttling import UserRateThrottle

from actionplan import services
from actionplan.models import Action, ActionUpdate
from actionplan.tests.factories import ActionFactory


def ids(response):
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.django_db
class TestScoping:
    def test_a_token_never_sees_another_partnership(self, world, api_client_for):
        for role in ("manager", "member_lead", "scrutineer"):
            api = api_client_for(world.own.users[role])
            assert ids(api.get("/api/v1/actions/")) == [world.own.action.pk]
            assert api.get(f"/api/v1/actions/{world.other.action.pk}/").status_code == 404
            assert api.get(f"/api/v1/actions/{world.other.action.pk}/updates/").status_code == 404
            assert [a["id"] for a in api.get("/api/v1/aims/").json()["results"]] == [world.own.aim.pk]
            assert [o["id"] for o in api.get("/api/v1/outcomes/").json()["results"]] == [world.own.outcome.pk]
            assert api.get(f"/api/v1/strategies/{world.other.strategy.pk}/progress/").status_code == 404

    def test_a_viewer_sees_published_plans_only(self, world, api_client_for):
        api = api_client_for(world.own.users["viewer"])
        assert ids(api.get("/api/v1/actions/")) == []
        world.own.strategy.status = "published"
        world.own.strategy.save(update_fields=["status"])
        assert ids(api.get("/api/v1/actions/")) == [world.own.action.pk]

    def test_filtering_by_another_partnerships_agency_is_a_400(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        response = api.get(f"/api/v1/actions/?lead_agency={world.other.lead_agency.pk}")
        assert response.status_code == 400
        assert list(response.json()) == ["lead_agency"]


@pytest.mark.django_db
class TestFilters:
    @pytest.fixture
    def plan(self, world):
        side = world.own
        today = timezone.localdate()
        side.action.last_update_at = timezone.now()
        side.action.save(update_fields=["last_update_at"])
        overdue = ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.2",
                                status="at_risk", completion_date=today - datetime.timedelta(days=1),
                                last_update_at=timezone.now())
        soon = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.3", status="on_track",
                             completion_date=today + datetime.timedelta(days=5), last_update_at=timezone.now())
        stale = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.4",
                              last_update_at=timezone.now() - datetime.timedelta(days=365))
        stale.recommendations.add(3)
        return side, overdue, soon, stale

    def test_each_filter(self, plan, api_client_for):
        side, overdue, soon, stale = plan
        api = api_client_for(side.users["scrutineer"])
        get = lambda q: ids(api.get(f"/api/v1/actions/?strategy={side.strategy.pk}&{q}"))  # noqa: E731
        assert get("overdue=true") == [overdue.pk]
        assert get("stale=true") == [stale.pk]
        assert get("due_within=7") == [soon.pk]
        assert get("status=on_track&status=at_risk") == [overdue.pk, soon.pk]
        assert get(f"lead_agency={side.other_agency.pk}") == [overdue.pk]
        assert get(f"aim={side.aim.pk}") == sorted([side.action.pk, overdue.pk, soon.pk, stale.pk])
        assert get("recommendation=3") == [stale.pk]

    def test_bad_filter_values_are_400_with_field_messages(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        response = api.get("/api/v1/actions/?status=finished&due_within=-3&overdue=perhaps")
        assert response.status_code == 400
        assert response.json() == {
            "status": ["Select a valid choice. finished is not one of the available choices."],
            "due_within": ["Ensure this value is greater than or equal to 0."],
            "overdue": ["Enter true or false."],
        }

    def test_page_size_is_capped(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        response = api.get("/api/v1/actions/?page_size=100000")
        assert response.status_code == 200 and response.json()["count"] == 1


@pytest.mark.django_db
class TestPatch:
    def url(self, world):
        return f"/api/v1/actions/{world.own.action.pk}/"

    def test_etag_round_trip_and_a_stale_etag_gets_412(self, world, api_client_for):
        api = api_client_for(world.own.users["member_lead"])
        etag = api.get(self.url(world))["ETag"]
        assert etag == '"1"'
        ok = api.patch(self.url(world), {"status": "on_track", "progress": 20, "narrative": "Moving."},
                       format="json", HTTP_IF_MATCH=etag)
        assert ok.status_code == 200 and ok["ETag"] == '"2"'
        assert (ok.json()["status"], ok.json()["progress"], ok.json()["version"]) == ("on_track", 20, 2)
        stale = api.patch(self.url(world), {"status": "at_risk", "progress": 25}, format="json", HTTP_IF_MATCH=etag)
        assert stale.status_code == 412
        assert stale.json() == {"detail": "This action was updated by someone else since you opened it.",
                                "current_version": 2}
        assert Action.objects.get(pk=world.own.action.pk).status == "on_track"

    def test_missing_if_match_is_428_and_changes_nothing(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        response = api.patch(self.url(world), {"status": "on_track", "progress": 20}, format="json")
        assert response.status_code == 428
        assert "If-Match" in response.json()["detail"]
        assert not ActionUpdate.objects.exists()

    def test_a_weak_etag_is_accepted_and_garbage_is_400(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        assert api.patch(self.url(world), {"status": "on_track", "progress": 5}, format="json",
                         HTTP_IF_MATCH='W/"1"').status_code == 200
        assert api.patch(self.url(world), {"status": "on_track", "progress": 6}, format="json",
                         HTTP_IF_MATCH="banana").status_code == 400

    def test_bad_input_is_400_with_field_messages(self, world, api_client_for):
        api = api_client_for(world.own.users["manager"])
        response = api.patch(self.url(world), {"status": "done", "progress": 140, "evidence_url": "nope"},
                             format="json", HTTP_IF_MATCH='"1"')
        assert response.status_code == 400
        assert set(response.json()) == {"status", "progress", "evidence_url"}
        response = api.patch(self.url(world), {"status": "cancelled", "progress": 0}, format="json",
                             HTTP_IF_MATCH='"1"')
        assert response.status_code == 400
        assert response.json() == {"cancellation_reason": ["Give a reason for cancelling the action."]}

    def test_scrutineers_and_other_agencies_cannot_patch(self, world, api_client_for):
        for role in ("scrutineer", "member_other"):
            api = api_client_for(world.own.users[role])
            response = api.patch(self.url(world), {"status": "on_track", "progress": 5}, format="json",
                                 HTTP_IF_MATCH='"1"')
            assert response.status_code == 403
        assert not ActionUpdate.objects.exists()


@pytest.mark.django_db
def test_updates_endpoint_lists_the_timeline_newest_first(world, api_client_for):
    side = world.own
    lead = side.users["member_lead"]
    services.action_update_progress(action=side.action, actor=lead, status="on_track", progress=10, narrative="One.")
    second = services.action_update_progress(action=side.action, actor=lead, status="at_risk", progress=15,
                                             narrative="Two.", evidence_url="https://example.org/minutes")
    body = api_client_for(side.users["scrutineer"]).get(f"/api/v1/actions/{side.action.pk}/updates/").json()
    assert body["count"] == 2
    assert body["results"][0] == {
        "id": second.pk, "action": side.action.pk, "action_reference": side.action.reference,
        "strategy": side.action.strategy_id, "author": lead.get_full_name() or lead.email,
        "created_at": body["results"][0]["created_at"], "status_from": "on_track", "status_to": "at_risk",
        "progress_from": 10, "progress_to": 15, "narrative": "Two.", "evidence_url": "https://example.org/minutes",
    }
    assert body["results"][1]["narrative"] == "One."


@pytest.mark.django_db
def test_progress_has_per_aim_and_per_agency_breakdowns(world, api_client_for):
    side = world.own
    ActionFactory(outcome=side.outcome, lead_agency=side.other_agency, reference="1.2", status="completed",
                  progress=100, completion_note="Done.")
    body = api_client_for(side.users["manager"]).get(f"/api/v1/strategies/{side.strategy.pk}/progress/").json()
    assert (body["strategy"], body["total"], body["completed_percent"]) == (side.strategy.pk, 2, 50.0)
    assert [(a["aim"], a["number"], a["total"], a["completed_percent"]) for a in body["by_aim"]] == [
        (side.aim.pk, 1, 2, 50.0)]
    by_agency = {a["name"]: (a["total"], a["completed_percent"]) for a in body["by_agency"]}
    assert by_agency == {"Ashvale Council": (1, 100.0), "Ashvale Police": (1, 0.0)}
    assert {s["status"]: s["count"] for s in body["by_aim"][0]["by_status"]}["completed"] == 1


@pytest.mark.django_db
def test_tokens_are_throttled(world, api_client_for, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "api-write": "3/minute"})
    api = api_client_for(world.own.users["manager"])
    codes = [api.get("/api/v1/actions/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    cache.clear()


def test_openapi_schema_generates_without_warnings(tmp_path, settings):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    assert "/api/v1/actions/{id}/updates/" in schema and "by_agency" in schema and "If-Match" in schema

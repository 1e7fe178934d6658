"""Field-level rules: a steering group member changes only status, progress and narrative."""
import pytest
from django.urls import reverse

from actionplan.models import Action, ActionUpdate

ALLOWED = {"status": "on_track", "progress": 40, "narrative": "Training dates agreed with schools."}
FORBIDDEN = {
    "text": "Rewritten action", "reference": "9.9", "lead_agency": 1, "completion_date": "2030-01-01",
    "version": 99, "strategy": 1, "lead_name": "Someone else",
}


def _state(action):
    return Action.objects.filter(pk=action.pk).values(
        "text", "reference", "lead_agency_id", "completion_date", "version", "strategy_id", "lead_name",
        "status", "progress",
    ).get()


def test_a_lead_member_may_patch_status_progress_and_narrative(world, api_client_for):
    action = world.own.action
    response = api_client_for(world.own.users["member_lead"]).patch(
        reverse("api-action-detail", kwargs={"pk": action.pk}), ALLOWED, format="json", HTTP_IF_MATCH=f'"{action.version}"')
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["progress"]) == ("on_track", 40)
    assert ActionUpdate.objects.get(action=action).narrative == "Training dates agreed with schools."


@pytest.mark.parametrize("field", sorted(FORBIDDEN))
def test_any_other_field_is_refused_and_nothing_changes(world, api_client_for, field):
    action = world.own.action
    before = _state(action)
    response = api_client_for(world.own.users["member_lead"]).patch(
        reverse("api-action-detail", kwargs={"pk": action.pk}), {**ALLOWED, field: FORBIDDEN[field]}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["This field cannot be changed here."]}
    assert _state(action) == before and not ActionUpdate.objects.exists()


def test_the_browser_update_form_ignores_fields_it_does_not_offer(world, client):
    action = world.own.action
    client.force_login(world.own.users["member_lead"])
    response = client.post(
        reverse("action_update", kwargs={"slug": world.own.slug, "pk": action.pk}),
        {**ALLOWED, "version": action.version, "text": "Rewritten", "reference": "9.9", "lead_name": "X"},
    )
    assert response.status_code == 302
    after = _state(action)
    assert (after["text"], after["reference"], after["lead_name"]) == (action.text, action.reference, action.lead_name)
    assert (after["status"], after["progress"]) == ("on_track", 40)


@pytest.mark.parametrize("role", ["scrutineer", "viewer", "member_other"])
def test_roles_that_may_not_update_change_nothing(world, api_client_for, client, role):
    action = world.own.action
    before = _state(action)
    api = api_client_for(world.own.users[role])
    assert api.patch(reverse("api-action-detail", kwargs={"pk": action.pk}), ALLOWED, format="json").status_code in (403, 404)
    client.force_login(world.own.users[role])
    page = client.post(reverse("action_update", kwargs={"slug": world.own.slug, "pk": action.pk}),
                       {**ALLOWED, "version": action.version})
    assert page.status_code in (403, 404)
    assert _state(action) == before and not ActionUpdate.objects.exists()

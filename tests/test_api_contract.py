"""The API answers bad input with 400 and field messages, and its schema documents every answer."""
from django.urls import reverse


def test_a_malformed_if_match_is_bad_input_and_a_stale_one_a_conflict(world, api_client_for):
    api = api_client_for(world.own.users["member_lead"])
    url = reverse("api-action-detail", kwargs={"pk": world.own.action.pk})
    body = {"status": "on_track", "progress": 10}
    bad = api.patch(url, body, format="json", HTTP_IF_MATCH='W/"|j7GJHW0"')
    assert bad.status_code == 400 and bad.json() == {"If-Match": ['Send the ETag you read, for example "3".']}
    stale = api.patch(url, body, format="json", HTTP_IF_MATCH=f'"{world.own.action.version + 5}"')
    assert stale.status_code == 412 and stale.json()["current_version"] == world.own.action.version
    fresh = api.patch(url, body, format="json", HTTP_IF_MATCH=f'W/"{world.own.action.version}"')
    assert fresh.status_code == 200 and fresh["ETag"] == f'"{world.own.action.version + 1}"'


def test_a_page_size_that_is_not_a_positive_whole_number_is_bad_input(world, api_client_for):
    api = api_client_for(world.own.users["manager"])
    for value in ("0", "null", "-3"):
        response = api.get("/api/v1/actions/", {"page_size": value})
        assert response.status_code == 400 and response.json() == {"page_size": ["Enter a whole number from 1 to 200."]}
    assert api.get("/api/v1/actions/", {"page_size": "5000"}).status_code == 200


def test_a_filter_naming_an_unknown_or_foreign_choice_is_a_400_naming_it(world, api_client_for):
    """Agencies and components are choices from the caller's own partnership: naming another is bad input
    (400, with the filter named), never a way to learn about another partnership's records."""
    api = api_client_for(world.own.users["manager"])
    for query in ({"lead_agency": 0}, {"lead_agency": world.other.lead_agency.pk}, {"core_component": 0},
                  {"lead_agency": "x"}):
        response = api.get("/api/v1/actions/", query)
        assert response.status_code == 400 and list(response.json()) == list(query), query
    # A strategy id is a plain number: another partnership's strategy simply matches nothing of the caller's.
    response = api.get("/api/v1/actions/", {"strategy": world.other.strategy.pk})
    assert response.status_code == 200 and response.json()["results"] == []


def test_the_schema_documents_error_answers_and_refuses_unknown_fields(world, api_client_for):
    schema = api_client_for(world.own.users["manager"]).get("/api/schema/", {"format": "json"}).json()
    patch = schema["paths"]["/api/v1/actions/{id}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "412", "429"} <= set(patch["responses"])
    assert schema["components"]["schemas"]["ActionProgressRequest"]["additionalProperties"] is False
    assert schema["components"]["schemas"]["ActionProgressRequest"]["required"] == ["progress", "status"]
    for path in schema["paths"].values():
        for operation in path.values():
            assert {"401", "403", "404"} <= set(operation["responses"])


def test_an_empty_if_match_is_bad_input(world, api_client_for):
    api = api_client_for(world.own.users["member_lead"])
    url = reverse("api-action-detail", kwargs={"pk": world.own.action.pk})
    response = api.patch(url, {"status": "on_track", "progress": 10}, format="json", HTTP_IF_MATCH="")
    assert response.status_code == 400 and "If-Match" in response.json()


def test_a_url_under_the_api_that_matches_nothing_answers_json(world, api_client_for, client):
    api = api_client_for(world.own.users["manager"])
    response = api.get("/api/v1/actions/0.5/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()

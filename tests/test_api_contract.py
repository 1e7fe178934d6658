"""The API answers bad input with 400 and field messages, and its schema documents every answer."""
import json

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
    assert {"200", "400", "401", "403", "404", "412", "414", "428", "429"} <= set(patch["responses"])
    assert schema["components"]["schemas"]["ActionProgressRequest"]["additionalProperties"] is False
    assert schema["components"]["schemas"]["ActionProgressRequest"]["required"] == ["progress", "status"]
    for path in schema["paths"].values():
        for operation in path.values():
            assert {"401", "403", "404", "414"} <= set(operation["responses"])


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


def _schema(api):
    return api.get("/api/schema/", {"format": "json"}).json()


def test_an_empty_query_parameter_is_the_same_as_leaving_it_out_and_the_schema_says_so(world, api_client_for):
    """django-filter's convention, kept by every query parameter of every operation (`?status=` included):
    an empty value is no value, as an HTML form's empty field sends it."""
    api = api_client_for(world.own.users["manager"])
    checked = []
    for path, item in _schema(api)["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                assert parameter["allowEmptyValue"] is True, (path, parameter["name"])
                record = world.own.strategy if path.startswith("/api/v1/strategies/") else world.own.action
                url = path.replace("{id}", str(record.pk))
                left_out, empty = api.get(url), api.get(url, {parameter["name"]: ""})
                assert (empty.status_code, empty.json()) == (200, left_out.json()), (path, parameter["name"])
                checked.append(f"{path}?{parameter['name']}=")
    assert "/api/v1/actions/?status=" in checked and len(checked) >= 17


def test_a_filter_value_outside_its_choices_is_a_400_naming_the_filter(world, api_client_for):
    api = api_client_for(world.own.users["manager"])
    refused = {
        "status=finished": {"status": ["Select a valid choice. finished is not one of the available choices."]},
        "status=on_track&status=done": {"status": ["Select a valid choice. done is not one of the available choices."]},
        "overdue=perhaps": {"overdue": ["Enter true or false."]},
        "stale=1": {"stale": ["Enter true or false."]},
    }
    for query, body in refused.items():
        response = api.get(f"/api/v1/actions/?{query}")
        assert (response.status_code, response.json()) == (400, body), query
    # An empty value among real ones adds nothing: the real ones still filter.
    world.own.action.status = "on_track"
    world.own.action.save()
    with_empty = api.get("/api/v1/actions/?status=at_risk&status=").json()
    assert with_empty == api.get("/api/v1/actions/?status=at_risk").json() and with_empty["count"] == 0


def test_every_text_field_of_every_request_body_refuses_a_number(world, api_client_for):
    """A number where the schema says string is a 400 naming the field, never a value silently turned into
    text ({"narrative": 5} once recorded the narrative "5"). Every operation with a request body is here: a new
    one fails this test until it is added."""
    from django.core.cache import cache

    cache.clear()  # the token exchange's per-address throttle must not be what answers here
    lead, action = world.own.users["member_lead"], world.own.action
    api = api_client_for(lead)
    valid_bodies = {
        ("post", "/api/v1/auth/token/"): {"email": lead.email, "password": "not the password"},
        ("patch", "/api/v1/actions/{id}/"): {"status": "on_track", "progress": 10, "narrative": "Started.",
                                             "evidence_url": "https://example.org/minutes"},
    }
    schema = _schema(api)
    with_bodies = {(method, path) for path, item in schema["paths"].items() for method, operation in item.items()
                   if "requestBody" in operation}
    assert with_bodies == set(valid_bodies)
    refused = []
    for (method, path), body in valid_bodies.items():
        operation = schema["paths"][path][method]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        properties = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
        for name, declared in properties.items():
            if "string" not in json.dumps(declared) and "$ref" not in declared:
                continue
            for number in (5, 5.5):
                response = getattr(api, method)(
                    path.replace("{id}", str(action.pk)), {**body, name: number}, format="json",
                    HTTP_IF_MATCH=f'"{action.version}"',
                )
                assert response.status_code == 400 and list(response.json()) == [name], (path, name, number)
                refused.append((name, response.json()[name][0]))
    assert set(refused) >= {("narrative", "Not a valid string."), ("evidence_url", "Not a valid string."),
                            ("email", "Not a valid string."), ("password", "Not a valid string.")}
    action.refresh_from_db()
    assert action.version == 1 and not action.updates.exists()

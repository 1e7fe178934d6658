"""The API as a data source: ids with labels that the filters take, updated_since, the trend, the flat feeds,
the plan downloads with the page's filters, and conditional answers (ETag, 304, a cache never staler than the
database)."""
import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from actionplan import services, transfer
from actionplan.feeds import ACTION_COLUMNS, SNAPSHOT_COLUMNS, UPDATE_COLUMNS
from actionplan.models import Action
from actionplan.tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def _progress(api, strategy, **headers):
    return api.get(f"/api/v1/strategies/{strategy.pk}/progress/", **headers)


def test_it_names_every_related_record_by_id_with_its_label_and_the_filters_take_those_ids(world, api_client_for):
    side = world.own
    api = api_client_for(side.users["manager"])
    row = api.get("/api/v1/actions/", {"strategy": side.strategy.pk}).json()["results"][0]
    assert {k: row[k] for k in ("aim", "aim_number", "aim_title", "outcome", "outcome_reference", "lead_agency",
                                 "lead_agency_name")} == {
        "aim": side.aim.pk, "aim_number": side.aim.number, "aim_title": side.aim.title, "outcome": side.outcome.pk,
        "outcome_reference": side.outcome.reference, "lead_agency": side.lead_agency.pk,
        "lead_agency_name": side.lead_agency.name,
    }
    for name in ("aim", "outcome", "lead_agency", "strategy"):
        found = api.get("/api/v1/actions/", {name: row[name]}).json()["results"]
        assert [r["id"] for r in found] == [side.action.pk], name


def test_an_unknown_aim_and_another_partnerships_aim_get_the_same_answer(world, api_client_for):
    api = api_client_for(world.own.users["manager"])
    unknown = api.get("/api/v1/actions/", {"aim": 999999})
    foreign = api.get("/api/v1/actions/", {"aim": world.other.aim.pk})
    assert unknown.status_code == foreign.status_code == 400
    assert list(unknown.json()) == list(foreign.json()) == ["aim"]
    assert unknown.json()["aim"][0].replace("999999", "N") == foreign.json()["aim"][0].replace(
        str(world.other.aim.pk), "N")


def test_updated_since_returns_only_what_changed(world, api_client_for):
    side = world.own
    lead = side.users["member_lead"]
    old = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.7")
    Action.objects.filter(pk__in=[old.pk, side.action.pk]).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    mark = timezone.now() - datetime.timedelta(seconds=1)
    update = services.action_update_progress(action=side.action, actor=lead, status="on_track", progress=5)
    api = api_client_for(side.users["manager"])
    since = mark.isoformat()
    assert [r["id"] for r in api.get("/api/v1/actions/", {"updated_since": since}).json()["results"]] == [
        side.action.pk]
    assert [r["id"] for r in api.get("/api/v1/updates/", {"updated_since": since}).json()["results"]] == [update.pk]
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    assert api.get("/api/v1/updates/", {"updated_since": later}).json()["results"] == []
    bad = api.get("/api/v1/actions/", {"updated_since": "last tuesday"})
    assert bad.status_code == 400 and list(bad.json()) == ["updated_since"]


def test_the_updates_list_never_shows_another_partnership(world, api_client_for):
    services.action_update_progress(action=world.other.action, actor=world.other.users["manager"],
                                    status="on_track", progress=5)
    assert api_client_for(world.own.users["manager"]).get("/api/v1/updates/").json()["results"] == []


def test_the_trend_has_the_strategy_each_aim_and_each_agency_day_by_day(world, api_client_for):
    side = world.own
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.progress_snapshot_take(strategy_id=side.strategy.pk, day=yesterday)
    services.action_update_progress(action=side.action, actor=side.users["manager"], status="completed",
                                    progress=100, narrative="Done.")
    services.progress_snapshot_take(strategy_id=side.strategy.pk, day=timezone.localdate())
    body = api_client_for(side.users["scrutineer"]).get(f"/api/v1/strategies/{side.strategy.pk}/trend/").json()
    assert [p["completed_percent"] for p in body["points"]] == [0.0, 100.0]
    assert body["by_aim"][0]["aim"] == side.aim.pk and body["by_aim"][0]["aim_title"] == side.aim.title
    assert [p["by_status"]["completed"] for p in body["by_aim"][0]["points"]] == [0, 1]
    assert body["by_agency"] == [{
        "lead_agency": side.lead_agency.pk, "lead_agency_name": side.lead_agency.name,
        "points": [
            {"date": yesterday.isoformat(), "total": 1, "completed_percent": 0.0, "overdue": 0, "stale": 0,
             "by_status": {"not_started": 1, "on_track": 0, "at_risk": 0, "off_track": 0, "completed": 0,
                           "cancelled": 0}},
            {"date": timezone.localdate().isoformat(), "total": 1, "completed_percent": 100.0, "overdue": 0,
             "stale": 0, "by_status": {"not_started": 0, "on_track": 0, "at_risk": 0, "off_track": 0,
                                       "completed": 1, "cancelled": 0}},
        ],
    }]


# -- feeds -------------------------------------------------------------------------------------------------

def _read_csv(response):
    """As a "From Web" CSV connector reads it: UTF-8 with a byte order mark, comma delimited, quoted."""
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=",", quotechar='"'))


def test_the_actions_feed_is_a_flat_csv_with_stable_columns_fetched_with_the_token_header(world, api_client_for):
    side = world.own
    services.action_update_progress(action=side.action, actor=side.users["manager"], status="on_track",
                                    progress=30, narrative="=SUM(A1) is not a formula here")
    response = api_client_for(side.users["viewer"]).get("/api/v1/feeds/actions.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert _read_csv(response) == [ACTION_COLUMNS]  # a viewer reads published plans only
    response = api_client_for(side.users["scrutineer"]).get("/api/v1/feeds/actions.csv")
    header, *rows = _read_csv(response)
    assert header == ACTION_COLUMNS and len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert row["id"] == str(side.action.pk) and row["aim_id"] == str(side.aim.pk)
    assert row["lead_agency_name"] == side.lead_agency.name and row["status"] == "on_track"
    assert row["progress"] == "30" and row["overdue"] == "false"
    assert row["latest_note"] == "'=SUM(A1) is not a formula here"
    assert b'"on_track"' in response.content  # text is quoted
    assert api_client_for(None).get("/api/v1/feeds/actions.csv").status_code == 401


def test_the_updates_and_snapshots_feeds_have_their_columns_in_csv_and_json_lines(world, api_client_for):
    side = world.own
    update = services.action_update_progress(action=side.action, actor=side.users["manager"], status="on_track",
                                             progress=10, narrative="Started.")
    services.progress_snapshot_take(strategy_id=side.strategy.pk, day=timezone.localdate())
    api = api_client_for(side.users["manager"])
    header, row = _read_csv(api.get("/api/v1/feeds/updates.csv"))
    assert header == UPDATE_COLUMNS and row[0] == str(update.pk) and row[UPDATE_COLUMNS.index("narrative")] == "Started."
    header, *rows = _read_csv(api.get("/api/v1/feeds/snapshots.csv"))
    assert header == SNAPSHOT_COLUMNS
    assert [(r[2], r[3]) for r in rows] == [("strategy", str(side.strategy.pk)), ("aim", str(side.aim.pk)),
                                             ("lead_agency", str(side.lead_agency.pk))]
    lines = api.get("/api/v1/feeds/updates.jsonl").content.decode().splitlines()
    assert [list(json.loads(line)) for line in lines] == [UPDATE_COLUMNS]
    lines = api.get("/api/v1/feeds/actions.jsonl", {"strategy": side.strategy.pk}).content.decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [side.action.pk]
    assert api.get("/api/v1/feeds/actions.xml").status_code == 404
    assert api.get("/api/v1/feeds/actions.csv", {"aim": world.other.aim.pk}).status_code == 400


# -- plan downloads ----------------------------------------------------------------------------------------

def test_the_plan_download_carries_the_pages_filters_and_the_overdue_last_update_and_note_columns(world, client):
    side = world.own
    overdue = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2",
                            completion_date=timezone.localdate() - datetime.timedelta(days=3))
    services.action_update_progress(action=overdue, actor=side.users["manager"], status="at_risk", progress=5,
                                    narrative="Waiting for the health board.")
    client.force_login(side.users["manager"])
    url = reverse("plan_export", kwargs={"slug": side.slug, "pk": side.strategy.pk, "fmt": "csv"})
    header, *rows = list(csv.reader(io.StringIO(client.get(url, {"overdue": "true"}).content.decode("utf-8-sig"))))
    assert header == transfer.COLUMNS and header[-3:] == ["Overdue", "Last update", "Latest note"]
    assert [r[1] for r in rows] == ["1.2"]
    assert rows[0][-3:] == ["Yes", timezone.localdate().isoformat(), "Waiting for the health board."]
    assert len(list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))) == 3
    page = client.get(reverse("action_plan", kwargs={"slug": side.slug, "pk": side.strategy.pk}), {"overdue": "true"})
    assert 'export.csv?overdue=true"' in page.content.decode()


# -- conditional answers -----------------------------------------------------------------------------------

def test_a_304_carries_no_body_and_the_etag_stays_while_nothing_changes(world, api_client_for):
    side = world.own
    api = api_client_for(side.users["manager"])
    first = _progress(api, side.strategy)
    assert first.status_code == 200 and first["ETag"]
    again = _progress(api, side.strategy, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == first["ETag"]
    listed = api.get("/api/v1/actions/")
    repeat = api.get("/api/v1/actions/", HTTP_IF_NONE_MATCH=listed["ETag"])
    assert repeat.status_code == 304 and repeat.content == b""
    # Writes elsewhere (another partnership's action, this strategy's sections) change nothing here.
    services.action_update_progress(action=world.other.action, actor=world.other.users["manager"],
                                    status="on_track", progress=5)
    from strategy.services import section_update

    section_update(section=side.section, actor=side.users["manager"], title=side.section.title, body="Changed.",
                   expected_revision=side.section.revision)
    assert _progress(api, side.strategy)["ETag"] == first["ETag"]
    assert api.get("/api/v1/actions/")["ETag"] == listed["ETag"]


def test_a_304_costs_the_token_and_one_indexed_query(world, api_client_for, django_assert_num_queries):
    side = world.own
    api = api_client_for(side.users["manager"])
    etag = _progress(api, side.strategy)["ETag"]
    with django_assert_num_queries(2):  # the token with its memberships; the strategy's version
        assert _progress(api, side.strategy, HTTP_IF_NONE_MATCH=etag).status_code == 304
    etag = api.get("/api/v1/actions/")["ETag"]
    with django_assert_num_queries(2):
        assert api.get("/api/v1/actions/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(2):  # a cached full answer: no serializer, no aggregate
        assert _progress(api, side.strategy).status_code == 200


def _figures(api, strategy):
    response = _progress(api, strategy)
    body = response.json()
    return response["ETag"], body["total"], {row["status"]: row["count"] for row in body["by_status"]}


def _write_through_the_web(world, client):
    side = world.own
    client.force_login(side.users["member_lead"])
    response = client.post(reverse("action_update", kwargs={"slug": side.slug, "pk": side.action.pk}),
                           {"status": "at_risk", "progress": 20, "narrative": "Slipping.",
                            "version": Action.objects.get(pk=side.action.pk).version})
    assert response.status_code == 302


def _write_through_the_api(world, api_client_for):
    side = world.own
    version = Action.objects.get(pk=side.action.pk).version
    response = api_client_for(side.users["member_lead"]).patch(
        f"/api/v1/actions/{side.action.pk}/", {"status": "at_risk", "progress": 20}, format="json",
        HTTP_IF_MATCH=f'"{version}"')
    assert response.status_code == 200


def _write_through_an_import(world):
    side = world.own
    rows = [(2, {"ID": str(side.action.pk), "Action": side.action.text, "Leadership": side.lead_agency.name,
                 "Intended outcome": f"{side.outcome.reference} {side.outcome.text}", "Status": "At risk",
                 "Progress": "20"})]
    assert services.plan_import(strategy=side.strategy, rows=rows, actor=side.users["manager"], apply=True)["applied"]


@pytest.mark.parametrize("way", ["web", "api", "import"])
def test_every_way_of_writing_an_action_changes_the_etag_and_the_cached_answer(way, world, client, api_client_for):
    side = world.own
    api = api_client_for(side.users["scrutineer"])
    etag, total, counts = _figures(api, side.strategy)
    assert counts["at_risk"] == 0
    {"web": lambda: _write_through_the_web(world, client), "api": lambda: _write_through_the_api(world, api_client_for),
     "import": lambda: _write_through_an_import(world)}[way]()
    new_etag, _, counts = _figures(api, side.strategy)
    assert new_etag != etag and counts["at_risk"] == 1
    assert _progress(api, side.strategy, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_adding_editing_and_deleting_actions_are_never_served_stale(world, api_client_for):
    side = world.own
    api = api_client_for(side.users["manager"])
    manager = side.users["manager"]
    assert _figures(api, side.strategy)[1] == 1
    added = services.action_create(outcome=side.outcome, actor=manager, text="Train school staff.",
                                   lead_agency=side.lead_agency)
    assert _figures(api, side.strategy)[1] == 2
    services.action_edit(action=added, actor=manager, status="on_track", progress=10)
    assert _figures(api, side.strategy)[2]["on_track"] == 1
    spare = services.action_create(outcome=side.outcome, actor=manager, text="Entered by mistake.",
                                   lead_agency=side.lead_agency)
    assert _figures(api, side.strategy)[1] == 3
    services.action_delete(action=spare, actor=manager)
    assert _figures(api, side.strategy)[1] == 2
    listed = api.get("/api/v1/actions/", {"strategy": side.strategy.pk}).json()["results"]
    assert len(listed) == Action.objects.filter(strategy=side.strategy).count()
    from strategy.services import aim_update

    aim_update(aim=side.aim, actor=manager, title="Children are safer at school")
    progress = _progress(api, side.strategy).json()
    assert progress["by_aim"][0]["aim_title"] == progress["by_aim"][0]["title"] == "Children are safer at school"
    assert progress["by_agency"][0]["lead_agency"] == side.lead_agency.pk


def test_a_new_version_changes_the_list_etag_but_not_the_old_plans_progress(world, api_client_for):
    from reviews.versions import strategy_new_version

    side = world.own
    api = api_client_for(side.users["manager"])
    progress_etag = _progress(api, side.strategy)["ETag"]
    list_etag = api.get("/api/v1/actions/")["ETag"]
    new = strategy_new_version(strategy=side.strategy, actor=side.users["manager"], version_label="2.0")
    assert api.get("/api/v1/actions/", HTTP_IF_NONE_MATCH=list_etag).status_code == 200
    assert _progress(api, side.strategy)["ETag"] == progress_etag
    assert _figures(api, new)[1] == 1

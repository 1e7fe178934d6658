"""Per-record history: who changed what and when, permission-checked like the record itself."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from actionplan.services import action_update_progress
from reviews.selectors import record_history
from strategy import services
from strategy.tests.factories import ReviewRoundFactory


def history_url(side, kind, obj_pk, strategy=None):
    return reverse("record_history", kwargs={
        "slug": side.slug, "pk": (strategy or side.strategy).pk, "kind": kind, "obj_pk": obj_pk,
    })


def test_it_lists_who_changed_which_fields(world, client):
    side = world.own
    manager = side.users["manager"]
    services.section_update(section=side.section, actor=manager, title="Introduction and purpose",
                            body="First line.\nSecond line.", expected_revision=side.section.revision)
    services.section_update(section=side.section, actor=manager, title="Introduction and purpose",
                            body="First line.\nSecond line, changed.", expected_revision=side.section.revision + 1)
    client.force_login(side.users["scrutineer"])
    response = client.get(history_url(side, "section", side.section.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("Changed ") >= 2 and escape(str(manager)) in body  # a name such as O'Brien is escaped in the page
    assert '<del><span class="govuk-visually-hidden">Removed: </span>Second line.</del>' in body
    assert '<ins><span class="govuk-visually-hidden">Added: </span>Second line, changed.</ins>' in body
    assert "Introduction and purpose" in body


def test_the_selector_reports_each_field_change_newest_first(world):
    side = world.own
    manager = side.users["manager"]
    services.strategy_update(strategy=side.strategy, actor=manager, title="New title")
    services.strategy_update(strategy=side.strategy, actor=manager, strapline="Together")
    entries = record_history(side.strategy)["entries"]
    assert [(e["who"], [(c["field"], c["new"]) for c in e["changes"]]) for e in entries[:2]] == [
        (manager, [("strapline", "Together")]),
        (manager, [("title", "New title")]),
    ]


def test_action_history_shows_status_and_progress(world, client):
    side = world.own
    action_update_progress(action=side.action, actor=side.users["member_lead"], status="on_track", progress=30)
    client.force_login(side.users["member_other"])
    body = client.get(history_url(side, "action", side.action.pk)).content.decode()
    assert escape(str(side.users["member_lead"])) in body
    assert "On track" in body and "30" in body


def test_a_record_of_another_strategy_is_not_found(world, client):
    side = world.own
    client.force_login(side.users["manager"])
    assert client.get(history_url(side, "section", world.other.section.pk)).status_code == 404
    assert client.get(history_url(side, "aim", world.other.aim.pk)).status_code == 404
    assert client.get(history_url(side, "strategy", world.other.strategy.pk)).status_code == 404
    assert client.get(history_url(side, "review", side.section.pk)).status_code == 404
    assert client.get(history_url(side, "outcome", side.outcome.pk)).status_code == 200


@pytest.mark.parametrize("status,viewer_sees", [("draft", False), ("published", True)])
def test_viewers_see_history_only_of_published_strategies(world, client, status, viewer_sees):
    side = world.own
    type(side.strategy).objects.filter(pk=side.strategy.pk).update(status=status)
    client.force_login(side.users["viewer"])
    assert client.get(history_url(side, "aim", side.aim.pk)).status_code == (200 if viewer_sees else 404)


def test_the_history_page_answers_in_the_same_number_of_queries_at_two_sizes(world, client):
    side = world.own
    manager = side.users["manager"]
    client.force_login(manager)

    def grow(n):
        for i in range(n):
            side.section.refresh_from_db()
            services.section_update(section=side.section, actor=manager, title=side.section.title,
                                    body=f"Version {i} {n}", expected_revision=side.section.revision)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(history_url(side, "section", side.section.pk)).status_code == 200
        return len(ctx.captured_queries)

    grow(3)
    small = count()
    grow(40)
    assert count() == small
    ReviewRoundFactory(strategy=side.strategy)  # unrelated records do not show up
    assert count() == small


def test_a_changed_link_shows_the_names_of_both_records(world):
    side = world.own
    action = side.action
    action.lead_agency = side.other_agency
    action.save()
    changes = record_history(action)["entries"][0]["changes"]
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [
        ("lead agency", side.lead_agency.name, side.other_agency.name)
    ]

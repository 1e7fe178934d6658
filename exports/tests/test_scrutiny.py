"""Scrutiny of an export: challenges open → responded → closed with history, and what changed since."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan.tests.factories import ActionFactory
from exports.document import build_document
from exports.models import ChallengeStatus, ExportChallenge, ExportSeen, StrategyExport
from partnerships.models import AuditEvent
from strategy.tests.factories import StrategicAimFactory

pytestmark = pytest.mark.django_db


def snapshot_export(side, **extra):
    _, snapshot = build_document(side.strategy)
    return StrategyExport.objects.create(
        strategy=side.strategy, version_label=side.strategy.version_label, strategy_status="draft",
        status="done", fingerprint="f" * 64, content_snapshot=snapshot, **extra,
    )


def post_reply(client, name, side, challenge, text):
    url = reverse(name, kwargs={"slug": side.slug, "pk": challenge.pk})
    return client.post(url, {f"c{challenge.pk}-text": text, f"c{challenge.pk}-version": challenge.version})


def test_it_takes_a_challenge_from_open_to_closed_keeping_the_history(world, client):
    side = world.own
    export = snapshot_export(side)
    section = next(s for s in export.content_snapshot["sections"] if s["title"] == "Action plan")
    scrutineer, manager = side.users["scrutineer"], side.users["manager"]

    client.force_login(scrutineer)
    response = client.post(reverse("challenge_create", kwargs={"slug": side.slug, "pk": export.pk}), {
        "section_key": section["key"], "page_reference": "14",
        "text": "Which agency leads the work on health pathways?",
    })
    assert response.status_code == 302
    challenge = ExportChallenge.objects.get(export=export)
    assert (challenge.author, challenge.status, challenge.where) == (scrutineer, "open", "Action plan, page 14")

    # The scrutineer cannot answer their own challenge; the business manager can.
    assert post_reply(client, "challenge_respond", side, challenge, "Self-answer").status_code == 403
    client.force_login(manager)
    assert post_reply(client, "challenge_close", side, challenge, "").status_code == 403
    post_reply(client, "challenge_respond", side, challenge, "The ICB leads it; see action 6.2.")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.RESPONDED

    client.force_login(scrutineer)
    post_reply(client, "challenge_follow_up", side, challenge, "Action 6.2 has no date.")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN
    client.force_login(manager)
    post_reply(client, "challenge_respond", side, challenge, "Dated to year 2 now.")
    challenge.refresh_from_db()
    client.force_login(scrutineer)
    post_reply(client, "challenge_close", side, challenge, "Satisfied.")
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED

    history = [(e.kind, e.author, e.status_from, e.status_to) for e in challenge.entries.all()]
    assert history == [
        ("raised", scrutineer, "", "open"),
        ("response", manager, "open", "responded"),
        ("follow_up", scrutineer, "responded", "open"),
        ("response", manager, "open", "responded"),
        ("closed", scrutineer, "responded", "closed"),
    ]
    assert AuditEvent.objects.filter(object_type="exports.exportchallenge").count() == 5
    # A closed challenge takes no more responses.
    client.force_login(manager)
    post_reply(client, "challenge_respond", side, challenge, "One more thing")
    assert challenge.entries.count() == 5


def test_a_stale_reply_is_refused(world, client):
    side = world.own
    export = snapshot_export(side)
    challenge = ExportChallenge.objects.create(export=export, author=side.users["scrutineer"], text="Why?")
    client.force_login(side.users["manager"])
    stale = challenge.version
    post_reply(client, "challenge_respond", side, challenge, "First answer")
    response = client.post(reverse("challenge_respond", kwargs={"slug": side.slug, "pk": challenge.pk}),
                           {f"c{challenge.pk}-text": "Second answer", f"c{challenge.pk}-version": stale})
    assert response.status_code == 302
    assert list(challenge.entries.values_list("text", flat=True)) == ["First answer"]


def test_an_empty_challenge_is_shown_with_its_error(world, client):
    side = world.own
    export = snapshot_export(side)
    client.force_login(side.users["scrutineer"])
    response = client.post(reverse("challenge_create", kwargs={"slug": side.slug, "pk": export.pk}),
                           {"section_key": "", "page_reference": "3", "text": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert 'value="3"' in response.content.decode()
    assert not ExportChallenge.objects.exists()


def test_the_exports_page_summarises_open_challenges(world, client):
    side = world.own
    export = snapshot_export(side)
    for status in ("open", "open", "responded", "closed"):
        ExportChallenge.objects.create(export=export, author=side.users["scrutineer"], text="Q", status=status)
    client.force_login(side.users["manager"])
    page = client.get(reverse("export_list", kwargs={"slug": side.slug, "pk": side.strategy.pk})).content.decode()
    assert "2 open, 1 responded, 1 closed" in page


def test_it_shows_what_changed_since_the_export_the_scrutineer_last_saw(world, client):
    side = world.own
    seen = snapshot_export(side)
    ExportSeen.objects.create(export=seen, user=side.users["scrutineer"])
    side.action.text = "Reworded: review every strategy discussion jointly"
    side.action.status = "on_track"
    side.action.save()
    ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2", text="A brand new action")
    section = side.extra_section
    section.body = "Children told us they want to be believed.\nThey want adults to act."
    section.save()
    StrategicAimFactory(strategy=side.strategy, number=2, title="A second aim")
    snapshot_export(side)  # not seen by the scrutineer: the comparison skips it
    side.strategy.refresh_from_db()
    latest = snapshot_export(side)

    client.force_login(side.users["scrutineer"])
    response = client.get(reverse("export_changes", kwargs={"slug": side.slug, "pk": latest.pk}))
    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert f'<option value="{seen.pk}" selected>' in page
    assert "Added</strong> 1.2 A brand new action" in page
    assert "Added</strong> 2 A second aim" in page
    assert "Changed</strong> 1.1 Reworded: review every strategy discussion jointly" in page
    assert "status: Not started → On track" in page and "not_started" not in page
    # The changed section shows its text before and after.
    assert '<ins class="portal-diff-added" aria-label="Added">Children told us they want to be believed.</ins>' in page


def test_comparing_with_an_export_of_another_strategy_is_not_found(world, client):
    side = world.own
    latest = snapshot_export(side)
    client.force_login(side.users["scrutineer"])
    response = client.get(reverse("export_changes", kwargs={"slug": side.slug, "pk": latest.pk}),
                          {"since": world.other.export.pk})
    assert response.status_code == 404


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def add_challenges(export, author, n):
    for _ in range(n):
        challenge = ExportChallenge.objects.create(export=export, author=author, text="Where is this measured?")
        challenge.entries.create(author=author, kind="raised", text=challenge.text, status_to="open")


@pytest.mark.parametrize("page", ["export_list", "export_detail"])
def test_export_pages_take_the_same_number_of_queries_at_any_size(world, client, page):
    side = world.own
    export = snapshot_export(side)
    client.force_login(side.users["scrutineer"])
    url = reverse(page, kwargs={"slug": side.slug, "pk": side.strategy.pk if page == "export_list" else export.pk})
    add_challenges(export, side.users["scrutineer"], 2)
    count_queries(client, url)  # the first visit also records that the export was seen
    small = count_queries(client, url)
    for _ in range(10):
        add_challenges(snapshot_export(side), side.users["scrutineer"], 1)
    add_challenges(export, side.users["scrutineer"], 20)
    assert count_queries(client, url) == small

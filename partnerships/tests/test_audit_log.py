"""The access log records refusals without personal data; business managers read their partnership's log."""
import logging

import pytest
from django.urls import reverse

from partnerships.audit import record
from partnerships.logfilters import RedactPersonalDataFilter, redact
from partnerships.models import AuditEvent


def _denied():
    return list(AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).values("actor__email", "partnership__slug", "summary"))


def test_it_logs_a_404_for_another_partnerships_object(world, client):
    client.force_login(world.own.users["manager"])
    url = reverse("action_detail", kwargs={"slug": world.own.slug, "pk": world.other.action.pk})
    assert client.get(url + "?q=secret").status_code == 404
    assert _denied() == [{
        "actor__email": "manager@ashvale.example", "partnership__slug": "ashvale",
        "summary": f"GET {url} answered 404",
    }]


def test_it_logs_a_403_refusal_and_an_api_refusal_by_token(world, client, api_client_for):
    client.force_login(world.own.users["viewer"])
    assert client.get(reverse("audit_list", kwargs={"slug": world.own.slug})).status_code == 403
    api = api_client_for(world.own.users["scrutineer"])
    url = reverse("api-action-detail", kwargs={"pk": world.own.action.pk})
    assert api.patch(url, {"status": "completed", "progress": 100, "narrative": "A named child"}, format="json").status_code == 403
    events = _denied()
    assert [e["actor__email"] for e in events] == ["scrutineer@ashvale.example", "viewer@ashvale.example"]
    assert events[0]["summary"] == f"PATCH {url} answered 403"
    assert not any("child" in str(e) for e in events)


def test_it_does_not_log_anonymous_or_allowed_requests(world, client):
    client.get(reverse("audit_list", kwargs={"slug": world.other.slug}))
    client.force_login(world.own.users["manager"])
    client.get(reverse("audit_list", kwargs={"slug": world.own.slug}))
    assert _denied() == []


def test_the_log_filter_strips_personal_data_and_case_detail():
    text = redact(
        "Update by jo.bloggs@example.org for child born 03/04/2015 at SW1A 1AA, NHS 943 476 5919, "
        "phone 07700 900123, narrative='Disclosed to teacher' body: Sensitive Token abcdef0123456789abcd"
    )
    for leaked in ("jo.bloggs", "03/04/2015", "SW1A", "943 476", "07700", "Disclosed", "Sensitive", "abcdef0123"):
        assert leaked not in text
    assert text.startswith("Update by [redacted] for child born [redacted]")


def test_the_filter_is_on_the_application_log_handlers():
    handler = logging.getLogger().handlers[0]
    assert any(isinstance(f, RedactPersonalDataFilter) for f in handler.filters)
    record_ = logging.LogRecord("x", logging.ERROR, __file__, 1, "Failed for %s", ("a.person@example.org",), None)
    try:
        raise ValueError("case notes: the child's name")
    except ValueError:
        import sys

        record_.exc_info = sys.exc_info()
    RedactPersonalDataFilter().filter(record_)
    assert record_.getMessage() == "Failed for [redacted]" and "the child's name" not in record_.exc_text


def test_business_managers_read_and_filter_their_partnerships_log(world, client):
    own, other = world.own, world.other
    record(actor=own.users["member_lead"], verb="action.progress_updated", obj=own.action)
    record(actor=own.users["manager"], verb="strategy.updated", obj=own.strategy)
    record(actor=other.users["manager"], verb="strategy.updated", obj=other.strategy, summary="Brookfield secret")
    client.force_login(own.users["manager"])
    url = reverse("audit_log", kwargs={"slug": own.slug})
    page = client.get(url).content.decode()
    assert "action.progress_updated" in page and "strategy.updated" in page and "Brookfield" not in page
    filtered = client.get(url, {"actor": own.users["member_lead"].pk, "kind": "change"}).content.decode()
    assert "action.progress_updated" in filtered and "strategy.updated" not in filtered
    by_verb = client.get(url, {"verb": "strategy"}).content.decode()
    assert "strategy.updated" in by_verb and "action.progress_updated" not in by_verb


def test_a_bad_filter_shows_errors_and_keeps_what_was_typed(world, client):
    client.force_login(world.own.users["manager"])
    response = client.get(reverse("audit_log", kwargs={"slug": world.own.slug}),
                          {"date_from": "2026-05-01", "date_to": "2026-04-01", "verb": "action"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "The end date must be the same as or after the start date." in html
    assert 'value="action"' in html


@pytest.mark.parametrize("events", [3, 30])
def test_the_log_page_runs_a_fixed_number_of_queries(world, client, django_assert_num_queries, events):
    for _ in range(events):
        record(actor=world.own.users["manager"], verb="strategy.updated", obj=world.own.strategy)
    client.force_login(world.own.users["manager"])
    client.get(reverse("partnership", kwargs={"slug": world.own.slug}))  # warm the session
    with django_assert_num_queries(6):
        client.get(reverse("audit_log", kwargs={"slug": world.own.slug}))

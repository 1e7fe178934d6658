"""Items 3 and 11 to 15 of the outside attack, and security.txt."""
import logging
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import AuditEvent
from partnerships.tests.factories import AgencyFactory
from workforce import survey_guard
from workforce.models import SurveyAnswer, SurveyResponse
from workforce.services import question_add, survey_create

pytestmark = pytest.mark.django_db

MARKUP = '<meta http-equiv="refresh" content="0;url=https://attacker.example/"><script>alert(1)</script>'


@pytest.fixture
def survey(world):
    survey = survey_create(assessment=world.own.assessment, actor=world.own.users["manager"])
    survey.is_open = True
    survey.introduction = MARKUP
    survey.save()
    return survey


# -- 3: markup in anything an anonymous page shows ------------------------------------------------

def test_markup_in_every_field_of_the_anonymous_survey_page_is_escaped(client, world, survey):
    """The question text (both kinds), the agency names, the partnership's name and the introduction."""
    question_add(survey=survey, actor=world.own.users["manager"], text="Likert " + MARKUP, kind="likert", theme="other")
    question_add(survey=survey, actor=world.own.users["manager"], text="Free " + MARKUP, kind="free_text", theme="other")
    AgencyFactory(partnership=world.own.partnership, name="Agency " + MARKUP)
    world.own.partnership.name = "Partnership " + MARKUP
    world.own.partnership.save()
    for url in (reverse("survey_respond", kwargs={"token": survey.token}),):
        body = client.get(url).content.decode()
        assert "<meta http-equiv" not in body and "<script>alert" not in body
        assert "&lt;meta http-equiv" in body
    survey.is_open = False
    survey.save()
    body = client.get(reverse("survey_respond", kwargs={"token": survey.token})).content.decode()
    assert "<meta http-equiv" not in body and "<script>alert" not in body


# -- 11: one-time tokens and limits seen by every process -----------------------------------------

def test_a_form_token_is_refused_again_by_another_process(survey):
    """Each gunicorn worker has its own local-memory cache: clearing the cache stands for the next worker."""
    token = survey_guard.issue_form_token(survey)
    assert survey_guard.consume_form_token(survey, token) is None
    cache.clear()
    assert survey_guard.consume_form_token(survey, token) is not None
    assert not survey_guard.token_is_valid(survey, token)


def test_the_per_address_limit_is_counted_across_processes(survey, settings):
    settings.SURVEY_POSTS_PER_ADDRESS_PER_HOUR = 3
    for _ in range(3):
        assert survey_guard.allow_post(survey, "198.51.100.7")
        cache.clear()
    assert not survey_guard.allow_post(survey, "198.51.100.7")


# -- 12: filters are no existence oracle ----------------------------------------------------------

@pytest.mark.parametrize("path, param, of", [
    ("/api/v1/aims/", "strategy", "strategy"),
    ("/api/v1/outcomes/", "aim__strategy", "strategy"),
    ("/api/v1/outcomes/", "aim", "aim"),
    ("/api/v1/actions/", "strategy", "strategy"),
    ("/api/v1/actions/", "aim", "aim"),
    ("/api/v1/actions/", "lead_agency", "lead_agency"),
])
def test_another_partnerships_id_and_a_missing_id_get_the_same_answer(api_client_for, world, path, param, of):
    client = api_client_for(world.own.users["manager"])
    theirs = client.get(path, {param: getattr(world.other, of).pk})
    missing = client.get(path, {param: 999999})
    assert (theirs.status_code, theirs.json()) == (missing.status_code, missing.json())


# -- 13: password reset does the same work for any address ----------------------------------------

def test_a_password_reset_request_does_the_same_work_for_a_known_and_an_unknown_address(
        client, world, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("partnerships.tasks_support.enqueue", lambda task, *args: queued.append((task.name, args)))
    counts = []
    for email in (world.own.users["manager"].email, "nobody-here@example.org"):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": email})
        assert response.status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{counts}: the request looked the account up"
    assert [name for name, _ in queued] == ["partnerships.tasks.send_password_reset"] * 2
    assert mail.outbox == []


def test_the_reset_mail_is_sent_by_the_task(world):
    from partnerships.tasks import send_password_reset

    send_password_reset(world.own.users["manager"].email, "portal.example", True)
    send_password_reset("nobody-here@example.org", "portal.example", True)
    assert [m.to for m in mail.outbox] == [[world.own.users["manager"].email]]
    assert "https://portal.example/accounts/password-reset/" in mail.outbox[0].body


# -- 14: probes across partnerships reach the targeted partnership and the operator ----------------

def test_a_probe_of_another_partnership_is_logged_to_it_and_to_the_security_log(client, world, caplog):
    client.force_login(world.own.users["manager"])
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        response = client.get(reverse("survey_results", kwargs={"slug": world.other.slug, "pk": world.other.assessment.pk}))
    assert response.status_code == 404
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).latest("id")
    assert event.partnership_id == world.other.partnership.pk
    assert event.actor_id == world.own.users["manager"].pk
    assert any("cross-partnership" in r.getMessage() and world.other.slug in r.getMessage() for r in caplog.records)


# -- 15: survey requests leave no trace in the access log; response ids carry no order -----------

def test_survey_links_are_kept_out_of_the_access_log(caplog):
    from gunicorn.config import Config

    from partnership_portal.gunicorn_logging import PortalLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    logger = PortalLogger(cfg)
    written = []
    logger.access_log.handlers = [logging.Handler()]
    logger.access_log.handlers[0].emit = lambda record: written.append(record.getMessage())
    response = SimpleNamespace(status="302 Found", response_length=0, headers=[], sent=0)
    request = SimpleNamespace(headers=[], method="POST", path="/survey/x/", query="", version=(1, 1))
    for path in ("/survey/abcdefghijabcdefghijabcdefghijabcdef/", "/p/ashvale/"):
        environ = {"PATH_INFO": path, "REQUEST_METHOD": "POST", "REMOTE_ADDR": "192.0.2.44", "RAW_URI": path,
                   "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_USER_AGENT": "Mozilla/5.0 (attacker)"}
        logger.access(response, request, environ, __import__("datetime").timedelta(seconds=0.01))
    assert len(written) == 1 and "/p/ashvale/" in written[0] and "/survey/" not in written[0]

    import pathlib

    compose = pathlib.Path(__file__).resolve().parents[2].joinpath("docker-compose.yml").read_text()
    assert "partnership_portal.gunicorn_logging.PortalLogger" in compose


def test_response_and_answer_ids_carry_no_order(world):
    from workforce.tests.factories import SurveyResponseFactory

    survey = survey_create(assessment=world.own.assessment, actor=world.own.users["manager"])
    question = survey.questions.first()
    responses = [SurveyResponseFactory(survey=survey) for _ in range(12)]
    SurveyAnswer.objects.bulk_create(SurveyAnswer(response=r, question=question, rating=3) for r in responses)
    ids = [r.pk for r in responses]
    assert ids != sorted(ids) and min(ids) > 10**6
    answer_ids = list(SurveyAnswer.objects.filter(response__in=responses).values_list("id", flat=True))
    assert min(answer_ids) > 10**6
    assert SurveyResponse.objects.count() == 12


# -- security.txt ---------------------------------------------------------------------------------

def test_security_txt_has_the_rfc_9116_fields(client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines() if line)
    assert {"Contact", "Expires", "Canonical", "Policy", "Preferred-Languages"} <= set(fields)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", fields["Expires"])
    assert fields["Contact"].startswith(("mailto:", "https://"))

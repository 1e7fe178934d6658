"""The anonymous staff survey: answering through the link, flood protection, and results that
identify no one."""
import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from partnerships.models import AuditEvent
from workforce import survey_guard
from workforce.models import QuestionKind, SurveyAnswer, SurveyResponse
from workforce.selectors import suppress_counts, survey_results
from workforce.services import survey_create
from workforce.tests.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def survey(world):
    survey = survey_create(assessment=world.own.assessment, actor=world.own.users["manager"])
    survey.is_open = True
    survey.save()
    return survey


def link(survey):
    return reverse("survey_respond", kwargs={"token": survey.token})


def answers_for(survey, rating=4):
    data = {}
    for q in survey.questions.all():
        data[f"q{q.pk}"] = str(rating) if q.kind == QuestionKind.LIKERT else "More on harmful sexual behaviour."
    return data


def fresh_token(client, survey):
    response = client.get(link(survey))
    return response.context["form"].initial["form_token"]


def submit(client, survey, agency, role="practitioner", rating=4, ip="192.0.2.10", forwarded_for=None, **extra):
    data = {"form_token": fresh_token(client, survey), "agency": agency.pk if agency else "", "role": role,
            **answers_for(survey, rating), **extra}
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(link(survey), data, REMOTE_ADDR=ip, **headers)


def test_it_needs_no_sign_in_and_stores_one_anonymous_response(client, world, survey):
    response = submit(client, survey, world.own.lead_agency)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    stored = SurveyResponse.objects.get()
    assert (stored.survey, stored.agency, stored.role) == (survey, world.own.lead_agency, "practitioner")
    assert SurveyAnswer.objects.filter(response=stored).count() == survey.questions.count()


def test_a_signed_in_person_is_not_recorded_either(client, world, survey):
    client.force_login(world.own.users["member_lead"])
    submit(client, survey, world.own.lead_agency)
    assert SurveyResponse.objects.count() == 1
    assert not AuditEvent.objects.filter(object_type__startswith="workforce.surveyresponse").exists()


def test_a_response_has_no_field_that_could_hold_a_person_or_address():
    names = {f.name for f in SurveyResponse._meta.get_fields()} | {f.name for f in SurveyAnswer._meta.get_fields()}
    assert names == {"id", "survey", "agency", "role", "submitted_on", "release_batch", "answers", "response", "question", "rating",
                     "text"}


def test_nothing_is_written_to_the_audit_trail_for_a_response(client, world, survey):
    before = AuditEvent.objects.count()
    submit(client, survey, world.own.lead_agency)
    assert AuditEvent.objects.count() == before


def test_a_form_token_is_used_once(client, world, survey):
    token = fresh_token(client, survey)
    data = {"form_token": token, "agency": "", "role": "manager", **answers_for(survey)}
    assert client.post(link(survey), data).status_code == 200
    again = client.post(link(survey), data)
    assert "already been received" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_a_forged_token_is_refused(client, survey):
    data = {"form_token": "made-up:token", "agency": "", "role": "manager", **answers_for(survey)}
    response = client.post(link(survey), data)
    assert "could not be checked" in response.content.decode() and not SurveyResponse.objects.exists()


def test_one_address_cannot_flood_the_survey(client, world, survey, settings):
    settings.SURVEY_POSTS_PER_ADDRESS_PER_HOUR = 3
    for _ in range(3):
        assert submit(client, survey, None).status_code == 200
    flooded = submit(client, survey, None)
    assert flooded.status_code == 429 and SurveyResponse.objects.count() == 3
    other_address = submit(client, survey, None, ip="198.51.100.7")
    assert other_address.status_code == 200 and SurveyResponse.objects.count() == 4


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(client, survey, settings, trusted_proxies):
    """Every post reaches the portal from the proxy's address. Told to trust one proxy, the portal counts the
    address it forwarded for; told nothing, it ignores the header, which any client could write."""
    settings.SURVEY_POSTS_PER_ADDRESS_PER_HOUR = 2
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    proxy = "192.0.2.1"
    for _ in range(2):
        assert submit(client, survey, None, ip=proxy, forwarded_for="198.51.100.7").status_code == 200
    other_client = submit(client, survey, None, ip=proxy, forwarded_for="203.0.113.9")
    assert other_client.status_code == (200 if trusted_proxies else 429)
    assert SurveyResponse.objects.count() == (3 if trusted_proxies else 2)
    # A client writing the header itself gains nothing: the proxy appends the address it really came from.
    spoofed = submit(client, survey, None, ip=proxy, forwarded_for="203.0.113.50, 198.51.100.7")
    assert spoofed.status_code == 429


def test_the_rate_counter_does_not_hold_the_address(survey):
    survey_guard.allow_post(survey, "203.0.113.99")
    from workforce.models import SurveyGuardMark

    keys = list(SurveyGuardMark.objects.values_list("key", flat=True))
    assert keys and not any("203.0.113.99" in str(k) for k in keys)


def test_a_closed_link_takes_no_responses(client, world, survey):
    token = fresh_token(client, survey)
    survey.is_open = False
    survey.save()
    assert client.get(link(survey)).status_code == 410
    response = client.post(link(survey), {"form_token": token, "agency": "", "role": "manager"})
    assert response.status_code == 410 and not SurveyResponse.objects.exists()


def test_an_unknown_link_is_not_found(client, survey):
    assert client.get(reverse("survey_respond", kwargs={"token": "x" * 43})).status_code == 404


def test_it_needs_a_role_and_keeps_the_answers(client, world, survey):
    data = {"form_token": fresh_token(client, survey), "agency": "", **answers_for(survey)}
    response = client.post(link(survey), data)
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert "More on harmful sexual behaviour." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_it_refuses_a_rating_off_the_scale(client, world, survey):
    question = survey.questions.filter(kind=QuestionKind.LIKERT).first()
    data = {"form_token": fresh_token(client, survey), "agency": "", "role": "manager", f"q{question.pk}": "9"}
    client.post(link(survey), data)
    assert not SurveyResponse.objects.exists()


# -- results and suppression -------------------------------------------------


def add_responses(survey, agency, n, role="practitioner", rating=4):
    questions = list(survey.questions.all())
    for _ in range(n):
        response = SurveyResponseFactory(survey=survey, agency=agency, role=role)
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question=q, rating=rating if q.kind == QuestionKind.LIKERT else None,
                         text="" if q.kind == QuestionKind.LIKERT else f"Answer {rating}")
            for q in questions
        )


def table(results, title):
    return next(t for t in results["tables"] if t["title"] == title)


def test_nothing_is_shown_below_five_responses(world, survey):
    add_responses(survey, world.own.lead_agency, 4)
    results = survey_results(survey)
    assert results["suppressed_all"] and results["tables"] == [] and results["free_text"] == []


def test_small_agency_groups_are_shown_together_with_another(world, survey):
    add_responses(survey, world.own.lead_agency, 8, rating=5)
    add_responses(survey, world.own.other_agency, 3, rating=1)
    results = survey_results(survey)
    by_agency = {row[0]: row[1] for row in table(results, "Responses by agency")["rows"]}
    together = f"{world.own.other_agency.name} and {world.own.lead_agency.name} (together)"
    together = together if together in by_agency else f"{world.own.lead_agency.name} and {world.own.other_agency.name} (together)"
    assert by_agency[together] == 11 and by_agency["All responses"] == 11
    assert world.own.other_agency.name not in by_agency and world.own.lead_agency.name not in by_agency
    means = table(results, "Mean rating by agency")
    column = means["header"].index(together)
    assert all(row[column] == round((8 * 5 + 3 * 1) / 11, 2) for row in means["rows"])
    gaps = {row[0]: row[1:] for row in table(results, "Confidence against knowledge")["rows"]}
    assert gaps[together][2] == 0.0


def test_a_single_hidden_cell_takes_the_next_smallest_with_it():
    assert suppress_counts([20, 3, 9, 12]) == [20, "fewer than 5", "fewer than 5", 12]
    assert suppress_counts([20, 0, 9]) == [20, "fewer than 5", 9]
    assert suppress_counts([20, 3, 2, 9]) == [20, "fewer than 5", "fewer than 5", 9]


def test_the_gap_between_confidence_and_knowledge(world, survey):
    questions = list(survey.questions.all())
    for _ in range(5):
        response = SurveyResponseFactory(survey=survey, agency=world.own.lead_agency)
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question=q, rating={"confidence": 5, "knowledge": 3}.get(q.theme, 4))
            for q in questions if q.kind == QuestionKind.LIKERT
        )
    gaps = {row[0]: row[1:] for row in table(survey_results(survey), "Confidence against knowledge")["rows"]}
    assert gaps["All respondents"] == [5.0, 3.0, 2.0]


def test_results_page_and_exports_apply_the_same_suppression(client, world, survey):
    add_responses(survey, world.own.lead_agency, 6)
    add_responses(survey, world.own.other_agency, 5)
    add_responses(survey, None, 2)
    client.force_login(world.own.users["scrutineer"])
    kwargs = {"slug": world.own.slug, "pk": world.own.assessment.pk}
    page = client.get(reverse("survey_results", kwargs=kwargs)).content.decode()
    assert "(together)" in page and "Answer 4" in page

    response = client.get(reverse("survey_export", kwargs={**kwargs, "fmt": "csv"}))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [world.own.lead_agency.name, "6"] in rows
    assert not any(row[:1] == ["Another organisation or not stated"] for row in rows)

    response = client.get(reverse("survey_export", kwargs={**kwargs, "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert [world.own.lead_agency.name, 6] in values
    assert not any(row[:1] == ["Another organisation or not stated"] for row in values)
    assert client.get(reverse("survey_export", kwargs={**kwargs, "fmt": "pdf"})).status_code == 404


def test_free_text_that_looks_like_a_formula_is_made_safe_in_the_export(client, world, survey):
    add_responses(survey, world.own.lead_agency, 5)
    SurveyAnswer.objects.filter(text="Answer 4").update(text="=HYPERLINK(\"http://example.org\")")
    client.force_login(world.own.users["manager"])
    kwargs = {"slug": world.own.slug, "pk": world.own.assessment.pk, "fmt": "csv"}
    body = client.get(reverse("survey_export", kwargs=kwargs)).content.decode()
    assert "'=HYPERLINK" in body and ",=HYPERLINK" not in body


def test_the_manager_opens_and_closes_the_link_and_adds_a_question(client, world, survey):
    client.force_login(world.own.users["manager"])
    kwargs = {"slug": world.own.slug, "pk": world.own.assessment.pk}
    client.post(reverse("survey_manage", kwargs=kwargs), {"do": "close"})
    survey.refresh_from_db()
    assert survey.is_open is False
    response = client.post(reverse("survey_question_create", kwargs=kwargs),
                           {"text": "I know where to find the local signs and indicators template.",
                            "kind": "likert", "theme": "knowledge"})
    assert response.status_code == 302
    last = survey.questions.order_by("-position").first()
    assert (last.text, last.theme, last.position) == (
        "I know where to find the local signs and indicators template.", "knowledge", 13)
    invalid = client.post(reverse("survey_question_create", kwargs=kwargs), {"text": "", "kind": "likert"})
    assert invalid.status_code == 200 and survey.questions.count() == 13


def test_the_manager_sets_up_the_survey_with_the_default_questions(client, world):
    client.force_login(world.own.users["manager"])
    kwargs = {"slug": world.own.slug, "pk": world.own.assessment.pk}
    client.post(reverse("survey_manage", kwargs=kwargs), {"do": "create"})
    survey = world.own.assessment.survey
    assert survey.is_open is False and len(survey.token) >= 40
    assert survey.questions.filter(kind="likert").count() == 10 and survey.questions.filter(kind="free_text").count() == 2
    assert {"knowledge", "confidence", "skill", "support", "training"} <= set(survey.questions.values_list("theme", flat=True))


def test_the_results_chart_draws_only_averages_of_enough_people(client, world, survey):
    add_responses(survey, world.own.lead_agency, 6, rating=4)
    first = survey.questions.filter(kind=QuestionKind.LIKERT).order_by("position").first()
    client.force_login(world.own.users["manager"])
    response = client.get(reverse("survey_results", kwargs={"slug": world.own.slug, "pk": world.own.assessment.pk}))
    chart = response.context["means_chart"]
    assert chart is not None and chart.title == "Average agreement with each statement"
    assert "<script" not in chart.svg and "4.0" in chart.description
    assert first.text[:40] in chart.description
    assert 'class="portal-chart"' in response.content.decode()


def test_no_chart_while_too_few_people_answered(client, world, survey):
    add_responses(survey, world.own.lead_agency, 3)
    client.force_login(world.own.users["manager"])
    response = client.get(reverse("survey_results", kwargs={"slug": world.own.slug, "pk": world.own.assessment.pk}))
    assert response.context["means_chart"] is None

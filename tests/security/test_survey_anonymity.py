"""Items 1 and 2: the attacker holds every survey figure any role can see (the results page with its chart,
the CSV and the XLSX) and subtracts them from one another, now and over time. No one's answers may come out."""
import csv
import io
import random
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from partnerships.tests.factories import AgencyFactory
from workforce.models import QuestionKind, SurveyAnswer, SurveyResponse
from workforce.services import survey_create, survey_set_open
from workforce.tests.factories import SurveyResponseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def survey(world):
    return survey_create(assessment=world.own.assessment, actor=world.own.users["manager"])


def everything_seen(client, world):
    """Every figure any role is shown: the page (with its chart), the CSV and the XLSX, as text."""
    client.force_login(world.own.users["scrutineer"])
    kwargs = {"slug": world.own.slug, "pk": world.own.assessment.pk}
    page = client.get(reverse("survey_results", kwargs=kwargs))
    chart = page.context["means_chart"]
    body = page.content.decode()
    body = re.findall(r"<table.*?</table>|<ul.*?</ul>", body[body.index("<main"):body.index("</main>")], re.S)
    csv_text = client.get(reverse("survey_export", kwargs={**kwargs, "fmt": "csv"})).content.decode()
    sheet = load_workbook(io.BytesIO(client.get(reverse("survey_export", kwargs={**kwargs, "fmt": "xlsx"})).content)).active
    xlsx = [list(row) for row in sheet.iter_rows(values_only=True)]
    return body, chart.description if chart else "", csv_text, xlsx


def respond(survey, agency, role, ratings, batch=1):
    response = SurveyResponseFactory(survey=survey, agency=agency, role=role, release_batch=batch)
    SurveyAnswer.objects.bulk_create(SurveyAnswer(response=response, question=q, rating=r) for q, r in ratings.items())
    return response


def population(world, survey):
    """Eight practitioners of the police, six of the council, and two people alone in their group: the one
    person who answered from a small health agency, and one senior leader in the police."""
    rng = random.Random(17)
    health = AgencyFactory(partnership=world.own.partnership, name="Ashvale Community Health", sector="health")
    likert = list(survey.questions.filter(kind=QuestionKind.LIKERT))
    people = [(world.own.lead_agency, "practitioner")] * 8 + [(world.own.other_agency, "practitioner")] * 6
    people += [(health, "practitioner"), (world.own.lead_agency, "senior_leader")]
    made = [respond(survey, agency, role, {q: rng.randint(1, 5) for q in likert}) for agency, role in people]
    return made, likert


def ratings_of(response):
    return {a.question_id: a.rating for a in response.answers.all()}


def numbers(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def test_the_subtraction_of_the_issue_gives_no_one_away(client, world, survey):
    """The reported attack: the overall mean times those who answered, less each group's mean times its size,
    leaves the groups not shown; if that is one person, it is their rating."""
    made, likert = population(world, survey)
    _, _, csv_text, _ = everything_seen(client, world)
    rows = list(csv.reader(io.StringIO(csv_text)))

    def table(title):
        start = rows.index([title])
        end = rows.index([], start)
        return [row for row in rows[start + 1:end] if len(row) > 1]

    for margin, counts_title in (("Mean rating by agency", "Responses by agency"), ("Mean rating by role", "Responses by role")):
        sizes = {row[0]: numbers(row[1]) for row in table(counts_title)[1:]}
        means = table(margin)
        header = means[0]
        overall = {row[0]: (numbers(row[1]), numbers(row[-1])) for row in table("Answers to each question")[1:]}
        for row in means[1:]:
            answered, mean = overall[row[0]]
            if answered is None or mean is None:
                continue
            known_n = known_total = 0
            for name, cell in zip(header[1:], row[1:]):
                if numbers(cell) is not None and sizes.get(name):
                    known_n += sizes[name]
                    known_total += numbers(cell) * sizes[name]
            left = answered - known_n
            assert not 0 < left < 5, (
                f"{margin}: {left:g} person(s) left over after subtracting the groups shown; their ratings add up "
                f"to {mean * answered - known_total:.0f}")


def test_no_ones_answers_can_be_told_from_another_persons(client, world, survey):
    """Indistinguishability: for each person alone in their agency or role, there is someone else whose answers
    could be swapped with theirs without changing a single figure anyone sees. So no combination of the figures
    can say which of the two gave which answers."""
    made, likert = population(world, survey)
    before = everything_seen(client, world)
    for lone in made[-2:]:
        mine = ratings_of(lone)
        indistinguishable = False
        for other in made:
            theirs = ratings_of(other)
            if other.pk == lone.pk or theirs == mine:
                continue
            for response, ratings in ((lone, theirs), (other, mine)):
                for question_id, rating in ratings.items():
                    SurveyAnswer.objects.filter(response=response, question_id=question_id).update(rating=rating)
            after = everything_seen(client, world)
            for response, ratings in ((lone, mine), (other, theirs)):
                for question_id, rating in ratings.items():
                    SurveyAnswer.objects.filter(response=response, question_id=question_id).update(rating=rating)
            if after == before:
                indistinguishable = True
                break
        assert indistinguishable, f"the answers of the lone {lone.role} of agency {lone.agency_id} can be derived"


def test_results_taken_either_side_of_one_response_are_the_same(client, world, survey):
    """Item 2: two exports taken before and after one submission (and after the survey closes again) differ by
    nothing; the next release holds at least five responses."""
    survey_set_open(survey=survey, actor=world.own.users["manager"], is_open=True)
    made, likert = population(world, survey)
    before = everything_seen(client, world)

    survey_set_open(survey=survey, actor=world.own.users["manager"], is_open=True)
    client.get(reverse("survey_respond", kwargs={"token": survey.token}))
    token = client.get(reverse("survey_respond", kwargs={"token": survey.token})).context["form"].initial["form_token"]
    data = {"form_token": token, "agency": world.own.other_agency.pk, "role": "manager",
            **{f"q{q.pk}": "1" for q in likert}}
    client.logout()
    assert client.post(reverse("survey_respond", kwargs={"token": survey.token}), data).status_code in (200, 302)
    assert SurveyResponse.objects.count() == len(made) + 1
    assert everything_seen(client, world) == before

    survey_set_open(survey=survey, actor=world.own.users["manager"], is_open=False)
    assert everything_seen(client, world) == before, "one response was released on its own"

    batches = list(SurveyResponse.objects.exclude(release_batch=None).values_list("release_batch", flat=True))
    assert all(batches.count(b) >= 5 for b in set(batches))

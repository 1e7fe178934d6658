"""Writes to the training needs assessment. Each runs in a transaction and, except for anonymous
survey responses, records who did it."""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from actionplan.services import action_create
from partnerships.audit import record
from partnerships.records import delete_recorded, save_changes, save_new

from .models import (
    Course,
    CourseTakeUp,
    PracticeResource,
    StaffSurvey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    TrainingNeed,
    TrainingNeedsAssessment,
)
from .questions import DEFAULT_QUESTIONS

COURSE_LINKS = ("forms_of_abuse", "audience_agencies")
NEED_LINKS = ("actions",)


def _split(data, links=()):
    return ({k: v for k, v in data.items() if k not in links}, {k: list(v) for k, v in data.items() if k in links})


def _check_partnership(partnership_id, **related):
    """Refuse agencies, strategies or actions of another partnership."""
    errors = {}
    for name, values in related.items():
        values = values if isinstance(values, (list, tuple)) else [values]
        for value in values:
            if value is None:
                continue
            pid = getattr(value, "partnership_id", None)
            if pid is None and hasattr(value, "strategy"):
                pid = value.strategy.partnership_id
            if pid != partnership_id:
                errors[name] = "Choose from this partnership's records."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def assessment_create(*, partnership, actor, **fields):
    """Start a training needs assessment."""
    _check_partnership(partnership.pk, strategy=fields.get("strategy"))
    assessment = TrainingNeedsAssessment(partnership=partnership, created_by=actor, **fields)
    return save_new(assessment, actor=actor, verb="assessment.created", partnership=partnership)


@transaction.atomic
def assessment_update(*, assessment, actor, **fields):
    """Change an assessment's details or status."""
    _check_partnership(assessment.partnership_id, strategy=fields.get("strategy"))
    return save_changes(assessment, actor=actor, verb="assessment.updated", partnership=assessment.partnership,
                        fields=fields)


@transaction.atomic
def course_create(*, assessment, actor, **data):
    """Add a course or programme to the training provision audit."""
    fields, m2m = _split(data, COURSE_LINKS)
    _check_partnership(assessment.partnership_id, audience_agencies=m2m.get("audience_agencies", []))
    return save_new(Course(assessment=assessment, **fields), actor=actor, verb="assessment.course_added",
                    partnership=assessment.partnership, m2m=m2m)


@transaction.atomic
def course_update(*, course, actor, **data):
    fields, m2m = _split(data, COURSE_LINKS)
    _check_partnership(course.assessment.partnership_id, audience_agencies=m2m.get("audience_agencies", []))
    return save_changes(course, actor=actor, verb="assessment.course_updated",
                        partnership=course.assessment.partnership, fields=fields, m2m=m2m)


@transaction.atomic
def take_up_set(*, course, actor, agency, places_offered, attended, workforce_size):
    """Record (or replace) one agency's places offered, attendance and workforce size for a course."""
    _check_partnership(course.assessment.partnership_id, agency=agency)
    if attended > places_offered:
        raise ValidationError({"attended": "Attendance cannot be more than the places offered."})
    row = CourseTakeUp.objects.filter(course=course, agency=agency).first()
    values = {"places_offered": places_offered, "attended": attended, "workforce_size": workforce_size}
    if row is None:
        return save_new(CourseTakeUp(course=course, agency=agency, **values), actor=actor,
                        verb="assessment.take_up_recorded", partnership=course.assessment.partnership,
                        summary=f"{course.name}: {agency.name}")
    return save_changes(row, actor=actor, verb="assessment.take_up_recorded", partnership=course.assessment.partnership,
                        fields=values, summary=f"{course.name}: {agency.name}")


@transaction.atomic
def survey_create(*, assessment, actor):
    """Set up the assessment's staff survey with the default question set and an unguessable link (closed)."""
    if StaffSurvey.objects.filter(assessment=assessment).exists():
        raise ValidationError("This assessment already has a staff survey.")
    survey = save_new(StaffSurvey(assessment=assessment, token=secrets.token_urlsafe(32)), actor=actor,
                      verb="survey.created", partnership=assessment.partnership)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=n, kind=kind, theme=theme, text=text)
        for n, (kind, theme, text) in enumerate(DEFAULT_QUESTIONS, start=1)
    )
    return survey


@transaction.atomic
def survey_set_open(*, survey, actor, is_open):
    """Open the survey link to responses, or close it. Closing it releases the responses received since
    the last release, when there are enough of them (survey_release_results)."""
    survey = save_changes(survey, actor=actor, verb="survey.opened" if is_open else "survey.closed",
                          partnership=survey.assessment.partnership, fields={"is_open": is_open})
    if not is_open:
        survey_release_results(survey=survey)
    return survey


def survey_release_results(*, survey):
    """Count the responses not yet released in the results, as one new release, when there are at least
    the suppression threshold of them; otherwise they wait for the next closing. Two sets of results
    taken either side of a release therefore differ by at least that many people, never by one.
    Returns the number released. Nothing goes in the audit trail (its timestamps could date responses)."""
    StaffSurvey.objects.select_for_update().filter(pk=survey.pk).first()  # one release at a time
    pending = SurveyResponse.objects.filter(survey=survey, release_batch__isnull=True)
    count = pending.count()
    if count < settings.SURVEY_SUPPRESSION_THRESHOLD:
        return 0
    last = SurveyResponse.objects.filter(survey=survey).aggregate(m=Max("release_batch"))["m"] or 0
    return pending.update(release_batch=last + 1)


@transaction.atomic
def question_add(*, survey, actor, text, kind, theme):
    """Add a question at the end of the survey."""
    position = (survey.questions.aggregate(m=Max("position"))["m"] or 0) + 1
    question = SurveyQuestion(survey=survey, position=position, text=text, kind=kind, theme=theme)
    return save_new(question, actor=actor, verb="survey.question_added", partnership=survey.assessment.partnership)


@transaction.atomic
def response_submit(*, survey, agency, role, answers):
    """Store one anonymous response: the agency and role the person chose and their answers.

    Nothing else is kept — no user, no IP address, no time of day — and nothing goes into the audit
    trail, whose rows carry a timestamp that could tie a response to a person.
    `answers` maps each question to a rating (1–5) or text; empty answers are not stored.
    """
    if not survey.is_open:
        raise ValidationError("This survey is closed.")
    if agency is not None and agency.partnership_id != survey.assessment.partnership_id:
        raise ValidationError({"agency": "Choose one of the organisations listed."})
    response = SurveyResponse(survey=survey, agency=agency, role=role, submitted_on=timezone.localdate())
    response.full_clean()
    response.save()
    rows = []
    for question, value in answers.items():
        if value in (None, ""):
            continue
        if question.survey_id != survey.pk:
            raise ValidationError("An answer is for a question of another survey.")
        if question.kind == "likert":
            rows.append(SurveyAnswer(response=response, question=question, rating=int(value)))
        else:
            rows.append(SurveyAnswer(response=response, question=question, text=str(value)[:4000]))
    SurveyAnswer.objects.bulk_create(rows)
    return response


@transaction.atomic
def resource_create(*, assessment, actor, **fields):
    """Add a practice resource to the audit of resources."""
    return save_new(PracticeResource(assessment=assessment, **fields), actor=actor, verb="assessment.resource_added",
                    partnership=assessment.partnership)


@transaction.atomic
def resource_update(*, resource, actor, **fields):
    return save_changes(resource, actor=actor, verb="assessment.resource_updated",
                        partnership=resource.assessment.partnership, fields=fields)


@transaction.atomic
def need_create(*, assessment, actor, **data):
    """Record a training need the assessment identified, optionally with the actions that meet it."""
    fields, m2m = _split(data, NEED_LINKS)
    _check_partnership(assessment.partnership_id, agency=fields.get("agency"), actions=m2m.get("actions", []))
    return save_new(TrainingNeed(assessment=assessment, **fields), actor=actor, verb="assessment.need_added",
                    partnership=assessment.partnership, m2m=m2m)


@transaction.atomic
def need_update(*, need, actor, **data):
    fields, m2m = _split(data, NEED_LINKS)
    _check_partnership(need.assessment.partnership_id, agency=fields.get("agency"), actions=m2m.get("actions", []))
    return save_changes(need, actor=actor, verb="assessment.need_updated", partnership=need.assessment.partnership,
                        fields=fields, m2m=m2m)


@transaction.atomic
def need_action_create(*, need, actor, **action_data):
    """Add an action to the plan that meets the need, and link the two."""
    _check_partnership(need.assessment.partnership_id, outcome=action_data["outcome"].aim)
    action = action_create(actor=actor, **action_data)
    need.actions.add(action)
    record(actor=actor, verb="assessment.need_action_linked", obj=need, partnership=need.assessment.partnership,
           summary=f"Action {action.reference} meets the need “{need.topic}”")
    return action


@transaction.atomic
def assessment_delete(*, assessment, actor):
    """Delete an assessment with its provision, survey and responses, resources and needs."""
    delete_recorded(assessment, actor=actor, verb="assessment.deleted", partnership=assessment.partnership)

"""Training needs assessment pages: the assessment, provision and take-up, resources, needs and
the actions that meet them."""
import pytest
from django.urls import reverse

from actionplan.models import Action
from partnerships.models import AuditEvent, FormOfAbuse, Recommendation
from partnerships.reference import load_reference_data
from workforce.models import Course, CourseTakeUp, PracticeResource, TrainingNeed, TrainingNeedsAssessment
from workforce.tests.factories import CourseFactory, TrainingNeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world):
    if not FormOfAbuse.objects.exists() or not Recommendation.objects.exists():
        load_reference_data()
    return world.own


def url(name, side, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, **kwargs})


def test_it_starts_an_assessment(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("assessment_create", own), {
        "title": "Training needs 2027", "period_start_0": "1", "period_start_1": "1", "period_start_2": "2027",
        "period_end_0": "30", "period_end_1": "6", "period_end_2": "2027", "status": "planning",
        "strategy": own.strategy.pk,
    })
    assessment = TrainingNeedsAssessment.objects.get(title="Training needs 2027")
    assert response.status_code == 302 and response["Location"] == url("assessment_detail", own, pk=assessment.pk)
    assert (assessment.partnership, assessment.strategy, assessment.created_by) == (
        own.partnership, own.strategy, own.users["manager"])
    assert AuditEvent.objects.filter(verb="assessment.created", object_id=str(assessment.pk)).exists()


def test_it_refuses_a_period_that_ends_before_it_starts(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("assessment_create", own), {
        "title": "Backwards", "period_start_0": "1", "period_start_1": "6", "period_start_2": "2027",
        "period_end_0": "1", "period_end_1": "1", "period_end_2": "2027", "status": "planning",
    })
    assert response.status_code == 200 and "must be the same as or after its start" in response.content.decode()
    assert 'value="Backwards"' in response.content.decode()
    assert not TrainingNeedsAssessment.objects.filter(title="Backwards").exists()


def test_it_edits_an_assessment_and_records_the_change(client, own):
    client.force_login(own.users["manager"])
    a = own.assessment
    client.post(url("assessment_edit", own, pk=a.pk), {
        "title": a.title, "period_start_0": "1", "period_start_1": "1", "period_start_2": "2026",
        "period_end_0": "30", "period_end_1": "6", "period_end_2": "2026", "status": "collecting",
    })
    a.refresh_from_db()
    assert a.status == "collecting"
    event = AuditEvent.objects.get(verb="assessment.updated")
    assert event.changes == {"status": ["planning", "collecting"]}


def test_it_adds_a_course_with_every_attribute(client, own):
    client.force_login(own.users["manager"])
    forms = list(FormOfAbuse.objects.order_by("number")[:2])
    response = client.post(url("course_create", own, pk=own.assessment.pk), {
        "name": "Recognising sexual abuse in the family", "provider": "Partnership training team",
        "delivery": "multi", "focus": "specific", "forms_of_abuse": [f.pk for f in forms], "stage": "in_service",
        "frequency": "Quarterly", "format": "face_to_face", "audience_agencies": [own.lead_agency.pk],
        "audience_roles": "Officers", "audience_levels": "Practitioners", "evaluates_reaction": "on",
        "evaluates_behaviour": "on",
    })
    assert response.status_code == 302
    course = Course.objects.get(assessment=own.assessment)
    assert (course.delivery, course.focus, course.stage, course.format) == ("multi", "specific", "in_service",
                                                                          "face_to_face")
    assert list(course.forms_of_abuse.order_by("number")) == forms
    assert course.evaluation_levels == ["Reaction", "Behaviour"]


def test_a_course_needs_its_type(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("course_create", own, pk=own.assessment.pk), {"name": "Kept name", "provider": "P"})
    assert response.status_code == 200 and "Kept name" in response.content.decode()
    assert not Course.objects.exists()


def test_take_up_rates_and_gaps_by_agency(client, own):
    specific = CourseFactory(assessment=own.assessment, focus="specific")
    client.force_login(own.users["manager"])
    response = client.post(url("course_take_up", own, pk=own.assessment.pk, course_pk=specific.pk), {
        "agency": own.lead_agency.pk, "places_offered": "40", "attended": "30", "workforce_size": "200"})
    assert response.status_code == 302
    # Saving again for the same agency replaces its figures.
    client.post(url("course_take_up", own, pk=own.assessment.pk, course_pk=specific.pk), {
        "agency": own.lead_agency.pk, "places_offered": "40", "attended": "36", "workforce_size": "120"})
    assert CourseTakeUp.objects.get().attended == 36
    page = client.get(url("assessment_detail", own, pk=own.assessment.pk))
    rows = {r["agency"]: r for r in page.context["take_up"]}
    assert (rows[own.lead_agency]["take_up"], rows[own.lead_agency]["reach"], rows[own.lead_agency]["gap"]) == (
        90, 30, "")
    assert rows[own.other_agency]["gap"] == "No places offered"


def test_attendance_cannot_exceed_places(client, own):
    course = CourseFactory(assessment=own.assessment)
    client.force_login(own.users["manager"])
    response = client.post(url("course_take_up", own, pk=own.assessment.pk, course_pk=course.pk), {
        "agency": own.lead_agency.pk, "places_offered": "10", "attended": "12", "workforce_size": "50"})
    assert response.status_code == 200 and "cannot be more than the places offered" in response.content.decode()
    assert not CourseTakeUp.objects.exists()


def test_a_resource_shows_the_gaps_its_answers_reveal(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("resource_create", own, pk=own.assessment.pk), {
        "name": "Signs and indicators template", "accessible_to_all_agencies": "yes",
        "usable_under_time_pressure": "no", "aligned_with_current_guidance": "yes", "inclusive_of_all_forms": "partly",
        "translated_or_adapted": "no", "embedded_in_procedures": "yes",
    })
    assert response.status_code == 302
    page = client.get(url("assessment_detail", own, pk=own.assessment.pk))
    [resource] = page.context["resources"]
    assert resource.gaps == [
        "Not usable under time pressure", "No translated or culturally adapted versions",
        "Not inclusive of all forms of child sexual abuse (partly)", "Never reviewed, or review date not known",
    ]


def test_a_resource_needs_a_name(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("resource_create", own, pk=own.assessment.pk), {"owner": "Kept owner"})
    assert response.status_code == 200 and "Kept owner" in response.content.decode()
    assert not PracticeResource.objects.exists()


def test_a_need_links_to_actions_and_one_without_stands_out(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("need_create", own, pk=own.assessment.pk), {
        "topic": "Talking with children", "agency": own.lead_agency.pk, "role": "Officers", "priority": "high",
        "actions": [own.action.pk],
    })
    assert response.status_code == 302
    need = TrainingNeed.objects.get(topic="Talking with children")
    assert list(need.actions.all()) == [own.action]
    TrainingNeedFactory(assessment=own.assessment, topic="Harmful sexual behaviour", priority="low")
    page = client.get(url("assessment_detail", own, pk=own.assessment.pk))
    assert [n.topic for n in page.context["needs"]] == ["Harmful sexual behaviour", "Talking with children"]
    assert "No action yet" in page.content.decode()


def test_a_need_cannot_link_another_partnerships_action(client, world, own):
    client.force_login(own.users["manager"])
    response = client.post(url("need_create", own, pk=own.assessment.pk), {
        "topic": "X", "priority": "high", "actions": [world.other.action.pk]})
    assert response.status_code == 200 and not TrainingNeed.objects.exists()


def test_an_action_created_from_a_need_is_traceable_both_ways(client, own):
    need = TrainingNeedFactory(assessment=own.assessment, topic="harmful sexual behaviour", role="school staff",
                               agency=own.other_agency)
    client.force_login(own.users["manager"])
    page = client.get(url("need_action_create", own, pk=own.assessment.pk, need_pk=need.pk))
    assert page.context["form"].initial["text"] == "Training on harmful sexual behaviour for school staff."
    assert page.context["form"].initial["lead_agency"] == own.other_agency.pk
    response = client.post(url("need_action_create", own, pk=own.assessment.pk, need_pk=need.pk), {
        "outcome": own.outcome.pk, "text": "Train school staff on harmful sexual behaviour.",
        "lead_agency": own.other_agency.pk,
    })
    action = Action.objects.get(text="Train school staff on harmful sexual behaviour.")
    assert response.status_code == 302 and list(need.actions.all()) == [action]
    body = client.get(url("action_detail", own, pk=action.pk)).content.decode()
    assert "Training need in" in body and "harmful sexual behaviour (medium priority)" in body
    detail = client.get(url("assessment_detail", own, pk=own.assessment.pk)).content.decode()
    assert f"Action {action.reference}</a>" in detail


def test_action_form_errors_from_a_need_keep_the_typed_text(client, own):
    need = TrainingNeedFactory(assessment=own.assessment)
    client.force_login(own.users["manager"])
    response = client.post(url("need_action_create", own, pk=own.assessment.pk, need_pk=need.pk),
                           {"text": "Typed but no outcome"})
    assert response.status_code == 200 and "Typed but no outcome" in response.content.decode()
    assert not need.actions.exists()


def test_the_manager_deletes_an_assessment_with_everything_in_it(client, own):
    from workforce.services import survey_create

    survey_create(assessment=own.assessment, actor=own.users["manager"])
    TrainingNeedFactory(assessment=own.assessment).actions.add(own.action)
    client.force_login(own.users["scrutineer"])
    assert client.post(url("assessment_delete", own, pk=own.assessment.pk)).status_code == 403
    client.force_login(own.users["manager"])
    response = client.post(url("assessment_delete", own, pk=own.assessment.pk))
    assert response.status_code == 302 and not TrainingNeedsAssessment.objects.filter(pk=own.assessment.pk).exists()
    assert not TrainingNeed.objects.exists() and Action.objects.filter(pk=own.action.pk).exists()

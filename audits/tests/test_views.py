"""Audit pages: planning an audit, cases, findings, the report, and the loop from findings to actions."""
import pytest
from django.urls import reverse

from actionplan.models import Action
from audits.models import Audit, AuditCase, AuditFinding
from audits.tests.factories import AuditCaseFactory, AuditFindingFactory
from partnerships.models import AuditEvent, FormOfAbuse, Recommendation
from partnerships.reference import load_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def own(world):
    side = world.own
    side.audit.agencies.add(side.lead_agency)
    side.audit.strategy = side.strategy
    side.audit.save()
    if not FormOfAbuse.objects.exists() or not Recommendation.objects.exists():
        load_reference_data()
    return side


def url(name, side, **kwargs):
    return reverse(name, kwargs={"slug": side.slug, **kwargs})


CASE = {"reference": "ASH-FN-01", "age_band": "10-13", "gender": "girl", "ethnicity_group": "asian",
        "disability": "yes", "notes": "Health were not invited to the strategy discussion."}


def test_it_plans_an_audit(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("audit_create", own), {
        "title": "Harmful sexual behaviour audit", "theme": "Harmful sexual behaviour", "audit_date_0": "10",
        "audit_date_1": "2", "audit_date_2": "2027", "method": "Desk review", "lead": "Service manager",
        "agencies": [own.lead_agency.pk, own.other_agency.pk], "status": "planned", "strategy": own.strategy.pk,
    })
    audit = Audit.objects.get(title="Harmful sexual behaviour audit")
    assert response.status_code == 302 and response["Location"] == url("audit_detail", own, pk=audit.pk)
    assert audit.partnership == own.partnership and str(audit.audit_date) == "2027-02-10"
    assert set(audit.agencies.all()) == {own.lead_agency, own.other_agency}
    assert AuditEvent.objects.filter(verb="audit.created", object_id=str(audit.pk)).exists()


def test_it_shows_errors_and_keeps_what_was_typed(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("audit_create", own), {"title": "", "theme": "Online contexts", "status": "planned"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and "Online contexts" in response.content.decode()
    assert not Audit.objects.filter(theme="Online contexts").exists()


def test_it_refuses_an_agency_of_another_partnership(client, world, own):
    client.force_login(own.users["manager"])
    response = client.post(url("audit_edit", own, pk=own.audit.pk), {
        "title": "T", "theme": "T", "status": "planned", "agencies": [world.other.lead_agency.pk],
    })
    assert response.status_code == 200
    assert list(own.audit.agencies.all()) == [own.lead_agency]


def test_a_member_of_an_agency_taking_part_adds_a_case(client, own):
    client.force_login(own.users["member_lead"])
    form = FormOfAbuse.objects.order_by("number").first()
    response = client.post(url("audit_case_create", own, pk=own.audit.pk),
                           {**CASE, "forms_of_abuse": [form.pk], "agencies_involved": [own.lead_agency.pk]})
    assert response.status_code == 302
    case = AuditCase.objects.get(audit=own.audit)
    assert (case.reference, case.gender, case.disability) == ("ASH-FN-01", "girl", "yes")
    assert list(case.forms_of_abuse.all()) == [form] and list(case.agencies_involved.all()) == [own.lead_agency]


def test_a_member_of_an_agency_not_taking_part_cannot(client, own):
    client.force_login(own.users["member_other"])
    response = client.post(url("audit_case_create", own, pk=own.audit.pk), CASE)
    assert response.status_code == 403 and not AuditCase.objects.exists()


@pytest.mark.parametrize("reference", ["Jane Smith", "4857773456", "12/03/2015", "NE1 4ST", "14 Mill Lane"])
def test_it_refuses_an_identifying_reference_beside_the_field(client, own, reference):
    client.force_login(own.users["manager"])
    response = client.post(url("audit_case_create", own, pk=own.audit.pk), {**CASE, "reference": reference})
    body = response.content.decode()
    assert response.status_code == 200 and not AuditCase.objects.exists()
    assert 'id="id_reference-error"' in body or "govuk-error-message" in body
    assert "Use " in body and "Health were not invited" in body  # the rest of the form is kept


def test_it_refuses_an_identifying_reference_on_edit(client, own):
    case = AuditCaseFactory(audit=own.audit, reference="C01")
    client.force_login(own.users["manager"])
    response = client.post(url("audit_case_edit", own, pk=own.audit.pk, case_pk=case.pk),
                           {**CASE, "reference": "Ava Jones"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.reference == "C01"


def test_it_warns_on_identifying_free_text_until_confirmed(client, own):
    client.force_login(own.users["manager"])
    data = {**CASE, "notes": "Mrs Khan rang the school on 03/04/2014."}
    response = client.post(url("audit_case_create", own, pk=own.audit.pk), data)
    assert response.status_code == 200 and not AuditCase.objects.exists()
    assert "This may contain a date of birth and a name" in response.content.decode()
    assert 'name="confirm_no_identifiers"' in response.content.decode()
    response = client.post(url("audit_case_create", own, pk=own.audit.pk), {**data, "confirm_no_identifiers": "on"})
    assert response.status_code == 302 and AuditCase.objects.count() == 1


def test_the_case_change_trail_holds_no_values(client, own):
    case = AuditCaseFactory(audit=own.audit, reference="C01", ethnicity_group="white")
    client.force_login(own.users["manager"])
    client.post(url("audit_case_edit", own, pk=own.audit.pk, case_pk=case.pk),
                {**CASE, "reference": "C01", "ethnicity_group": "black"})
    event = AuditEvent.objects.get(verb="audit.case_updated")
    assert "black" not in str(event.changes) and "ethnicity_group" in event.changes


def test_every_read_of_the_case_list_is_logged(client, own):
    AuditCaseFactory(audit=own.audit)
    client.force_login(own.users["scrutineer"])
    client.get(url("audit_detail", own, pk=own.audit.pk))
    client.get(url("audit_detail", own, pk=own.audit.pk))
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, verb="audit.cases_read", object_id=str(own.audit.pk))
    assert events.count() == 2 and {e.actor for e in events} == {own.users["scrutineer"]}


def test_a_viewer_sees_nothing_of_audits(client, own):
    client.force_login(own.users["viewer"])
    assert client.get(url("audit_detail", own, pk=own.audit.pk)).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.READ).exists()


def test_it_adds_a_finding(client, own):
    client.force_login(own.users["member_lead"])
    rec = Recommendation.objects.get(number=3)
    response = client.post(url("audit_finding_create", own, pk=own.audit.pk), {
        "kind": "area", "theme": "Joint working", "text": "Strategy meetings lacked health.",
        "agencies": [own.lead_agency.pk], "recommendation": rec.pk,
    })
    assert response.status_code == 302
    finding = AuditFinding.objects.get(audit=own.audit)
    assert (finding.kind, finding.recommendation, list(finding.agencies.all())) == ("area", rec, [own.lead_agency])


def test_a_finding_needs_its_text(client, own):
    client.force_login(own.users["manager"])
    response = client.post(url("audit_finding_create", own, pk=own.audit.pk), {"kind": "area", "theme": "Kept"})
    assert response.status_code == 200 and "Kept" in response.content.decode()
    assert not AuditFinding.objects.exists()


def test_an_action_created_from_a_finding_is_traceable_both_ways(client, own):
    rec = Recommendation.objects.get(number=3)
    finding = AuditFindingFactory(audit=own.audit, text="Schools were not told the outcome.", recommendation=rec)
    finding.agencies.add(own.other_agency)
    client.force_login(own.users["manager"])
    page = client.get(url("audit_finding_action_create", own, pk=own.audit.pk, finding_pk=finding.pk))
    form = page.context["form"]
    assert form.initial["text"] == "Schools were not told the outcome."
    assert form.initial["lead_agency"] == own.other_agency.pk and form.initial["recommendations"] == [rec.pk]

    response = client.post(url("audit_finding_action_create", own, pk=own.audit.pk, finding_pk=finding.pk), {
        "outcome": own.outcome.pk, "text": "Tell schools the outcome of every strategy discussion.",
        "lead_agency": own.other_agency.pk, "recommendations": [rec.pk],
    })
    action = Action.objects.get(text="Tell schools the outcome of every strategy discussion.")
    assert response.status_code == 302 and response["Location"] == url("action_detail", own, pk=action.pk)
    assert list(finding.actions.all()) == [action]

    action_page = client.get(url("action_detail", own, pk=action.pk)).content.decode()
    assert "Where this action came from" in action_page and "Schools were not told the outcome." in action_page
    audit_page = client.get(url("audit_detail", own, pk=own.audit.pk)).content.decode()
    assert f"Action {action.reference}</a>" in audit_page and "Not started" in audit_page


def test_a_finding_without_an_action_stands_out(client, own):
    AuditFindingFactory(audit=own.audit)
    client.force_login(own.users["scrutineer"])
    body = client.get(url("audit_detail", own, pk=own.audit.pk)).content.decode()
    assert "No action yet" in body and "Create an action from this finding" not in body


def test_the_viewer_does_not_see_findings_on_an_action(client, own):
    finding = AuditFindingFactory(audit=own.audit, text="Secret finding text")
    finding.actions.add(own.action)
    own.strategy.status = "published"
    own.strategy.save()
    client.force_login(own.users["viewer"])
    body = client.get(url("action_detail", own, pk=own.action.pk)).content.decode()
    assert "Secret finding text" not in body


def test_the_report_shows_the_grid_and_who_was_not_represented(client, own):
    AuditFindingFactory(audit=own.audit, kind="strength", text="Good joint working once abuse was known.")
    AuditFindingFactory(audit=own.audit, kind="area", text="Long waits for therapy.")
    AuditCaseFactory(audit=own.audit, gender="girl", disability="no")
    client.force_login(own.users["scrutineer"])
    response = client.get(url("audit_report", own, pk=own.audit.pk))
    grid = response.context["grid"]
    assert [f.text for f in grid["strengths"]] == ["Good joint working once abuse was known."]
    assert [f.text for f in grid["areas"]] == ["Long waits for therapy."]
    groups = dict(response.context["profile"]["groups"])
    assert {r["label"]: r["count"] for r in groups["Gender"]} == {
        "Girl": 1, "Boy": 0, "Another gender identity": 0, "Not known": 0}
    assert "Not represented" in response.content.decode()


def test_the_strategy_document_shows_the_findings_grid_without_small_counts(own):
    from exports.document import build_document_html

    AuditFindingFactory(audit=own.audit, kind="strength", text="Good joint working once abuse was known.")
    AuditFindingFactory(audit=own.audit, kind="area", text="Long waits for therapy.")
    AuditCaseFactory(audit=own.audit, gender="girl", age_band="10-13")
    html = build_document_html(own.strategy)
    assert "Multi-agency audit: " + own.audit.title in html
    assert "Good joint working once abuse was known." in html and "Long waits for therapy." in html
    assert "1 case audited" in html and "gender: Boy" in html
    assert "AUD-C" not in html  # case references never go into the document


def test_the_manager_deletes_an_audit_and_its_cases_but_not_the_actions(client, own):
    finding = AuditFindingFactory(audit=own.audit)
    finding.actions.add(own.action)
    AuditCaseFactory(audit=own.audit)
    client.force_login(own.users["manager"])
    assert client.get(url("audit_delete", own, pk=own.audit.pk)).status_code == 200
    response = client.post(url("audit_delete", own, pk=own.audit.pk))
    assert response.status_code == 302 and response["Location"] == url("audit_list", own)
    assert not Audit.objects.filter(pk=own.audit.pk).exists() and not AuditCase.objects.exists()
    assert Action.objects.filter(pk=own.action.pk).exists()
    assert AuditEvent.objects.filter(verb="audit.deleted", object_id=str(own.audit.pk)).exists()


def test_a_contributor_removes_a_case_and_others_cannot(client, own):
    case = AuditCaseFactory(audit=own.audit)
    client.force_login(own.users["scrutineer"])
    assert client.post(url("audit_case_delete", own, pk=own.audit.pk, case_pk=case.pk)).status_code == 403
    client.force_login(own.users["member_lead"])
    assert client.post(url("audit_case_delete", own, pk=own.audit.pk, case_pk=case.pk)).status_code == 302
    assert not AuditCase.objects.exists()

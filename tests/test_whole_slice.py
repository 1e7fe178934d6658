"""The thin slice end to end: a manager drafts, a lead agency member updates, the PDF and the API show it."""
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import Action, ActionUpdate
from exports.models import ExportStatus, StrategyExport
from partnerships.models import AuditEvent, CoreComponent, Recommendation
from strategy.models import Strategy


def pdf_text(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_it_carries_an_action_from_drafting_to_the_pdf_and_the_api(
    world, client, api_client_for, django_capture_on_commit_callbacks
):
    own = world.own
    manager, lead_member, other_member = (own.users[k] for k in ("manager", "member_lead", "member_other"))
    slug = own.slug

    # A business manager creates a strategy…
    client.force_login(manager)
    response = client.post(reverse("strategy_create", kwargs={"slug": slug}), {
        "title": "Child Sexual Abuse Strategy", "period_start": 2027, "period_end": 2030,
        "vision": "Every child in the area is protected from sexual abuse and helped when it happens.",
        "strapline": "Seen, heard, helped", "version_label": "0.1",
    })
    strategy = Strategy.objects.get(partnership=own.partnership, period_start=2027)
    assert response.status_code == 302 and response["Location"].endswith(f"/strategies/{strategy.pk}/")
    assert strategy.sections.count() == 11
    assert strategy.created_by == manager

    # …adds an aim and an outcome…
    client.post(reverse("aim_create", kwargs={"slug": slug, "pk": strategy.pk}), {
        "title": "Children are protected from sexual abuse in their families",
        "what_this_means": "Partners see and act on the signs early.", "what_we_want_to_see": "More children identified.",
    })
    aim = strategy.aims.get()
    client.post(reverse("outcome_create", kwargs={"slug": slug, "pk": strategy.pk, "aim_pk": aim.pk}),
                {"text": "Professionals feel confident to talk to children about sexual abuse."})
    outcome = aim.outcomes.get()
    assert (aim.number, outcome.number) == (1, 1)

    # …and an action with a lead agency and dates.
    response = client.post(reverse("action_create", kwargs={"slug": slug, "pk": strategy.pk}), {
        "outcome": outcome.pk, "text": "Deliver multi-agency training on talking to children about sexual abuse",
        "lead_agency": own.lead_agency.pk, "lead_name": "Detective Inspector Rowe",
        "commencement_date_0": "1", "commencement_date_1": "4", "commencement_date_2": "2027",
        "completion_date_0": "31", "completion_date_1": "3", "completion_date_2": "2028",
        "core_component": CoreComponent.objects.get(code="workforce-development").pk,
        "recommendations": [Recommendation.objects.get(number=5).pk],
    })
    action = Action.objects.get(strategy=strategy)
    assert response.status_code == 302
    assert (action.reference, action.lead_agency, str(action.completion_date)) == ("1.1", own.lead_agency, "2028-03-31")

    # A steering group member of another agency cannot update it…
    client.force_login(other_member)
    url = reverse("action_update", kwargs={"slug": slug, "pk": action.pk})
    assert client.post(url, {"status": "on_track", "progress": 10, "version": action.version}).status_code == 403

    # …but a member of the lead agency can, with a note.
    client.force_login(lead_member)
    response = client.post(url, {"status": "on_track", "progress": 25, "narrative": "First two sessions booked.",
                                 "version": action.version})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.progress, action.version) == ("on_track", 25, 2)
    update = ActionUpdate.objects.get(action=action)
    assert (update.author, update.status_from, update.status_to, update.narrative) == (
        lead_member, "not_started", "on_track", "First two sessions booked.")
    assert AuditEvent.objects.filter(verb="action.progress_updated", actor=lead_member, object_id=str(action.pk)).exists()

    # The business manager exports the strategy; the PDF has the action in it.
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("export_create", kwargs={"slug": slug, "pk": strategy.pk}))
    export = StrategyExport.objects.get(strategy=strategy)
    assert response.status_code == 302 and export.status == ExportStatus.DONE, export.error
    download = client.get(reverse("export_download", kwargs={"slug": slug, "pk": export.pk}))
    assert download["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(b"".join(download.streaming_content)).split())
    assert "Deliver multi-agency training on talking to children" in text
    assert "Children are protected from sexual abuse in their families" in text

    # A REST client with the manager's token gets the progress and the action.
    api = api_client_for(manager)
    progress = api.get(f"/api/v1/strategies/{strategy.pk}/progress/").json()
    assert progress["total"] == 1
    assert {row["status"]: row["count"] for row in progress["by_status"]}["on_track"] == 1
    actions = api.get(f"/api/v1/actions/?strategy={strategy.pk}").json()
    assert actions["count"] == 1
    assert actions["results"][0]["text"] == "Deliver multi-agency training on talking to children about sexual abuse"
    assert actions["results"][0]["status"] == "on_track" and actions["results"][0]["progress"] == 25

"""Editing, deleting and renumbering actions: the rules, and the pages business managers use."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionplan import services
from actionplan.models import Action, ActionUpdate
from actionplan.tests.factories import ActionFactory
from partnerships.errors import ConflictError
from partnerships.models import AuditEvent
from strategy.tests.factories import IntendedOutcomeFactory, StrategicAimFactory

D = datetime.date


@pytest.mark.django_db
class TestActionEdit:
    def test_it_changes_fields_bumps_the_version_and_records_who(self, world):
        side = world.own
        manager = side.users["manager"]
        action, warnings = services.action_edit(
            action=side.action, actor=manager, expected_version=1, text="Run six parent workshops.",
            lead_name="A. Patel", supporting_agencies=[side.other_agency],
        )
        action.refresh_from_db()
        assert (action.text, action.lead_name, action.version) == ("Run six parent workshops.", "A. Patel", 2)
        assert list(action.supporting_agencies.all()) == [side.other_agency]
        assert warnings == []
        event = AuditEvent.objects.get(verb="action.edited")
        assert event.actor == manager and set(event.changes) == {"text", "lead_name", "links"}

    def test_completion_cannot_precede_commencement(self, world):
        with pytest.raises(ValidationError) as error:
            services.action_edit(action=world.own.action, actor=world.own.users["manager"],
                                 commencement_date=D(2027, 5, 1), completion_date=D(2027, 4, 30))
        assert "completion_date" in error.value.message_dict
        assert Action.objects.get(pk=world.own.action.pk).completion_date is None

    def test_dates_outside_the_strategy_period_are_saved_with_a_warning(self, world):
        action, warnings = services.action_edit(action=world.own.action, actor=world.own.users["manager"],
                                                commencement_date=D(2025, 9, 1), completion_date=D(2030, 3, 31))
        assert action.completion_date == D(2030, 3, 31)
        assert warnings == [
            "The commencement date 1 September 2025 is outside the strategy period 2026–2029.",
            "The completion date 31 March 2030 is outside the strategy period 2026–2029.",
        ]

    def test_completed_needs_a_completion_note_and_cancelled_a_reason(self, world):
        side = world.own
        with pytest.raises(ValidationError) as error:
            services.action_edit(action=side.action, actor=side.users["manager"], status="completed", progress=100)
        assert "completion_note" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.action_edit(action=side.action, actor=side.users["manager"], status="cancelled")
        assert "cancellation_reason" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.action_cancel(action=side.action, actor=side.users["manager"], reason="  ")

    def test_a_status_change_goes_into_the_timeline(self, world):
        side = world.own
        services.action_edit(action=side.action, actor=side.users["manager"], status="completed", progress=100,
                             completion_note="All schools trained.")
        update = ActionUpdate.objects.get(action=side.action)
        assert (update.status_from, update.status_to, update.progress_to) == ("not_started", "completed", 100)

    def test_cancel_keeps_the_reason(self, world):
        side = world.own
        services.action_cancel(action=side.action, actor=side.users["manager"], reason="Funded nationally instead.")
        action = Action.objects.get(pk=side.action.pk)
        assert (action.status, action.cancellation_reason) == ("cancelled", "Funded nationally instead.")
        assert action.updates.get().narrative == "Funded nationally instead."

    def test_a_stale_version_is_refused(self, world):
        side = world.own
        services.action_edit(action=side.action, actor=side.users["manager"], expected_version=1, text="First.")
        with pytest.raises(ConflictError):
            services.action_edit(action=side.action, actor=side.users["manager"], expected_version=1, text="Second.")
        assert Action.objects.get(pk=side.action.pk).text == "First."

    def test_a_reference_already_used_is_refused(self, world):
        side = world.own
        ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.2")
        with pytest.raises(ValidationError) as error:
            services.action_edit(action=side.action, actor=side.users["manager"], reference="1.2")
        assert error.value.message_dict["reference"] == ["Reference 1.2 is already used in this plan."]

    def test_moving_to_another_aim_takes_the_next_reference_there(self, world):
        side = world.own
        aim2 = StrategicAimFactory(strategy=side.strategy, number=2)
        outcome = IntendedOutcomeFactory(aim=aim2, number=1)
        ActionFactory(outcome=outcome, lead_agency=side.lead_agency, reference="2.1")
        action, _ = services.action_edit(action=side.action, actor=side.users["manager"], outcome=outcome)
        assert action.reference == "2.2"


@pytest.mark.django_db
class TestRenumberAndDelete:
    def test_renumbering_closes_gaps_in_order_without_clashes(self, world):
        side = world.own
        second = IntendedOutcomeFactory(aim=side.aim, number=2)
        a3 = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.3")
        a10 = ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.10")
        b = ActionFactory(outcome=second, lead_agency=side.lead_agency, reference="1.2")
        renames = services.aim_renumber_actions(aim=side.aim, actor=side.users["manager"])
        assert renames == {"1.3": "1.2", "1.10": "1.3", "1.2": "1.4"}
        refs = dict(Action.objects.filter(strategy=side.strategy).values_list("pk", "reference"))
        assert refs == {side.action.pk: "1.1", a3.pk: "1.2", a10.pk: "1.3", b.pk: "1.4"}
        assert world.other.action.reference == "1.1"
        assert services.aim_renumber_actions(aim=side.aim, actor=side.users["manager"]) == {}

    def test_an_action_with_updates_cannot_be_deleted(self, world):
        side = world.own
        services.action_update_progress(action=side.action, actor=side.users["manager"], status="on_track", progress=5)
        with pytest.raises(ValidationError):
            services.action_delete(action=side.action, actor=side.users["manager"])
        assert Action.objects.filter(pk=side.action.pk).exists()

    def test_an_action_without_updates_is_deleted_and_audited(self, world):
        side = world.own
        pk = side.action.pk
        services.action_delete(action=side.action, actor=side.users["manager"])
        assert not Action.objects.filter(pk=pk).exists()
        assert AuditEvent.objects.filter(verb="action.deleted", object_id=str(pk)).exists()


def _edit_post(side, **changes):
    data = {
        "reference": "1.1", "outcome": side.outcome.pk, "text": "Train every designated safeguarding lead.",
        "lead_agency": side.lead_agency.pk, "lead_name": "", "status": "not_started", "progress": "0",
        "completion_note": "", "cancellation_reason": "", "version": "1", "measures_text": "",
        "commencement_date_0": "", "commencement_date_1": "", "commencement_date_2": "",
        "completion_date_0": "", "completion_date_1": "", "completion_date_2": "",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
class TestEditPages:
    def url(self, side, name="action_edit"):
        return reverse(name, kwargs={"slug": side.slug, "pk": side.action.pk})

    def test_it_saves_every_field_and_warns_about_dates_outside_the_period(self, world, client):
        side = world.own
        client.force_login(side.users["manager"])
        response = client.post(self.url(side), _edit_post(
            side, commencement_date_0="1", commencement_date_1="4", commencement_date_2="2026",
            completion_date_0="31", completion_date_1="3", completion_date_2="2031", lead_name="Head of Education",
            recommendations=["1", "2"],
        ), follow=True)
        action = Action.objects.get(pk=side.action.pk)
        assert (action.commencement_date, action.completion_date) == (D(2026, 4, 1), D(2031, 3, 31))
        assert action.lead_name == "Head of Education"
        assert sorted(action.recommendations.values_list("pk", flat=True)) == [1, 2]
        assert "outside the strategy period" in response.content.decode()

    def test_errors_show_beside_the_field_and_keep_what_was_typed(self, world, client):
        side = world.own
        client.force_login(side.users["manager"])
        response = client.post(self.url(side), _edit_post(side, status="completed", text="Kept text here."))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Say what was achieved when you mark an action completed." in body
        assert "Kept text here." in body
        assert Action.objects.get(pk=side.action.pk).status == "not_started"

    def test_a_conflicting_edit_is_refused_and_keeps_the_input(self, world, client):
        side = world.own
        services.action_edit(action=side.action, actor=side.users["manager"], text="Changed meanwhile.")
        client.force_login(side.users["manager"])
        response = client.post(self.url(side), _edit_post(side, text="My late change."))
        assert response.status_code == 200
        assert "changed by someone else" in response.content.decode()
        assert Action.objects.get(pk=side.action.pk).text == "Changed meanwhile."

    def test_delete_page_deletes(self, world, client):
        side = world.own
        client.force_login(side.users["manager"])
        response = client.post(self.url(side, "action_delete"), {"confirm": "on"})
        assert response.status_code == 302
        assert not Action.objects.filter(pk=side.action.pk).exists()

    def test_renumber_page(self, world, client):
        side = world.own
        ActionFactory(outcome=side.outcome, lead_agency=side.lead_agency, reference="1.7")
        client.force_login(side.users["manager"])
        client.post(reverse("aim_renumber", kwargs={"slug": side.slug, "pk": side.strategy.pk, "aim_pk": side.aim.pk}))
        assert sorted(Action.objects.filter(strategy=side.strategy).values_list("reference", flat=True)) == ["1.1", "1.2"]

import pytest
from django.core.exceptions import ValidationError

from actionplan import services
from actionplan.models import ActionUpdate
from actionplan.tests.factories import ActionFactory
from partnerships.errors import ConflictError
from partnerships.models import AuditEvent
from partnerships.tests.factories import UserFactory


@pytest.mark.django_db
class TestActionUpdateProgress:
    def test_it_records_an_immutable_timeline_entry_and_an_audit_event(self):
        action, author = ActionFactory(), UserFactory()
        update = services.action_update_progress(action=action, actor=author, status="at_risk", progress=40,
                                                 narrative="Venue fell through.", expected_version=1)
        action.refresh_from_db()
        assert (action.status, action.progress, action.version) == ("at_risk", 40, 2)
        assert action.last_update_at is not None
        assert (update.status_from, update.status_to, update.progress_from, update.progress_to) == (
            "not_started", "at_risk", 0, 40)
        event = AuditEvent.objects.get(verb="action.progress_updated")
        assert event.actor == author and event.changes == {"status": ["not_started", "at_risk"], "progress": [0, 40]}

    def test_it_refuses_a_stale_write_and_keeps_the_newer_one(self):
        action = ActionFactory()
        services.action_update_progress(action=action, actor=UserFactory(), status="on_track", progress=10,
                                        expected_version=1)
        with pytest.raises(ConflictError):
            services.action_update_progress(action=action, actor=UserFactory(), status="off_track", progress=0,
                                            expected_version=1)
        action.refresh_from_db()
        assert (action.status, action.version) == ("on_track", 2)
        assert ActionUpdate.objects.filter(action=action).count() == 1

    def test_completing_needs_a_note(self):
        action = ActionFactory()
        with pytest.raises(ValidationError) as error:
            services.action_update_progress(action=action, actor=UserFactory(), status="completed", progress=100)
        assert "completion_note" in error.value.message_dict
        action.refresh_from_db()
        assert action.status == "not_started" and not ActionUpdate.objects.exists()

    def test_cancelling_keeps_the_reason(self):
        action = ActionFactory()
        services.action_update_progress(action=action, actor=UserFactory(), status="cancelled", progress=0,
                                        narrative="Merged into action 2.3.")
        action.refresh_from_db()
        assert action.cancellation_reason == "Merged into action 2.3."

    def test_progress_above_100_is_refused(self):
        action = ActionFactory()
        with pytest.raises(ValidationError):
            services.action_update_progress(action=action, actor=UserFactory(), status="on_track", progress=101)


@pytest.mark.django_db
def test_references_number_on_from_the_aim():
    first = ActionFactory(reference="1.1")
    assert services.next_reference(first.outcome).startswith(f"{first.outcome.aim.number}.")
    second = services.action_create(outcome=first.outcome, actor=UserFactory(), text="Second",
                                    lead_agency=first.lead_agency)
    assert second.reference == f"{first.outcome.aim.number}.1" if first.outcome.aim.number != 1 else "1.2"

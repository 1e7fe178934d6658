"""The one save-and-audit recipe (partnerships/records.py): what it stores, what it refuses, what it records."""
import pytest
from django.core.exceptions import ValidationError

from audits.models import Audit
from audits.tests.factories import AuditFactory
from partnerships.models import Agency, AuditEvent
from partnerships.records import delete_recorded, save_changes, save_new, update_recorded
from partnerships.tests.factories import AgencyFactory, PartnershipFactory, UserFactory


@pytest.fixture
def actor():
    return UserFactory(full_name="Rita Recorder")


@pytest.fixture
def partnership():
    return PartnershipFactory()


def events(obj):
    return list(AuditEvent.objects.filter(object_id=str(obj.pk), object_type=obj._meta.label_lower).order_by("id"))


@pytest.mark.django_db
class TestSaveNew:
    def test_inserts_links_and_records_who_did_it(self, actor, partnership):
        agencies = [AgencyFactory(partnership=partnership), AgencyFactory(partnership=partnership)]
        audit = Audit(partnership=partnership, title="Audit of the front door", theme="Front door")
        saved = save_new(audit, actor=actor, verb="audit.created", partnership=partnership, m2m={"agencies": agencies})
        assert saved is audit and saved.pk
        assert set(Audit.objects.get(pk=saved.pk).agencies.all()) == set(agencies)
        [event] = events(saved)
        assert (event.verb, event.actor, event.partnership, event.summary) == (
            "audit.created", actor, partnership, "Audit of the front door")
        assert saved.history.get().history_user == actor

    def test_a_given_summary_is_used(self, actor, partnership):
        agency = Agency(partnership=partnership, name="Northmere Police", sector="police")
        save_new(agency, actor=actor, verb="agency.created", partnership=partnership, summary="Police added")
        assert events(agency)[0].summary == "Police added"

    def test_an_invalid_record_is_refused_and_nothing_is_recorded(self, actor, partnership):
        with pytest.raises(ValidationError):
            save_new(Agency(partnership=partnership, name="", sector="police"), actor=actor, verb="agency.created",
                     partnership=partnership)
        assert not Agency.objects.filter(partnership=partnership).exists()
        assert not AuditEvent.objects.filter(verb="agency.created").exists()


@pytest.mark.django_db
class TestUpdateRecorded:
    def test_saves_only_the_changed_fields_and_records_old_and_new(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Old name", short_name="Old")
        stale = Agency.objects.get(pk=agency.pk)
        Agency.objects.filter(pk=agency.pk).update(short_name="Changed meanwhile")
        obj, changes = update_recorded(stale, actor=actor, verb="agency.updated", fields={"name": "New name"},
                                       partnership=partnership)
        assert obj is stale and changes == {"name": ["Old name", "New name"]}
        fresh = Agency.objects.get(pk=agency.pk)
        assert (fresh.name, fresh.short_name) == ("New name", "Changed meanwhile")
        [event] = events(agency)
        assert (event.verb, event.actor, event.partnership, event.summary, event.changes) == (
            "agency.updated", actor, partnership, "New name", {"name": ["Old name", "New name"]})
        assert fresh.history.first().history_user == actor

    def test_compares_with_the_stored_row_not_the_callers_copy(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Stored")
        agency.name = "Typed in a form"
        _, changes = update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Typed in a form"})
        assert changes == {"name": ["Stored", "Typed in a form"]}
        assert Agency.objects.get(pk=agency.pk).name == "Typed in a form"

    def test_without_values_the_trail_names_the_fields_only(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Secret before")
        update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Secret after"}, log_values=False,
                        summary="Agency renamed")
        [event] = events(agency)
        assert event.changes == {"name": ["…", "…"]} and event.summary == "Agency renamed"

    def test_changed_links_are_set_and_named(self, actor, partnership):
        first, second = AgencyFactory(partnership=partnership), AgencyFactory(partnership=partnership)
        audit = AuditFactory(partnership=partnership)
        audit.agencies.set([first])
        update_recorded(audit, actor=actor, verb="audit.updated", fields={}, m2m={"agencies": [second]})
        assert list(audit.agencies.all()) == [second]
        assert events(audit)[-1].changes == {"agencies": ["links changed"]}

    def test_unchanged_links_are_not_in_the_trail(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership)
        audit = AuditFactory(partnership=partnership)
        audit.agencies.set([agency])
        _, changes = update_recorded(audit, actor=actor, verb="audit.updated", fields={"title": audit.title},
                                     m2m={"agencies": [agency]})
        assert changes == {} and events(audit)[-1].changes == {}

    def test_a_save_that_changes_nothing_is_recorded_unless_asked_not_to(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Same")
        update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Same"})
        assert [e.changes for e in events(agency)] == [{}]
        update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Same"}, record_unchanged=False)
        assert len(events(agency)) == 1
        update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Other"}, record_unchanged=False)
        assert len(events(agency)) == 2

    def test_the_check_runs_before_saving_and_can_refuse(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Kept")
        seen = []

        def check(obj):
            seen.append(obj.name)
            raise ValidationError("Not now.")

        with pytest.raises(ValidationError):
            update_recorded(agency, actor=actor, verb="agency.updated", fields={"name": "Refused"}, check=check)
        assert seen == ["Refused"]
        assert Agency.objects.get(pk=agency.pk).name == "Kept" and events(agency) == []

    def test_an_invalid_value_is_refused(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Kept")
        with pytest.raises(ValidationError):
            update_recorded(agency, actor=actor, verb="agency.updated", fields={"sector": "not-a-sector"})
        assert Agency.objects.get(pk=agency.pk).sector != "not-a-sector" and events(agency) == []

    def test_save_changes_returns_the_record(self, actor, partnership):
        agency = AgencyFactory(partnership=partnership, name="Before")
        assert save_changes(agency, actor=actor, verb="agency.updated", fields={"name": "After"}) is agency
        assert Agency.objects.get(pk=agency.pk).name == "After"


@pytest.mark.django_db
def test_delete_recorded_records_then_deletes(actor, partnership):
    agency = AgencyFactory(partnership=partnership, name="Going")
    pk = agency.pk
    delete_recorded(agency, actor=actor, verb="agency.deleted", partnership=partnership)
    assert not Agency.objects.filter(pk=pk).exists()
    [event] = AuditEvent.objects.filter(object_id=str(pk), verb="agency.deleted")
    assert (event.actor, event.partnership, event.summary) == (actor, partnership, "Going")
    assert Agency.history.filter(id=pk, history_type="-").get().history_user == actor
    delete_recorded(AgencyFactory(partnership=partnership), actor=actor, verb="agency.deleted",
                    partnership=partnership, summary="Named")
    assert AuditEvent.objects.filter(verb="agency.deleted").order_by("id").last().summary == "Named"

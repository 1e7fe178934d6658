"""All-or-nothing writes: a fault part-way through a multi-record service leaves nothing behind.

`assert_nothing_left_behind` is for every later service and import: give it the call and the
function to break, and it checks that no table gained or lost a row."""
import pytest
from django.apps import apps

from actionplan import services as action_services
from partnerships.models import AuditEvent
from strategy import services as strategy_services
from strategy.models import Section, Strategy


class InjectedFault(Exception):
    pass


def _row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def assert_nothing_left_behind(monkeypatch, target, attribute, call, *, after_calls=0):
    """Make `target.attribute` raise on its (after_calls + 1)th call, run `call`, and check that every
    table has exactly the rows it had before."""
    original = getattr(target, attribute)
    calls = {"n": 0}

    def faulty(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > after_calls:
            raise InjectedFault(f"fault injected in {attribute}")
        return original(*args, **kwargs)

    before = _row_counts()
    monkeypatch.setattr(target, attribute, faulty)
    with pytest.raises(InjectedFault):
        call()
    monkeypatch.setattr(target, attribute, original)
    assert calls["n"] > after_calls, "the fault was never reached"
    assert _row_counts() == before


def test_strategy_create_leaves_nothing_when_the_sections_fail(world, monkeypatch):
    own = world.own

    def create():
        strategy_services.strategy_create(
            partnership=own.partnership, actor=own.users["manager"], title="Half-made strategy",
            period_start=2027, period_end=2030,
        )

    assert_nothing_left_behind(monkeypatch, Section.objects, "bulk_create", create)
    assert not Strategy.objects.filter(title="Half-made strategy").exists()


def test_strategy_create_leaves_nothing_when_the_audit_record_fails(world, monkeypatch):
    own = world.own

    def create():
        strategy_services.strategy_create(
            partnership=own.partnership, actor=own.users["manager"], title="Half-made strategy",
            period_start=2027, period_end=2030,
        )

    assert_nothing_left_behind(monkeypatch, strategy_services, "record", create)


def test_action_create_leaves_nothing_when_a_step_after_the_save_fails(world, monkeypatch):
    own = world.own

    def create():
        action_services.action_create(
            outcome=own.outcome, actor=own.users["manager"], text="An action that must not half-exist",
            lead_agency=own.lead_agency, supporting_agencies=[own.other_agency],
        )

    assert_nothing_left_behind(monkeypatch, action_services, "record", create)


def test_a_progress_update_leaves_nothing_when_the_audit_record_fails(world, monkeypatch):
    own = world.own
    version = own.action.version

    def update():
        action_services.action_update_progress(
            action=own.action, actor=own.users["member_lead"], status="on_track", progress=50, narrative="Half",
        )

    assert_nothing_left_behind(monkeypatch, action_services, "record", update)
    own.action.refresh_from_db()
    assert (own.action.version, own.action.progress) == (version, 0)
    assert not AuditEvent.objects.filter(verb="action.progress_updated").exists()

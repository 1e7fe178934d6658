"""The reads whose SQL is composed once per process (partnerships/composed_sql.py) give what the ORM gives."""
import pytest
from django.db.models import Model

from actionplan import selectors
from partnerships import access
from partnerships.api_tokens import _token_with_memberships, issue
from partnerships.models import Membership, Role
from partnerships.secret_links import token_hash
from partnerships.tests.factories import MembershipFactory
from strategy.models import Strategy
from strategy.selectors import strategies_visible_to_user
from strategy.tests.factories import StrategyFactory


def _fields(instance):
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.mark.django_db
def test_the_token_read_gives_the_orms_person_memberships_partnerships_and_agencies(world):
    user = world.own.users["member_lead"]
    MembershipFactory(user=user, partnership=world.other.partnership, role=Role.VIEWER)  # no agency
    MembershipFactory(user=user, partnership=StrategyFactory().partnership, role=Role.VIEWER, is_active=False)
    token, key = issue(user)
    found, person, memberships = _token_with_memberships(token_hash(key))
    assert (found.pk, found.expires_at, found.last_used_at) == (token.pk, token.expires_at, token.last_used_at)
    assert _fields(person) == _fields(user)
    expected = {m.partnership_id: m for m in Membership.objects.filter(user=user, is_active=True)
                .select_related("partnership", "agency")}
    assert list(memberships) == sorted(expected, key=lambda pid: expected[pid].partnership.name)
    for pid, membership in memberships.items():
        assert _fields(membership) == _fields(expected[pid])
        assert _fields(membership.partnership) == _fields(expected[pid].partnership)
        assert membership.user is person
        agency = expected[pid].agency
        assert (membership.agency and _fields(membership.agency)) == (agency and _fields(agency))
    assert isinstance(memberships[world.own.partnership.pk].agency, Model)
    assert memberships[world.other.partnership.pk].agency is None
    assert _token_with_memberships(token_hash("not a key")) == (None, None, {})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_the_plan_states_are_the_strategies_the_orm_lets_the_person_read(world, role):
    side = world.own
    user = side.users[role]
    StrategyFactory(partnership=side.partnership, status="published")
    StrategyFactory(partnership=side.partnership, status="superseded")
    MembershipFactory(user=user, partnership=world.other.partnership, role=Role.VIEWER)
    StrategyFactory(partnership=world.other.partnership, status="published")
    Strategy.objects.filter(pk=side.strategy.pk).update(plan_version=7)
    user._portal_memberships = None
    expected = tuple(strategies_visible_to_user(user).order_by("id")
                     .values_list("id", "status", "plan_version", "created_at"))
    assert selectors.plan_states_visible_to_user(user) == expected
    assert len(expected) == (4 if role == "manager" else 3)
    for pk, status, version, created_at in expected:
        partnership_id = Strategy.objects.get(pk=pk).partnership_id
        assert selectors.plan_state_of(pk) == (partnership_id, status, version, created_at)
        assert access.may_read_strategy(user, partnership_id, status)
    assert selectors.plan_state_of(10**30) is None and selectors.plan_state_of(0) is None

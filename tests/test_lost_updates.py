"""No lost updates, on every CI run: a few dozen paired concurrent edits in real threads on PostgreSQL.
The 1,000-pair run is tests/concurrency/lost_updates.py."""
import pytest
from django.db import connection

from partnerships.api_tokens import issue
from tests.concurrency.lost_updates import run_action_pairs, run_section_pairs

PAIRS = 24


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and real concurrent transactions need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_action_updates_are_saved_or_refused_never_lost(postgres_only):
    from conftest import build_side

    side = build_side("Ashvale")
    token = issue(side.users["member_lead"])[1]
    for via in ("service", "api"):
        counts = run_action_pairs(action=side.action, actor=side.users["member_lead"], pairs=PAIRS, via=via,
                                  token=token)
        assert (counts["saved"], counts["conflict"], counts["error"], counts["lost"]) == (PAIRS, PAIRS, 0, 0), via


@pytest.mark.django_db(transaction=True)
def test_concurrent_section_saves_are_saved_or_refused_never_lost(postgres_only):
    from conftest import build_side

    side = build_side("Ashvale")
    counts = run_section_pairs(section=side.section, actor=side.users["manager"], pairs=PAIRS)
    assert (counts["saved"], counts["conflict"], counts["error"], counts["lost"]) == (PAIRS, PAIRS, 0, 0)

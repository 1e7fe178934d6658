"""The calculations of impact, each against figures worked out by hand."""
from decimal import Decimal

import pytest

from impact import calculations as impact
from impact.calculations import Trend


def test_it_applies_the_rate_to_the_population():
    # 61,400 children under 16 × 0.10 = 6,140 children estimated to be sexually abused before 16.
    assert impact.prevalence_estimate(61400, Decimal("0.10")) == 6140


def test_it_rounds_the_estimate_half_up():
    # 12,345 × 0.10 = 1,234.5, which a person rounds up to 1,235 (banker's rounding would give 1,234).
    assert impact.prevalence_estimate(12345, "0.10") == 1235
    # 12,344 × 0.10 = 1,234.4 → 1,234.
    assert impact.prevalence_estimate(12344, "0.10") == 1234


def test_it_gives_no_estimate_without_a_population():
    assert impact.prevalence_estimate(None, "0.10") is None


def test_the_gap_for_child_protection_plans():
    # Estimate 6,140, 154 children on plans: 6,140 − 154 = 5,986 not identified;
    # 5,986 ÷ 154 = 38.87 → 39 more for every child identified; 154 ÷ 6,140 = 2.5% → 3%.
    gap = impact.prevalence_gap(6140, 154)
    assert gap == impact.Gap(estimate=6140, identified=154, not_identified=5986, per_identified=39,
                             identified_percent=3)
    assert impact.gap_sentence("plans", gap) == (
        "For every child identified on a child protection plan under the category of sexual abuse, "
        "an estimated 39 more are not identified."
    )


def test_the_gap_in_wales_speaks_of_the_register():
    gap = impact.prevalence_gap(1000, 100)  # (1,000 − 100) ÷ 100 = 9
    assert impact.gap_sentence("plans", gap, "wales") == (
        "For every child identified on the child protection register under the category of sexual abuse, "
        "an estimated 9 more are not identified."
    )


def test_the_gap_when_nobody_was_identified():
    gap = impact.prevalence_gap(500, 0)
    assert gap.per_identified is None and gap.not_identified == 500 and gap.identified_percent == 0
    assert impact.gap_sentence("offences", gap) == (
        "No child was identified in a child sexual abuse offence recorded by police; "
        "an estimated 500 children are sexually abused before 16."
    )


def test_the_gap_when_identification_meets_the_estimate():
    gap = impact.prevalence_gap(100, 120)
    assert gap.not_identified == 0 and gap.per_identified == 0
    assert impact.gap_sentence("contacts", gap).startswith("The number of children identified in a contact")


def test_one_more_is_singular():
    # (300 − 150) ÷ 150 = 1.
    assert impact.gap_sentence("referrals", impact.prevalence_gap(300, 150)) == (
        "For every child referred to children's social care with sexual abuse as a factor, "
        "an estimated 1 more is not identified."
    )


def test_percentages_round_half_up_and_need_a_whole():
    assert impact.percent(1, 8) == 13  # 12.5% → 13%
    assert impact.percent(103, 3017) == 3  # 3.41% → 3%
    assert impact.percent(5, 0) is None


def test_breakdown_rows_match_a_published_table():
    # Contacts by gender, as a partnership published them: 103 of 3,017 contacts had sexual abuse as a factor.
    # Male: 1,579 of 3,017 contacts = 52.3% → 52%; 46 of 1,579 = 2.9% → 3%; 46 of 103 = 44.7% → 45%.
    # Female: 1,334 of 3,017 = 44.2% → 44%; 56 of 1,334 = 4.2% → 4%; 56 of 103 = 54.4% → 54%.
    # Indeterminate: 4 of 3,017 = 0.13% → 0%; 0 of 4 = 0%.
    # Not recorded: 100 of 3,017 = 3.3% → 3%; 1 of 100 = 1%; 1 of 103 = 0.97% → 1%.
    rows, totals = impact.breakdown_rows(103, 3017, [
        ("Male", 46, 1579), ("Female", 56, 1334), ("Indeterminate", 0, 4), ("Not recorded", 1, 100),
    ])
    assert [(r["category"], r["share_of_all"], r["rate"], r["share_of_identified"]) for r in rows] == [
        ("Male", 52, 3, 45), ("Female", 44, 4, 54), ("Indeterminate", 0, 0, 0), ("Not recorded", 3, 1, 1),
    ]
    # The parts add up to 103 of 103 (100%), and 103 of all 3,017 contacts is 3%.
    assert totals == {"category": "Total", "count": 103, "total": 3017, "share_of_all": 100,
                      "share_of_identified": 100, "rate": 3}


def test_breakdown_rows_without_totals():
    rows, totals = impact.breakdown_rows(10, None, [("10–15", 7, None)])
    assert rows == [{"category": "10–15", "count": 7, "total": None, "share_of_all": None,
                     "share_of_identified": 70, "rate": None}]
    assert totals["rate"] is None and totals["share_of_all"] is None


@pytest.mark.parametrize("baseline,target,points,expected", [
    # Higher is better (target 80 above baseline 50): 55 then 60 rises toward it.
    (50, 80, [("Q1", 55), ("Q2", 60)], Trend.TOWARD),
    # 60 then 55 falls away from it.
    (50, 80, [("Q1", 60), ("Q2", 55)], Trend.AWAY),
    # One point: compared with the baseline; 45 is below the baseline of 50.
    (50, 80, [("Q1", 45)], Trend.AWAY),
    (50, 80, [("Q1", 52)], Trend.TOWARD),
    # Reaching or passing the target is met.
    (50, 80, [("Q1", 70), ("Q2", 81)], Trend.MET),
    # Lower is better (target 10 below baseline 30): 25 then 20 falls toward it.
    (30, 10, [("Q1", 25), ("Q2", 20)], Trend.TOWARD),
    (30, 10, [("Q1", 20), ("Q2", 25)], Trend.AWAY),
    (30, 10, [("Q1", 12), ("Q2", 10)], Trend.MET),
    # The same value twice is no change.
    (30, 10, [("Q1", 20), ("Q2", 20)], Trend.FLAT),
    # Missing values are skipped: 55, (none), 60 still rises.
    (50, 80, [("Q1", 55), ("Q2", None), ("Q3", 60)], Trend.TOWARD),
    # No target, or no data, or one point without a baseline: not enough to say.
    (50, None, [("Q1", 55)], Trend.UNKNOWN),
    (50, 80, [], Trend.UNKNOWN),
    (None, 80, [("Q1", 55)], Trend.UNKNOWN),
    # Without a baseline the first value sets the direction: 40 → 60 toward a target of 80.
    (None, 80, [("Q1", 40), ("Q2", 60)], Trend.TOWARD),
])
def test_trend_toward_target(baseline, target, points, expected):
    assert impact.trend_toward_target(baseline, target, points) == expected

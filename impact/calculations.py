"""The calculations of impact: the prevalence estimate, the gap, percentages and trends.

Pure functions of numbers, no database: the same figures give the same words
on the page, in the PDF and in the tests.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value):
    """Round to the nearest whole number, halves upwards (as people round by hand, not to even)."""
    return int(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def percent(part, whole):
    """`part` as a whole percentage of `whole`, as in published data tables; None when there is no whole."""
    if not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole))


def prevalence_estimate(population, rate):
    """Children estimated to be sexually abused before 16: the rate applied to the population, rounded."""
    if population is None:
        return None
    return round_half_up(Decimal(population) * Decimal(str(rate)))


@dataclass(frozen=True)
class Gap:
    estimate: int
    identified: int
    not_identified: int
    # For every child identified, how many more are estimated not to be; None when none were identified.
    per_identified: int | None
    identified_percent: int | None


def prevalence_gap(estimate, identified):
    """Set one identification figure against the estimate."""
    not_identified = max(estimate - identified, 0)
    per = round_half_up(Decimal(not_identified) / Decimal(identified)) if identified else None
    return Gap(
        estimate=estimate, identified=identified, not_identified=not_identified, per_identified=per,
        identified_percent=percent(identified, estimate),
    )


# How each figure's children are described in "For every child …, an estimated N more are not identified."
IDENTIFIED_AS = {
    "contacts": "identified in a contact with children's services where sexual abuse was a factor",
    "referrals": "referred to children's social care with sexual abuse as a factor",
    "assessments": "assessed by children's social care with sexual abuse as a factor",
    "plans": "identified on a child protection plan under the category of sexual abuse",
    "offences": "identified in a child sexual abuse offence recorded by police",
}
IDENTIFIED_AS_WALES_PLANS = "identified on the child protection register under the category of sexual abuse"


def gap_sentence(measure, gap, nation="england"):
    """The gap in words, for the page, the PDF and the chart's description."""
    phrase = IDENTIFIED_AS_WALES_PLANS if measure == "plans" and nation == "wales" else IDENTIFIED_AS[measure]
    if gap.per_identified is None:
        return f"No child was {phrase}; an estimated {gap.estimate:,} children are sexually abused before 16."
    if gap.not_identified == 0:
        return f"The number of children {phrase} meets the estimate of {gap.estimate:,}."
    more = "1 more is" if gap.per_identified == 1 else f"{gap.per_identified:,} more are"
    return f"For every child {phrase}, an estimated {more} not identified."


def breakdown_rows(figure_count, figure_total, parts):
    """Percentages for a breakdown table, computed like published data tables.

    `parts` is a list of (category, count, total) where `total` is the category's
    number among all (for example all contacts about girls) or None. Each row gets:
    share_of_all (the category's share of all), share_of_identified (its share of
    the figure) and rate (the figure's count as a percentage of the category's all).
    """
    rows = [
        {
            "category": category,
            "count": count,
            "total": total,
            "share_of_all": percent(total, figure_total) if total is not None else None,
            "share_of_identified": percent(count, figure_count),
            "rate": percent(count, total) if total is not None else None,
        }
        for category, count, total in parts
    ]
    totals = {
        "category": "Total",
        "count": sum(count for _, count, _ in parts),
        "total": figure_total,
        "share_of_all": 100 if figure_total else None,
        "share_of_identified": percent(sum(count for _, count, _ in parts), figure_count),
        "rate": percent(figure_count, figure_total),
    }
    return rows, totals


class Trend:
    TOWARD = "toward"
    AWAY = "away"
    FLAT = "flat"
    MET = "met"
    UNKNOWN = "unknown"

    LABELS = {
        TOWARD: "Moving toward the target",
        AWAY: "Moving away from the target",
        FLAT: "No change",
        MET: "Target met",
        UNKNOWN: "Not enough data",
    }


def trend_toward_target(baseline, target, points):
    """Whether a measure is moving toward its target.

    `points` is a list of (period, value) in time order. The direction of
    improvement is from baseline to target (a target below the baseline means
    lower is better). The latest value is compared with the one before it, or
    with the baseline when there is only one point.
    """
    values = [value for _, value in points if value is not None]
    if target is None or not values or (baseline is None and len(values) < 2):
        return Trend.UNKNOWN
    latest = values[-1]
    previous = values[-2] if len(values) >= 2 else baseline
    if baseline is not None and baseline == target:
        return Trend.MET if latest == target else Trend.AWAY
    higher_is_better = target > (baseline if baseline is not None else values[0])
    if (higher_is_better and latest >= target) or (not higher_is_better and latest <= target):
        return Trend.MET
    if latest == previous:
        return Trend.FLAT
    return Trend.TOWARD if (latest > previous) == higher_is_better else Trend.AWAY

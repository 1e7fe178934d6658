"""Reads of strategies, each in a fixed number of queries."""
from django.db.models import Count, Prefetch

from .models import IntendedOutcome, Section, StrategicAim


def strategy_overview(strategy):
    """Sections, aims with their outcomes and action counts, for the strategy overview page."""
    aims = list(
        StrategicAim.objects.filter(strategy=strategy)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "outcomes",
                queryset=IntendedOutcome.objects.order_by("number").annotate(action_count=Count("actions")),
            )
        )
    )
    sections = list(Section.objects.filter(strategy=strategy).order_by("position", "id"))
    return {
        "strategy": strategy,
        "aims": aims,
        "sections": sections,
        "empty_sections": [s for s in sections if not s.body.strip()],
    }

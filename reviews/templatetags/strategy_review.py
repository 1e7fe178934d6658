"""The lifecycle, review and version links shown on a strategy's page."""
from django import template

from partnerships import access
from reviews.versions import transition_allowed
from strategy.models import StrategyStatus

register = template.Library()


@register.inclusion_tag("reviews/_lifecycle_panel.html", takes_context=True)
def strategy_lifecycle_panel(context, strategy):
    membership = context.get("membership")
    can_manage = access.can(membership, access.STRATEGY_LIFECYCLE, strategy)
    targets = [
        (target, label)
        for target, label in (
            (StrategyStatus.DRAFT, "Return to draft"),
            (StrategyStatus.APPROVED, "Record approval"),
            (StrategyStatus.PUBLISHED, "Publish"),
            (StrategyStatus.SUPERSEDED, "Mark as superseded"),
        )
        if can_manage and transition_allowed(strategy, target)
    ]
    return {
        "strategy": strategy,
        "partnership": context.get("partnership"),
        "targets": targets,
        "can_list_reviews": access.can(membership, access.REVIEW_LIST, strategy),
        "can_new_version": access.can(membership, access.STRATEGY_NEW_VERSION, strategy),
    }

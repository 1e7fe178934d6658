"""Writes to strategies. Each runs in a transaction and records who did it."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership_portal.audit import diff, record
from partnership_portal.errors import ConflictError

from .models import IntendedOutcome, Section, SectionKind, StrategicAim, Strategy
from .template import TEMPLATE_SECTIONS

logger = logging.getLogger(__name__)

STRATEGY_FIELDS = ("title", "period_start", "period_end", "vision", "strapline", "version_label")


def ensure_editable(strategy):
    """Approved, published and superseded versions are read-only, whatever path the write comes by."""
    if not strategy.is_editable:
        raise ValidationError(
            f"This strategy is {strategy.get_status_display().lower()} and can no longer be changed. "
            "Start a new version to make changes."
        )


@transaction.atomic
def strategy_create(*, partnership, actor, title, period_start, period_end, vision="", strapline="", version_label="1.0"):
    """Create a draft strategy with the eleven template sections in order."""
    strategy = Strategy(
        partnership=partnership, title=title, period_start=period_start, period_end=period_end,
        vision=vision, strapline=strapline, version_label=version_label, created_by=actor,
    )
    strategy.full_clean()
    strategy._history_user = actor
    strategy.save()
    Section.objects.bulk_create(
        Section(strategy=strategy, kind=SectionKind.TEMPLATE, template_key=t.key, title=t.title, position=t.number * 10)
        for t in TEMPLATE_SECTIONS
    )
    record(actor=actor, verb="strategy.created", obj=strategy, partnership=partnership, summary=str(strategy))
    return strategy


@transaction.atomic
def strategy_update(*, strategy, actor, **fields):
    """Change a strategy's headline fields (title, period, vision, strapline, version)."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    ensure_editable(strategy)
    before = {name: getattr(strategy, name) for name in STRATEGY_FIELDS}
    for name, value in fields.items():
        if name not in STRATEGY_FIELDS:
            raise ValueError(f"{name} cannot be changed here")
        setattr(strategy, name, value)
    strategy.full_clean()
    changes = diff(strategy, STRATEGY_FIELDS, before)
    if changes:
        strategy._history_user = actor
        strategy.save(update_fields=[*changes, "updated_at"])
        record(actor=actor, verb="strategy.updated", obj=strategy, partnership=strategy.partnership, changes=changes)
    return strategy


@transaction.atomic
def section_update(*, section, actor, title, body, expected_revision):
    """Save a section's text, refusing the write if someone else saved it since `expected_revision`."""
    current = Section.objects.select_for_update().select_related("strategy").get(pk=section.pk)
    ensure_editable(current.strategy)
    if current.revision != expected_revision:
        raise ConflictError("This section was changed by someone else while you were editing it.", current=current)
    before = {"title": current.title, "body": current.body}
    current.title, current.body = title, body
    current.full_clean()
    changes = diff(current, ("title", "body"), before)
    if not changes:
        return current
    current.revision += 1
    current._history_user = actor
    current.save(update_fields=["title", "body", "revision", "updated_at"])
    record(
        actor=actor, verb="section.updated", obj=current, partnership=current.strategy.partnership,
        summary=current.title, changes={k: "changed" for k in changes},
    )
    return current


@transaction.atomic
def aim_create(*, strategy, actor, title, what_this_means="", what_we_want_to_see="", number=None):
    """Add a strategic aim, numbered after the last one unless a number is given."""
    ensure_editable(strategy)
    if number is None:
        last = strategy.aims.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    aim = StrategicAim(
        strategy=strategy, number=number, title=title,
        what_this_means=what_this_means, what_we_want_to_see=what_we_want_to_see,
    )
    aim.full_clean()
    aim._history_user = actor
    aim.save()
    record(actor=actor, verb="aim.created", obj=aim, partnership=strategy.partnership, summary=str(aim))
    return aim


@transaction.atomic
def outcome_create(*, aim, actor, text, number=None):
    """Add an intended outcome to an aim, numbered after the last one unless a number is given."""
    ensure_editable(aim.strategy)
    if number is None:
        last = aim.outcomes.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    outcome = IntendedOutcome(aim=aim, number=number, text=text)
    outcome.full_clean()
    outcome._history_user = actor
    outcome.save()
    record(actor=actor, verb="outcome.created", obj=outcome, partnership=aim.strategy.partnership, summary=str(outcome))
    return outcome

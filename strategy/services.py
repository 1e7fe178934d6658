"""Writes to strategies. Each runs in a transaction and records who did it."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from partnerships.audit import diff, record
from partnerships.errors import ConflictError
from partnerships.records import update_recorded

from .models import (
    Commitment,
    GovernanceBody,
    IntendedOutcome,
    Measure,
    PracticePrinciple,
    Priority,
    Section,
    SectionKind,
    StrategicAim,
    Strategy,
    StrategyMeasure,
)
from .template import TEMPLATE_SECTIONS

logger = logging.getLogger(__name__)

STRATEGY_FIELDS = ("title", "period_start", "period_end", "vision", "strapline", "version_label")


def plan_changed(strategy_id):
    """Raise the strategy's plan version: call it inside the transaction of every write to its actions, aims or
    outcomes. One UPDATE, no read; a bulk write calls it once."""
    Strategy.objects.filter(pk=strategy_id).update(plan_version=F("plan_version") + 1)


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
def aim_create(*, strategy, actor, title, what_this_means="", what_we_want_to_see="", number=None,
               forms_of_abuse=(), affected_groups=(), sub_aims=""):
    """Add a strategic aim, numbered after the last one unless a number is given, with optional coverage tags."""
    _editable_strategy_of(strategy)
    if number is None:
        last = strategy.aims.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    aim = StrategicAim(
        strategy=strategy, number=number, title=title, sub_aims=sub_aims,
        what_this_means=what_this_means, what_we_want_to_see=what_we_want_to_see,
    )
    aim.full_clean()
    aim._history_user = actor
    aim.save()
    aim.forms_of_abuse.set(forms_of_abuse)
    aim.affected_groups.set(affected_groups)
    record(actor=actor, verb="aim.created", obj=aim, partnership=strategy.partnership, summary=str(aim))
    plan_changed(strategy.pk)
    return aim


@transaction.atomic
def outcome_create(*, aim, actor, text, number=None):
    """Add an intended outcome to an aim, numbered after the last one unless a number is given."""
    _editable_strategy_of(aim)
    if number is None:
        last = aim.outcomes.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    outcome = IntendedOutcome(aim=aim, number=number, text=text)
    outcome.full_clean()
    outcome._history_user = actor
    outcome.save()
    record(actor=actor, verb="outcome.created", obj=outcome, partnership=aim.strategy.partnership, summary=str(outcome))
    return outcome


# -- helpers shared by the writes below ------------------------------------------


def _editable_strategy_of(obj):
    """The strategy `obj` belongs to (or `obj` itself), read afresh and locked until the transaction ends,
    refused when it is read-only. Never the caller's copy: that may have been read before an approval."""
    if isinstance(obj, Strategy):
        strategy_id = obj.pk
    elif isinstance(obj, IntendedOutcome):
        strategy_id = obj.aim.strategy_id
    elif isinstance(obj, Measure):
        strategy_id = obj.outcome.aim.strategy_id
    elif isinstance(obj, Commitment):
        strategy_id = Priority.objects.filter(pk=obj.priority_id).values_list("strategy_id", flat=True).get()
    else:
        strategy_id = obj.strategy_id
    strategy = Strategy.objects.select_for_update().get(pk=strategy_id)
    ensure_editable(strategy)
    return strategy


def _save(obj, actor, update_fields=None):
    _editable_strategy_of(obj)
    obj.full_clean()
    obj._history_user = actor
    obj.save(update_fields=update_fields)
    return obj


def _update(obj, actor, fields, values, *, verb, summary="", check=None):
    """Set `values` on `obj` (of the names in `fields`), validate (with `check`, when given), save the changed
    fields and record the change; refused once the strategy is read-only. Returns (obj, changes)."""

    def guarded_check(current):
        _editable_strategy_of(current)
        if check is not None:
            check(current)

    obj = type(obj).objects.get(pk=obj.pk)  # a fresh copy: the caller's may carry unsaved values
    return update_recorded(
        obj, actor=actor, verb=verb, fields={name: values[name] for name in fields if name in values},
        summary=summary, check=guarded_check, record_unchanged=False,
    )


def _delete(obj, actor, *, verb):
    _editable_strategy_of(obj)
    # Recorded first, while the object still has its id, in the same transaction as the delete.
    record(actor=actor, verb=verb, obj=obj, summary=str(obj))
    obj._history_user = actor
    obj.delete()


def _next_number(queryset):
    return (queryset.aggregate(last=Max("number"))["last"] or 0) + 1


def _renumber(items, actor, field="number", start=1, step=1):
    """Give `items` (in their new order) the numbers start, start+step, ….

    The rows are first moved out of the way in one statement, so no two rows share a number
    at any moment: this works whether or not the database can defer the unique constraint
    (PostgreSQL defers it; SQLite does not have it). Each row is then saved, so its history
    shows the new number.
    """
    if not items:
        return
    model = type(items[0])
    model.objects.filter(pk__in=[item.pk for item in items]).update(**{field: F(field) + 10000})
    for index, item in enumerate(items):
        setattr(item, field, start + index * step)
        item._history_user = actor
        item.save(update_fields=[field])


def _move(items, target, direction, position=None):
    """`items` with `target` moved one place up or down, or ("to") to `position` (1 is first);
    None when it cannot move that way or is already there."""
    if direction not in ("up", "down", "to") or (direction == "to" and not position):
        raise ValidationError("Choose whether to move it up or down, or the position to move it to.")
    items = list(items)
    index = next(i for i, item in enumerate(items) if item.pk == target.pk)
    if direction == "to":
        other = min(max(int(position), 1), len(items)) - 1
        if other == index:
            return None
        items.insert(other, items.pop(index))
        return items
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return None
    items[index], items[other] = items[other], items[index]
    return items


@transaction.atomic
def _move_within(obj, siblings, actor, direction, position=None, *, verb, label, field="number", start=1, step=1):
    """Move `obj` one place (or to `position`) among `siblings` (a queryset including it) and renumber them all."""
    _editable_strategy_of(obj)
    items = _move(siblings.select_for_update().order_by(field, "id"), obj, direction, position)
    if items is None:
        return False
    _renumber(items, actor, field=field, start=start, step=step)
    where = f"to position {items.index(obj) + 1}" if direction == "to" else direction
    record(actor=actor, verb=verb, obj=obj, summary=f"{label} moved {where}")
    return True


def _delete_and_renumber(obj, siblings, actor, *, verb):
    """Delete `obj` and close the gap it leaves in the numbering of `siblings`."""
    _delete(obj, actor, verb=verb)
    _renumber(list(siblings.select_for_update().order_by("number")), actor)


# -- sections ---------------------------------------------------------------------

# Where the foreword, content warning and definitions go when added: before the first template section.
_FRONT_KINDS = (SectionKind.FOREWORD, SectionKind.CONTENT_WARNING, SectionKind.DEFINITIONS)


@transaction.atomic
def section_create(*, strategy, actor, kind, title, body=""):
    """Add a foreword, content warning or definitions (one of each, placed before the template
    sections in that order) or an extra section (placed at the end)."""
    if kind == SectionKind.TEMPLATE:
        raise ValidationError("The eleven template sections are created with the strategy.")
    sections = list(Section.objects.select_for_update().filter(strategy=strategy).order_by("position", "id"))
    if kind in _FRONT_KINDS and any(s.kind == kind for s in sections):
        raise ValidationError(f"This strategy already has a {SectionKind(kind).label.lower()}.")
    section = Section(strategy=strategy, kind=kind, title=title, body=body, position=0)
    _save(section, actor)
    if kind in _FRONT_KINDS:
        rank = _FRONT_KINDS.index(kind)
        index = next(
            (i for i, s in enumerate(sections)
             if s.kind not in _FRONT_KINDS or _FRONT_KINDS.index(s.kind) > rank),
            len(sections),
        )
        sections.insert(index, section)
    else:
        sections.append(section)
    _renumber(sections, actor, field="position", start=10, step=10)
    record(actor=actor, verb="section.created", obj=section, summary=section.title)
    return section


@transaction.atomic
def section_delete(*, section, actor):
    """Remove a foreword, content warning, definitions or extra section. Template sections stay."""
    if not section.is_removable:
        raise ValidationError("The eleven template sections cannot be removed; leave one empty if it does not apply yet.")
    _delete(section, actor, verb="section.deleted")


@transaction.atomic
def section_move(*, section, actor, direction, position=None):
    """Move a section one place up or down, renumbering every position of the strategy."""
    return _move_within(section, Section.objects.filter(strategy_id=section.strategy_id), actor, direction, position,
                        verb="section.moved", label=section.title, field="position", start=10, step=10)


# -- vision and priorities -------------------------------------------------------

PRIORITY_FIELDS = ("title", "what_this_means")


@transaction.atomic
def priority_create(*, strategy, actor, title, what_this_means=""):
    """Add a priority (commitment), numbered after the last one."""
    priority = Priority(strategy=strategy, title=title, what_this_means=what_this_means)
    priority.number = _next_number(Priority.objects.select_for_update().filter(strategy=strategy))
    _save(priority, actor)
    record(actor=actor, verb="priority.created", obj=priority, summary=str(priority))
    return priority


@transaction.atomic
def priority_update(*, priority, actor, **values):
    return _update(priority, actor, PRIORITY_FIELDS, values, verb="priority.updated")[0]


@transaction.atomic
def priority_delete(*, priority, actor):
    """Delete a priority and close the gap in the numbering."""
    _delete_and_renumber(priority, Priority.objects.filter(strategy_id=priority.strategy_id), actor,
                         verb="priority.deleted")


@transaction.atomic
def priority_move(*, priority, actor, direction, position=None):
    return _move_within(priority, Priority.objects.filter(strategy_id=priority.strategy_id), actor, direction, position,
                        verb="priority.moved", label=priority.title)


# -- "We will" commitments under a priority --------------------------------------


@transaction.atomic
def commitment_create(*, priority, actor, text):
    """Add an item to a priority's "We will" list, numbered after the last one."""
    commitment = Commitment(priority=priority, text=text)
    commitment.number = _next_number(Commitment.objects.select_for_update().filter(priority=priority))
    _save(commitment, actor)
    record(actor=actor, verb="commitment.created", obj=commitment, summary=str(commitment))
    return commitment


@transaction.atomic
def commitment_update(*, commitment, actor, text):
    return _update(commitment, actor, ("text",), {"text": text}, verb="commitment.updated")[0]


@transaction.atomic
def commitment_delete(*, commitment, actor):
    """Delete a "We will" item and close the gap in the numbering. An action made from it stays in the plan."""
    _delete_and_renumber(commitment, Commitment.objects.filter(priority_id=commitment.priority_id), actor,
                         verb="commitment.deleted")


@transaction.atomic
def commitment_move(*, commitment, actor, direction, position=None):
    return _move_within(commitment, Commitment.objects.filter(priority_id=commitment.priority_id), actor, direction,
                        position, verb="commitment.moved", label=f"We will {commitment.text[:60]}")


# -- practice principles -----------------------------------------------------------

PRINCIPLE_FIELDS = ("name", "description")


@transaction.atomic
def principle_create(*, strategy, actor, name, description=""):
    """Add a practice principle (or value), numbered after the last one."""
    principle = PracticePrinciple(strategy=strategy, name=name, description=description)
    principle.number = _next_number(PracticePrinciple.objects.select_for_update().filter(strategy=strategy))
    _save(principle, actor)
    record(actor=actor, verb="principle.created", obj=principle, summary=principle.name)
    return principle


@transaction.atomic
def principle_update(*, principle, actor, **values):
    return _update(principle, actor, PRINCIPLE_FIELDS, values, verb="principle.updated")[0]


@transaction.atomic
def principle_delete(*, principle, actor):
    _delete_and_renumber(principle, PracticePrinciple.objects.filter(strategy_id=principle.strategy_id), actor,
                         verb="principle.deleted")


@transaction.atomic
def principle_move(*, principle, actor, direction, position=None):
    return _move_within(principle, PracticePrinciple.objects.filter(strategy_id=principle.strategy_id), actor,
                        direction, position, verb="principle.moved", label=principle.name)


# -- governance ------------------------------------------------------------------

GOVERNANCE_FIELDS = ("name", "kind", "chair", "reports_to", "meeting_frequency", "purpose")


def _check_reports_to(body):
    parent = body.reports_to
    if parent is None:
        return
    if parent.strategy_id != body.strategy_id:
        raise ValidationError({"reports_to": "Choose a body of this strategy."})
    seen = set()
    while parent is not None and parent.pk not in seen:
        if body.pk is not None and parent.pk == body.pk:
            raise ValidationError({"reports_to": "A body cannot report to itself or to a body that reports to it."})
        seen.add(parent.pk)
        parent = parent.reports_to


def _check_agencies(strategy, agencies):
    if any(agency.partnership_id != strategy.partnership_id for agency in agencies):
        raise ValidationError({"member_agencies": "Choose agencies of this partnership."})


@transaction.atomic
def governance_body_create(*, strategy, actor, member_agencies=(), **values):
    """Add a governance body with its member agencies."""
    body = GovernanceBody(strategy=strategy, **{k: v for k, v in values.items() if k in GOVERNANCE_FIELDS})
    _check_reports_to(body)
    _check_agencies(strategy, member_agencies)
    _save(body, actor)
    body.member_agencies.set(member_agencies)
    record(actor=actor, verb="governance_body.created", obj=body, summary=body.name,
           changes={"member_agencies": sorted(a.name for a in member_agencies)})
    return body


@transaction.atomic
def governance_body_update(*, body, actor, member_agencies=None, **values):
    """Change a governance body; refuses a reporting line that would make a loop."""
    body, _ = _update(body, actor, GOVERNANCE_FIELDS, values, verb="governance_body.updated", check=_check_reports_to)
    if member_agencies is not None:
        _check_agencies(body.strategy, member_agencies)
        before = set(body.member_agencies.values_list("pk", flat=True))
        if before != {a.pk for a in member_agencies}:
            body.member_agencies.set(member_agencies)
            record(actor=actor, verb="governance_body.members_changed", obj=body, summary=body.name,
                   changes={"member_agencies": sorted(a.name for a in member_agencies)})
    return body


@transaction.atomic
def governance_body_delete(*, body, actor):
    """Delete a body; the bodies that reported to it now report to no one until changed."""
    _delete(body, actor, verb="governance_body.deleted")


# -- aims and outcomes -----------------------------------------------------------
#
# Renumbering aims or outcomes does not change action references (1.1, 1.2 …): they are the
# plan's own labels, quoted in minutes and reports, and are edited in the action plan.

AIM_FIELDS = ("title", "sub_aims", "what_this_means", "what_we_want_to_see")


def _set_tags(obj, actor, values, names, *, verb):
    """Set the many-to-many tags named in `values` and record which changed."""
    _editable_strategy_of(obj)
    changes = {}
    for name in names:
        if name not in values:
            continue
        manager = getattr(obj, name)
        before = set(manager.values_list("code", flat=True))
        after = {item.code for item in values[name]}
        if before != after:
            manager.set(values[name])
            changes[name] = {"added": sorted(after - before), "removed": sorted(before - after)}
    if changes:
        record(actor=actor, verb=verb, obj=obj, summary=str(obj), changes=changes)
    return changes


@transaction.atomic
def aim_update(*, aim, actor, **values):
    """Change an aim's text and, when given, its coverage tags."""
    aim, changes = _update(aim, actor, AIM_FIELDS, values, verb="aim.updated")
    _set_tags(aim, actor, values, ("forms_of_abuse", "affected_groups"), verb="aim.tags_changed")
    if changes:
        plan_changed(aim.strategy_id)  # the plan's rows and progress name the aim
    return aim


@transaction.atomic
def aim_delete(*, aim, actor):
    """Delete an aim with its outcomes and measures, unless any outcome has actions; renumber the rest."""
    if aim.outcomes.filter(actions__isnull=False).exists():
        raise ValidationError(
            "This aim has intended outcomes with actions in the action plan. Move or delete those actions first."
        )
    _delete_and_renumber(aim, StrategicAim.objects.filter(strategy_id=aim.strategy_id), actor, verb="aim.deleted")
    plan_changed(aim.strategy_id)


@transaction.atomic
def aim_move(*, aim, actor, direction, position=None):
    moved = _move_within(aim, StrategicAim.objects.filter(strategy_id=aim.strategy_id), actor, direction, position,
                         verb="aim.moved", label=aim.title)
    if moved:
        plan_changed(aim.strategy_id)
    return moved


@transaction.atomic
def outcome_update(*, outcome, actor, text):
    return _update(outcome, actor, ("text",), {"text": text}, verb="outcome.updated")[0]


@transaction.atomic
def outcome_delete(*, outcome, actor):
    """Delete an outcome and its measures, unless actions serve it; renumber the rest of the aim."""
    if outcome.actions.exists():
        raise ValidationError(
            f"Intended outcome {outcome.reference} has actions in the action plan. "
            "Move those actions to another outcome or delete them first."
        )
    _delete_and_renumber(outcome, IntendedOutcome.objects.filter(aim_id=outcome.aim_id), actor, verb="outcome.deleted")
    plan_changed(outcome.aim.strategy_id)  # the outcomes after it are numbered again


@transaction.atomic
def outcome_move(*, outcome, actor, direction, position=None):
    moved = _move_within(outcome, IntendedOutcome.objects.filter(aim_id=outcome.aim_id), actor, direction,
                         position, verb="outcome.moved", label=outcome.reference)
    if moved:
        plan_changed(outcome.aim.strategy_id)
    return moved


# -- measures --------------------------------------------------------------------

MEASURE_FIELDS = ("indicator", "data_source", "collection", "collated_by", "frequency", "baseline", "target")


@transaction.atomic
def measure_create(*, outcome, actor, **values):
    """Add a measure to an intended outcome."""
    measure = Measure(outcome=outcome, **{k: v for k, v in values.items() if k in MEASURE_FIELDS})
    _save(measure, actor)
    record(actor=actor, verb="measure.created", obj=measure, summary=str(measure))
    return measure


@transaction.atomic
def measure_update(*, measure, actor, **values):
    return _update(measure, actor, MEASURE_FIELDS, values, verb="measure.updated")[0]


@transaction.atomic
def measure_delete(*, measure, actor):
    _delete(measure, actor, verb="measure.deleted")


# -- measures of the strategy as a whole ------------------------------------------


@transaction.atomic
def strategy_measure_create(*, strategy, actor, **values):
    """Add a measure of the strategy's success as a whole, numbered after the last one."""
    measure = StrategyMeasure(strategy=strategy, **{k: v for k, v in values.items() if k in MEASURE_FIELDS})
    measure.number = _next_number(StrategyMeasure.objects.select_for_update().filter(strategy=strategy))
    _save(measure, actor)
    record(actor=actor, verb="strategy_measure.created", obj=measure, summary=str(measure))
    return measure


@transaction.atomic
def strategy_measure_update(*, measure, actor, **values):
    return _update(measure, actor, MEASURE_FIELDS, values, verb="strategy_measure.updated")[0]


@transaction.atomic
def strategy_measure_delete(*, measure, actor):
    _delete_and_renumber(measure, StrategyMeasure.objects.filter(strategy_id=measure.strategy_id), actor,
                         verb="strategy_measure.deleted")


@transaction.atomic
def strategy_measure_move(*, measure, actor, direction, position=None):
    return _move_within(measure, StrategyMeasure.objects.filter(strategy_id=measure.strategy_id), actor, direction,
                        position, verb="strategy_measure.moved", label=f"Measure “{measure.indicator[:60]}”")


# -- coverage --------------------------------------------------------------------


@transaction.atomic
def strategy_set_coverage(*, strategy, actor, forms_of_abuse, affected_groups):
    """Record which forms of abuse and affected groups the strategy addresses."""
    return _set_tags(strategy, actor, {"forms_of_abuse": forms_of_abuse, "affected_groups": affected_groups},
                     ("forms_of_abuse", "affected_groups"), verb="strategy.coverage_changed")


# -- what the published document contains ---------------------------------------------


def _omission_reason(include, reason):
    reason = (reason or "").strip()
    if not include and not reason:
        raise ValidationError({"reason": "Say why this part is left out of the document. "
                                         "Scrutineers and the completeness page show the reason."})
    return "" if include else reason


@transaction.atomic
def section_set_in_document(*, section, actor, include, reason=""):
    """Put a section in the published document, or leave it out with the reason."""
    current = Section.objects.select_for_update().select_related("strategy").get(pk=section.pk)
    ensure_editable(current.strategy)
    reason = _omission_reason(include, reason)
    if current.omitted == (not include) and current.omission_reason == reason:
        return current
    current.omitted, current.omission_reason = not include, reason
    current._history_user = actor
    current.save(update_fields=["omitted", "omission_reason", "updated_at"])
    record(actor=actor, verb="section.left_out" if not include else "section.put_back", obj=current,
           partnership=current.strategy.partnership, summary=current.title,
           changes={"omitted": current.omitted, "reason": reason})
    return current


@transaction.atomic
def annex_set_in_document(*, strategy, actor, annex, include, reason=""):
    """Put an annex in the published document, or leave it out with the reason."""
    from .models import DOCUMENT_ANNEX_TITLES

    if annex not in DOCUMENT_ANNEX_TITLES:
        raise ValidationError({"annex": "Choose an annex of the document."})
    strategy = _editable_strategy_of(strategy)
    reason = _omission_reason(include, reason)
    omitted = dict(strategy.omitted_annexes or {})
    if include:
        omitted.pop(annex, None)
    else:
        omitted[annex] = reason
    if omitted == (strategy.omitted_annexes or {}):
        return strategy
    strategy.omitted_annexes = omitted
    strategy._history_user = actor
    strategy.save(update_fields=["omitted_annexes", "updated_at"])
    record(actor=actor, verb="annex.left_out" if not include else "annex.put_back", obj=strategy,
           partnership=strategy.partnership, summary=DOCUMENT_ANNEX_TITLES[annex],
           changes={"annex": annex, "reason": reason})
    return strategy


@transaction.atomic
def document_layout_update(*, strategy, actor, numbered_sections, vision_placement):
    """Whether sections are numbered, and where the vision prints."""
    strategy = _editable_strategy_of(strategy)
    before = {"numbered_sections": strategy.numbered_sections, "vision_placement": strategy.vision_placement}
    strategy.numbered_sections, strategy.vision_placement = numbered_sections, vision_placement
    strategy.full_clean()
    changes = diff(strategy, tuple(before), before)
    if changes:
        strategy._history_user = actor
        strategy.save(update_fields=[*changes, "updated_at"])
        record(actor=actor, verb="strategy.layout_updated", obj=strategy, partnership=strategy.partnership,
               changes=changes)
    return strategy

"""The strategy's lifecycle and its versions.

draft → in review → approved → published → superseded. A draft goes into review when a review
round is opened (see reviews.services); every other move is `strategy_transition`. Approved and
published versions are read-only: the annual review starts a new version, a deep copy.
"""
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from partnerships.audit import record
from strategy.models import Strategy, StrategyStatus

from .models import ReviewRoundStatus

S = StrategyStatus

# target status: the statuses it may be reached from (by a form on the transition page)
TRANSITIONS = {
    S.DRAFT: (S.IN_REVIEW,),
    S.APPROVED: (S.IN_REVIEW,),
    S.PUBLISHED: (S.APPROVED,),
    S.SUPERSEDED: (S.PUBLISHED,),
}

# Fields each transition sets, cleared again when the strategy goes back to draft.
TRANSITION_FIELDS = {
    S.DRAFT: (),
    S.APPROVED: ("date_agreed", "agreed_by"),
    S.PUBLISHED: ("date_launched", "next_review_date"),
    S.SUPERSEDED: (),
}


class IllegalTransition(ValidationError):
    """The strategy cannot move to that status from where it is now."""


def transition_allowed(strategy, target):
    return strategy.status in TRANSITIONS.get(target, ())


def _check_transition(strategy, target, values):
    if not transition_allowed(strategy, target):
        raise IllegalTransition(
            f"A strategy that is {strategy.get_status_display().lower()} cannot be marked "
            f"{S(target).label.lower() if target in S.values else target}."
        )
    errors = {}
    if target in (S.DRAFT, S.APPROVED) and strategy.review_rounds.filter(status=ReviewRoundStatus.OPEN).exists():
        raise ValidationError("Close the open review round first.")
    today = timezone.localdate()
    if target == S.APPROVED:
        if not values.get("date_agreed"):
            errors["date_agreed"] = "Enter the date the strategy was agreed."
        elif values["date_agreed"] > today:
            errors["date_agreed"] = "The date agreed must be today or in the past."
        if not (values.get("agreed_by") or "").strip():
            errors["agreed_by"] = "Enter the body that agreed the strategy, for example the partnership board."
    if target == S.PUBLISHED:
        launched, review = values.get("date_launched"), values.get("next_review_date")
        if not launched:
            errors["date_launched"] = "Enter the launch date."
        elif strategy.date_agreed and launched < strategy.date_agreed:
            errors["date_launched"] = "The launch date must be on or after the date the strategy was agreed."
        if not review:
            errors["next_review_date"] = "Enter the date of the next review."
        elif launched and review <= launched:
            errors["next_review_date"] = "The next review must be after the launch date."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def strategy_transition(*, strategy, actor, target, **values):
    """Move a strategy to `target`, with the dates the move needs. Publishing a new version marks
    the published version it replaces as superseded."""
    strategy = Strategy.objects.select_for_update().select_related("partnership").get(pk=strategy.pk)
    _check_transition(strategy, target, values)
    before = strategy.status
    changes = {"status": [before, target]}
    update_fields = ["status", "updated_at"]
    strategy.status = target
    for name in TRANSITION_FIELDS[target]:
        setattr(strategy, name, values.get(name))
        changes[name] = str(values.get(name))
        update_fields.append(name)
    if target == S.DRAFT:
        strategy.date_agreed, strategy.agreed_by = None, ""
        update_fields += ["date_agreed", "agreed_by"]
    strategy.full_clean()
    strategy._history_user = actor
    strategy.save(update_fields=update_fields)
    record(actor=actor, verb="strategy.status_changed", obj=strategy, partnership=strategy.partnership,
           summary=f"{S(before).label} to {S(target).label}", changes=changes)
    if target == S.PUBLISHED:
        from actionplan.services import actions_carry_over

        # Owners kept updating the live version while this one was drafted: nothing they wrote is lost.
        actions_carry_over(strategy=strategy, actor=actor)
        for older in Strategy.objects.select_for_update().filter(
            partnership=strategy.partnership, status=S.PUBLISHED
        ).exclude(pk=strategy.pk).filter(pk__in=_ancestor_ids(strategy)):
            older.status = S.SUPERSEDED
            older._history_user = actor
            older.save(update_fields=["status", "updated_at"])
            record(actor=actor, verb="strategy.status_changed", obj=older, partnership=older.partnership,
                   summary=f"Superseded by version {strategy.version_label}",
                   changes={"status": [S.PUBLISHED, S.SUPERSEDED]})
    return strategy


def _ancestor_ids(strategy):
    ids, current, seen = [], strategy.previous_version_id, set()
    while current and current not in seen:
        seen.add(current)
        ids.append(current)
        current = Strategy.objects.filter(pk=current).values_list("previous_version_id", flat=True).first()
    return ids


# -- Copying a strategy into a new version ------------------------------------------------------


@dataclass(frozen=True)
class CopyStep:
    """One kind of record copied into the new version.

    `model` is an app label ("strategy.Section"); `lookup` finds the old version's records from
    the old strategy. Foreign keys to any record already copied (the strategy, an aim, an outcome,
    this model itself) are pointed at the copies; other foreign keys (agencies, reference data)
    and many-to-many links are kept. `reset` gives fields fixed values in the copy. `origin`, when
    given, names a link of the model to itself that each copy points at the record it was copied from.
    """

    model: str
    lookup: str
    reset: dict = field(default_factory=dict)
    origin: str = ""


# In order: a record's parents are copied before it. Adding a model is one line here (or in NOT_COPIED).
COPIED = (
    CopyStep("strategy.Section", "strategy", reset={"revision": 1}),
    CopyStep("strategy.StrategicAim", "strategy"),
    CopyStep("strategy.IntendedOutcome", "aim__strategy"),
    CopyStep("strategy.Priority", "strategy"),
    CopyStep("strategy.Commitment", "priority__strategy"),
    CopyStep("strategy.PracticePrinciple", "strategy"),
    CopyStep("strategy.StrategyMeasure", "strategy"),
    CopyStep("strategy.GovernanceBody", "strategy"),
    CopyStep("strategy.Measure", "outcome__aim__strategy"),
    CopyStep("actionplan.Action", "strategy", reset={"version": 1}, origin="copied_from"),
)

# Records tied to a strategy (or to what is copied) that stay with the old version, and why.
NOT_COPIED = {
    "exports.StrategyExport": "an export is the record of a document as it was rendered",
    "impact.MeasureDataPoint": (
        "data points are monitoring history of the version measured; the new version's measures start "
        "from their baseline, and the old version keeps its record"
    ),
    "impact.AnnualReportNarrative": "a report's narrative tells the year of the version that was reported on",
    "reviews.ReviewRound": "a review was of the old version's text",
    "reviews.ReviewInvitation": "part of a review of the old version",
    "reviews.ReviewRating": "part of a review of the old version",
    "reviews.ReviewComment": "part of a review of the old version",
    "actionplan.ActionUpdate": "the timeline stays with the action it describes; status and progress are carried over",
    "actionplan.ActionUpdateFile": "evidence files belong to the update they were attached to, in the old timeline",
    "actionplan.ActionComment": "the thread stays with the action it discussed, as the timeline does",
    "audits.AuditFinding": "a finding belongs to its audit and keeps its links to the actions of the version it led to",
    "workforce.TrainingNeed": "a need belongs to its assessment and keeps its links to the actions of the version it led to",
    "actionplan.CompletionDateChange": (
        "a proposal belongs to the action it was made on; an accepted date is carried in the copy's dates"
    ),
    "actionplan.ProgressSnapshot": "the progress trend is history of the old version's plan",
    "actionplan.UpdateRequest": "a request for updates was sent about the old version's actions, in its round",
    "actionplan.UpdateRequestAction": "a request for an update was made of the old version's action, in its round",
    "actionplan.PlanImport": "an import's record tells what a spreadsheet did to the old version's plan",
    "audits.Audit": "an audit belongs to the partnership and keeps pointing at the strategy it informed",
    "workforce.TrainingNeedsAssessment": "an assessment belongs to the partnership and keeps pointing at the strategy it informed",
}

# Strategy fields the new version starts without.
_STRATEGY_RESET = {
    "status": S.DRAFT, "date_agreed": None, "agreed_by": "", "date_launched": None, "next_review_date": None,
}


def next_version_label(label):
    """1.0 → 2.0, 2 → 3, "2026 v3" → "2026 v4"; anything else gets " (new version)"."""
    match = re.search(r"(\d+)(\.\d+)?$", label.strip())
    if not match:
        return f"{label} (new version)"[:40]
    number = int(match.group(1)) + 1
    return f"{label[: match.start()]}{number}{'.0' if match.group(2) else ''}"


def _copy_values(obj, remap, reset, origin=""):
    values = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        if origin and f.name == origin:
            values[f.attname] = obj.pk
            continue
        value = getattr(obj, f.attname)
        if f.is_relation and f.related_model._meta.label in remap and value is not None:
            if f.related_model._meta.label == obj._meta.label:
                continue  # a link within the same model is set once all copies exist
            value = remap[f.related_model._meta.label][value]
        values[f.attname] = value
    values.update(reset)
    return values


def _copy_many_to_many(model, old_objs, remap):
    mapping = remap[model._meta.label]
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue  # a through model with its own fields is a model of its own: list it in COPIED
        source = m2m.m2m_field_name() + "_id"
        target = m2m.m2m_reverse_field_name() + "_id"
        target_map = remap.get(m2m.related_model._meta.label)
        links = through.objects.filter(**{f"{source}__in": [o.pk for o in old_objs]}).values_list(source, target)
        through.objects.bulk_create(
            through(**{source: mapping[s], target: target_map[t] if target_map else t}) for s, t in links
        )


@transaction.atomic
def strategy_new_version(*, strategy, actor, version_label, title=None):
    """Copy the whole strategy into a new draft that points back at it. The old version is left
    exactly as it was and nothing is shared: every section, aim, outcome and action is a new record."""
    old = Strategy.objects.select_for_update().select_related("partnership").get(pk=strategy.pk)
    version_label = version_label.strip()
    if version_label == old.version_label:
        raise ValidationError({"version_label": "Give the new version a different label from the one it copies."})
    new = Strategy(**_copy_values(old, {}, {
        **_STRATEGY_RESET, "version_label": version_label, "title": title or old.title,
        "previous_version_id": old.pk, "created_by_id": actor.pk,
    }))
    new.full_clean()
    new._history_user = actor
    new.save()
    remap = {"strategy.Strategy": {old.pk: new.pk}}
    _copy_many_to_many(Strategy, [old], remap)
    for step in COPIED:
        model = apps.get_model(step.model)
        old_objs = list(model.objects.filter(**{step.lookup: old}).order_by("pk"))
        copies = [model(**_copy_values(o, remap, step.reset, step.origin)) for o in old_objs]
        bulk_create_with_history(copies, model, default_user=actor)
        if any(c.pk is None for c in copies):  # databases that cannot return keys from a bulk insert
            raise RuntimeError(f"Copying {step.model} needs a database that returns inserted keys.")
        remap[step.model] = {o.pk: c.pk for o, c in zip(old_objs, copies)}
        self_links = [
            f for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is model and f.name != step.origin
        ]
        if self_links:
            for o, c in zip(old_objs, copies):
                for f in self_links:
                    value = getattr(o, f.attname)
                    setattr(c, f.attname, remap[step.model][value] if value is not None else None)
            model.objects.bulk_update(copies, [f.attname for f in self_links])
        _copy_many_to_many(model, old_objs, remap)
    record(
        actor=actor, verb="strategy.new_version", obj=new, partnership=old.partnership,
        summary=f"Version {version_label} copied from version {old.version_label}",
        changes={"previous_version": str(old.pk), **{k: len(v) for k, v in remap.items()}},
    )
    return new

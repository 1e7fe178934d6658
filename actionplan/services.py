"""Writes to the action plan. Each runs in a transaction and records who did it."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnership_portal.audit import record
from partnership_portal.errors import ConflictError

from .models import Action, ActionStatus, ActionUpdate

PROGRESS_FIELDS = ("status", "progress")


def _validate_action_rules(action):
    errors = {}
    if action.status == ActionStatus.COMPLETED and not action.completion_note.strip():
        errors["completion_note"] = "Say what was achieved when you mark an action completed."
    if action.status == ActionStatus.CANCELLED and not action.cancellation_reason.strip():
        errors["cancellation_reason"] = "Give a reason for cancelling the action."
    if action.outcome_id and action.outcome.aim.strategy_id != action.strategy_id:
        errors["outcome"] = "Choose an intended outcome of this strategy."
    if action.lead_agency_id and action.lead_agency.partnership_id != action.strategy.partnership_id:
        errors["lead_agency"] = "Choose an agency of this partnership."
    if errors:
        raise ValidationError(errors)


def next_reference(outcome):
    """The next free reference under the outcome's aim: 1.1, 1.2 … for aim 1."""
    aim_number = outcome.aim.number
    taken = set(
        Action.objects.filter(strategy_id=outcome.aim.strategy_id, outcome__aim_id=outcome.aim_id).values_list(
            "reference", flat=True
        )
    )
    n = 1
    while f"{aim_number}.{n}" in taken:
        n += 1
    return f"{aim_number}.{n}"


@transaction.atomic
def action_create(
    *, outcome, actor, text, lead_agency, lead_name="", reference=None, commencement_date=None,
    completion_date=None, start_year=None, end_year=None, core_component=None, recommendations=(),
    supporting_agencies=(), measures_text="", status=ActionStatus.NOT_STARTED, progress=0,
    completion_note="", cancellation_reason="",
):
    """Add an action to the plan under an intended outcome."""
    strategy = outcome.aim.strategy
    action = Action(
        strategy=strategy, outcome=outcome, reference=reference or next_reference(outcome), text=text,
        lead_agency=lead_agency, lead_name=lead_name, commencement_date=commencement_date,
        completion_date=completion_date, start_year=start_year, end_year=end_year, core_component=core_component,
        measures_text=measures_text, status=status, progress=progress, completion_note=completion_note,
        cancellation_reason=cancellation_reason,
    )
    action.full_clean()
    _validate_action_rules(action)
    action._history_user = actor
    action.save()
    if recommendations:
        action.recommendations.set(recommendations)
    if supporting_agencies:
        action.supporting_agencies.set(supporting_agencies)
    record(actor=actor, verb="action.created", obj=action, partnership=strategy.partnership, summary=str(action))
    return action


@transaction.atomic
def action_update_progress(
    *, action, actor, status, progress, narrative="", evidence_url="", expected_version=None,
    completion_note=None, cancellation_reason=None,
):
    """Record a status and progress update as an immutable timeline entry.

    Refuses the write with ConflictError when `expected_version` is given and the
    action has changed since, so no update is silently lost.
    """
    current = Action.objects.select_for_update().select_related("outcome__aim", "strategy", "lead_agency").get(
        pk=action.pk
    )
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("This action was updated by someone else since you opened it.", current=current)
    status_from, progress_from = current.status, current.progress
    current.status, current.progress = status, progress
    if completion_note is not None:
        current.completion_note = completion_note
    if cancellation_reason is not None:
        current.cancellation_reason = cancellation_reason
    if status == ActionStatus.COMPLETED and not current.completion_note.strip() and narrative.strip():
        current.completion_note = narrative
    if status == ActionStatus.CANCELLED and not current.cancellation_reason.strip() and narrative.strip():
        current.cancellation_reason = narrative
    update = ActionUpdate(
        action=current, author=actor, status_from=status_from, status_to=status,
        progress_from=progress_from, progress_to=progress, narrative=narrative, evidence_url=evidence_url,
    )
    update.full_clean(exclude=["action", "author"])
    current.full_clean()
    _validate_action_rules(current)
    current.version += 1
    current.last_update_at = timezone.now()
    current._history_user = actor
    current.save(
        update_fields=[
            "status", "progress", "completion_note", "cancellation_reason", "version", "last_update_at", "updated_at",
        ]
    )
    update.save()
    record(
        actor=actor, verb="action.progress_updated", obj=current, partnership=current.strategy.partnership,
        summary=f"{current.reference}: {current.get_status_display()}, {progress}%",
        changes={"status": [status_from, status], "progress": [progress_from, progress]},
    )
    return update

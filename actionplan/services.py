"""Writes to the action plan. Each runs in a transaction and records who did it."""
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from partnerships.audit import diff, record
from partnerships.errors import ConflictError

from .models import (
    CLOSED_STATUSES,
    Action,
    ActionStatus,
    ActionUpdate,
    ProgressSnapshot,
    ReminderKind,
    ReminderLog,
    reference_sort_key,
)

PROGRESS_FIELDS = ("status", "progress")


def _validate_action_rules(action):
    errors = {}
    if action.commencement_date and action.completion_date and action.completion_date < action.commencement_date:
        errors["completion_date"] = "The completion date must be the same as or after the commencement date."
    if action.start_year and action.end_year and action.end_year < action.start_year:
        errors["end_year"] = "The end year must be the same as or after the start year."
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


def _validate_reference_free(action):
    taken = Action.objects.filter(strategy_id=action.strategy_id, reference=action.reference).exclude(pk=action.pk)
    if taken.exists():
        raise ValidationError({"reference": f"Reference {action.reference} is already used in this plan."})


def date_warnings(action):
    """Warnings (not errors) about an action's dates: those outside the strategy's period are flagged."""
    strategy = action.strategy
    warnings = []
    for name, label in (("commencement_date", "commencement"), ("completion_date", "completion")):
        value = getattr(action, name)
        if value and not (strategy.period_start <= value.year <= strategy.period_end):
            warnings.append(
                f"The {label} date {value:%-d %B %Y} is outside the strategy period {strategy.period_label}."
            )
    return warnings


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
    _validate_action_rules(action)
    _validate_reference_free(action)
    if lead_agency is not None and lead_agency.archived_at is not None:
        raise ValidationError({"lead_agency": f"{lead_agency.name} is archived. Select a current agency"})
    action.full_clean(validate_unique=False)
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


EDITABLE_FIELDS = (
    "outcome", "reference", "text", "lead_agency", "lead_name", "commencement_date", "completion_date",
    "start_year", "end_year", "core_component", "measures_text", "status", "progress", "completion_note",
    "cancellation_reason",
)


@transaction.atomic
def action_edit(*, action, actor, expected_version=None, recommendations=None, supporting_agencies=None,
                narrative="", **fields):
    """Change any field of an action. Returns the action and a list of warnings to show the editor.

    Moving an action to an outcome under another aim gives it the next free reference there unless a
    reference is given. A change of status or progress is also written to the action's timeline.
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    current = Action.objects.select_for_update().select_related("strategy", "outcome__aim").get(pk=action.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError("This action was changed by someone else since you opened it.", current=current)
    before = {name: getattr(current, name) for name in EDITABLE_FIELDS}
    before_m2m = (
        sorted(current.recommendations.values_list("pk", flat=True)),
        sorted(current.supporting_agencies.values_list("pk", flat=True)),
    )
    old_aim_id = current.outcome.aim_id
    for name, value in fields.items():
        setattr(current, name, value)
    if current.outcome.aim_id != old_aim_id and fields.get("reference", before["reference"]) == before["reference"]:
        current.reference = next_reference(current.outcome)
    _validate_action_rules(current)
    _validate_reference_free(current)
    if current.lead_agency_id != before["lead_agency"].pk and current.lead_agency.archived_at is not None:
        raise ValidationError({"lead_agency": f"{current.lead_agency.name} is archived. Select a current agency"})
    current.full_clean(validate_unique=False)
    changes = diff(current, EDITABLE_FIELDS, before)
    if recommendations is not None:
        current.recommendations.set(recommendations)
    if supporting_agencies is not None:
        current.supporting_agencies.set(supporting_agencies)
    after_m2m = (
        sorted(current.recommendations.values_list("pk", flat=True)),
        sorted(current.supporting_agencies.values_list("pk", flat=True)),
    )
    if after_m2m != before_m2m:
        changes["links"] = ["recommendations or supporting agencies", "changed"]
    if not changes:
        return current, date_warnings(current)
    progress_changed = before["status"] != current.status or before["progress"] != current.progress
    current.version += 1
    update_fields = [*(f for f in EDITABLE_FIELDS if f in changes), "version", "updated_at"]
    if current.lead_contact_needed and ("lead_name" in changes or "lead_agency" in changes):
        current.lead_contact_needed = False  # a new lead contact has been named
        update_fields.append("lead_contact_needed")
    if progress_changed:
        current.last_update_at = timezone.now()
        update_fields.append("last_update_at")
        ActionUpdate.objects.create(
            action=current, author=actor, status_from=before["status"], status_to=current.status,
            progress_from=before["progress"], progress_to=current.progress,
            narrative=narrative or "Status or progress changed when the action was edited.",
        )
    current._history_user = actor
    current.save(update_fields=update_fields)
    record(actor=actor, verb="action.edited", obj=current, partnership=current.strategy.partnership,
           summary=str(current), changes=changes)
    return current, date_warnings(current)


@transaction.atomic
def action_delete(*, action, actor):
    """Delete an action entered by mistake. An action with updates has a history: cancel it instead."""
    if action.updates.exists():
        raise ValidationError(
            "This action has updates in its timeline, so it cannot be deleted. Cancel it and give a reason instead."
        )
    summary, partnership = str(action), action.strategy.partnership
    record(actor=actor, verb="action.deleted", obj=action, partnership=partnership, summary=summary)
    action.delete()


@transaction.atomic
def aim_renumber_actions(*, aim, actor):
    """Number the aim's actions again 1, 2, 3 … in their current order (outcome, then reference).

    References are first moved aside so that no two actions ever hold the same reference, even where the
    database checks uniqueness row by row. Returns {old reference: new reference} for those that changed.
    """
    actions = list(
        Action.objects.select_for_update().filter(outcome__aim=aim).select_related("outcome")
    )
    actions.sort(key=lambda a: (a.outcome.number, reference_sort_key(a.reference), a.pk))
    renames = {}
    for position, action in enumerate(actions, start=1):
        new = f"{aim.number}.{position}"
        if action.reference != new:
            renames[action.pk] = (action.reference, new)
    if not renames:
        return {}
    clashes = Action.objects.filter(strategy_id=aim.strategy_id, reference__in=[n for _, n in renames.values()]).exclude(
        outcome__aim=aim
    )
    if clashes.exists():
        raise ValidationError("Another aim's action already uses one of these references.")
    for action in actions:
        if action.pk in renames:
            Action.objects.filter(pk=action.pk).update(reference=f"~{action.pk}")
    for action in actions:
        if action.pk in renames:
            Action.objects.filter(pk=action.pk).update(
                reference=renames[action.pk][1], version=action.version + 1, updated_at=timezone.now()
            )
    result = dict(renames.values())
    record(actor=actor, verb="action.renumbered", obj=aim, partnership=aim.strategy.partnership,
           summary=f"Actions of aim {aim.number} renumbered", changes={old: [old, new] for old, new in result.items()})
    return result


@transaction.atomic
def action_cancel(*, action, actor, reason, expected_version=None):
    """Cancel an action, keeping its reason in the timeline."""
    if not (reason or "").strip():
        raise ValidationError({"cancellation_reason": "Give a reason for cancelling the action."})
    return action_update_progress(
        action=action, actor=actor, status=ActionStatus.CANCELLED, progress=action.progress, narrative=reason,
        cancellation_reason=reason, expected_version=expected_version,
    )


def progress_snapshot_take(*, strategy_id, day):
    """Record the strategy's plan figures for `day`. Running it again the same day refreshes that day's row."""
    from .selectors import progress_summary

    summary = progress_summary(Action.objects.filter(strategy_id=strategy_id))
    snapshot, _ = ProgressSnapshot.objects.update_or_create(
        strategy_id=strategy_id, date=day,
        defaults={
            "total": summary["total"], "by_status": {row["status"]: row["count"] for row in summary["by_status"]},
            "completed_percent": summary["completed_percent"], "overdue": summary["overdue"],
            "stale": summary["stale"],
        },
    )
    return snapshot


def week_start_of(day):
    return day - datetime.timedelta(days=day.weekday())


def _send_once(*, partnership, recipient, kind, week_start, action_count, subject, template, context):
    """Send one reminder unless it was sent already this week. The log row and the email succeed together."""
    try:
        with transaction.atomic():
            _, created = ReminderLog.objects.get_or_create(
                partnership=partnership, recipient=recipient, kind=kind, week_start=week_start,
                defaults={"action_count": action_count},
            )
            if not created:
                return False
            body = render_to_string(template, {**context, "base_url": settings.PORTAL_BASE_URL.rstrip("/")})
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except IntegrityError:
        return False  # a concurrent run logged it first
    return True


def reminders_send(*, day):
    """Send the week's reminders: each lead their actions due within 14 days, overdue or stale; each business
    manager a summary of the plan. Returns how many emails went. Safe to run again: nothing is sent twice."""
    from . import selectors

    week_start = week_start_of(day)
    sent = 0
    for lead in selectors.reminder_leads(day=day):
        sent += _send_once(
            partnership=lead["partnership"], recipient=lead["user"], kind=ReminderKind.LEAD, week_start=week_start,
            action_count=len(lead["actions"]),
            subject=f"{lead['partnership'].name}: {len(lead['actions'])} action(s) to update",
            template="actionplan/email/lead_reminder.txt", context=lead,
        )
    for summary in selectors.reminder_summaries(day=day):
        sent += _send_once(
            partnership=summary["partnership"], recipient=summary["user"], kind=ReminderKind.SUMMARY,
            week_start=week_start, action_count=sum(s["summary"]["total"] for s in summary["strategies"]),
            subject=f"{summary['partnership'].name}: the action plan this week",
            template="actionplan/email/manager_summary.txt", context=summary,
        )
    return sent


def _normalised(fields_or_action, name):
    value = fields_or_action.get(name) if isinstance(fields_or_action, dict) else getattr(fields_or_action, name)
    if name == "end_year":
        start = _normalised(fields_or_action, "start_year")
        return value if value != start else None
    return value


def _row_error_text(error):
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
                         for field, msgs in error.message_dict.items())
    return " ".join(error.messages)


@transaction.atomic
def plan_import(*, strategy, rows, actor, apply=False):
    """Bring the plan in line with spreadsheet rows: rows whose ID or reference matches an action update it,
    other rows add actions. Every row is checked by the same rules as the forms.

    Returns {"rows": [{"row", "kind" (create / update / unchanged), "reference", "changes"}], "errors":
    [{"row", "message"}], "applied": bool}. Nothing is kept unless `apply` is true and no row has an error.
    """
    from .transfer import RowReader

    reader = RowReader(strategy)
    existing = {a.pk: a for a in Action.objects.filter(strategy=strategy).select_related("outcome__aim")}
    by_reference = {a.reference: a for a in existing.values()}
    report = {"rows": [], "errors": [], "applied": False}
    seen = {}
    for number, values in rows:
        try:
            fields = reader.read(values)
            action = None
            if values.get("ID"):
                if not values["ID"].isdigit() or int(values["ID"]) not in existing:
                    raise ValidationError({"ID": f"No action with ID {values['ID']} in this plan."})
                action = existing[int(values["ID"])]
            elif fields.get("reference") in by_reference:
                action = by_reference[fields["reference"]]
            key = action.pk if action else fields.get("reference")
            if key is not None and key in seen:
                raise ValidationError(f"Row {seen[key]} already changes this action.")
            if key is not None:
                seen[key] = number
            with transaction.atomic():
                if action is None:
                    created = action_create(actor=actor, **fields)
                    report["rows"].append({"row": number, "kind": "create", "reference": created.reference,
                                           "changes": sorted(fields)})
                    continue
                changed = {
                    name: value for name, value in fields.items()
                    if _normalised(fields, name) != _normalised(action, name)
                }
                if changed:
                    if "start_year" in changed or "end_year" in changed:
                        changed["start_year"], changed["end_year"] = fields["start_year"], fields["end_year"]
                    action_edit(action=action, actor=actor, narrative="Changed by a spreadsheet import.", **changed)
                report["rows"].append({
                    "row": number, "kind": "update" if changed else "unchanged",
                    "reference": fields.get("reference", action.reference), "changes": sorted(changed),
                })
        except ValidationError as error:
            report["errors"].append({"row": number, "message": _row_error_text(error)})
        except IntegrityError:
            report["errors"].append({"row": number, "message": "The row clashes with another action (its reference "
                                                               "is probably used already)."})
    if apply and not report["errors"]:
        report["applied"] = True
        record(actor=actor, verb="action.imported", obj=strategy, partnership=strategy.partnership,
               summary=f"{sum(r['kind'] != 'unchanged' for r in report['rows'])} actions changed by an import")
    else:
        transaction.set_rollback(True)
    return report


def flag_actions_of_departed_lead(sender, membership, actor, **kwargs):
    """Receiver of partnerships' membership_deactivated: open actions of the partnership's current strategies
    whose named lead is the person are flagged for a new lead contact, each change in the audit trail.
    Returns how many were flagged."""
    user = membership.user
    names = [n for n in (user.full_name.strip(), user.email) if n]
    if not names:
        return 0
    match = Q()
    for name in names:
        match |= Q(lead_name__icontains=name)
    actions = list(
        Action.objects.select_for_update().filter(match, strategy__partnership_id=membership.partnership_id,
                                                  lead_contact_needed=False)
        .exclude(status__in=CLOSED_STATUSES).exclude(strategy__status="superseded")
    )
    for action in actions:
        action.lead_contact_needed = True
        action._history_user = actor
        action.save(update_fields=["lead_contact_needed"])
        record(actor=actor, verb="action.lead_contact_needed", obj=action, partnership=membership.partnership,
               summary=f"{action.reference}: {user.get_full_name()} has left; name a new lead contact",
               changes={"lead_contact_needed": ["False", "True"]})
    return len(actions)

"""Writes to the action plan. Each runs in a transaction and records who did it."""
import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partnerships import access, documents
from partnerships.audit import diff, record
from partnerships.errors import ConflictError
from partnerships.models import AuditEvent, Membership, NotificationKind
from partnerships.notifications import notify
from partnerships.uploads import EVIDENCE_KINDS, store_upload
from strategy.services import plan_changed

from .models import (
    CLOSED_STATUSES,
    DEFAULT_STATUS_MEANINGS,
    Action,
    ActionComment,
    ActionStatus,
    ActionUpdate,
    ActionUpdateFile,
    CompletionDateChange,
    DateChangeStatus,
    ProgressSnapshot,
    ReminderKind,
    ReminderLog,
    StatusMeaning,
    UpdateLink,
    reference_sort_key,
)

logger = logging.getLogger(__name__)

# At most this many evidence files on one update.
MAX_FILES_PER_UPDATE = 5

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
    plan_changed(strategy.pk)
    return action


@transaction.atomic
def commitment_action_create(*, commitment, actor, **action_data):
    """Make a "We will" commitment an action of the plan, under an intended outcome of the same strategy, and
    link the action back to the commitment."""
    if action_data["outcome"].aim.strategy_id != commitment.priority.strategy_id:
        raise ValidationError({"outcome": "Choose an intended outcome of this strategy."})
    action = action_create(actor=actor, **action_data)
    action.commitment = commitment
    action._history_user = actor
    action.save(update_fields=["commitment", "updated_at"])
    record(actor=actor, verb="commitment.action_linked", obj=commitment, partnership=action.strategy.partnership,
           summary=f"Action {action.reference} made from this commitment")
    return action


@transaction.atomic
def action_update_progress(
    *, action, actor, status, progress, narrative="", evidence_url="", expected_version=None,
    completion_note=None, cancellation_reason=None, as_of=None, files=(),
):
    """Record a status and progress update as an immutable timeline entry, with any evidence `files`
    (uploads, checked by content and stored privately).

    An action past its completion date (as of `as_of`, default today) cannot be recorded as on track: the
    owner says it is at risk or off track, or proposes a new date (date_change_propose).

    Refuses the write with ConflictError when `expected_version` is given and the
    action has changed since, so no update is silently lost.
    """
    files = [f for f in files if f]
    if len(files) > MAX_FILES_PER_UPDATE:
        raise ValidationError({"files": f"Attach at most {MAX_FILES_PER_UPDATE} files to one update."})
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
    as_of = as_of or timezone.localdate()
    if status == ActionStatus.ON_TRACK and current.completion_date and current.completion_date < as_of:
        raise ValidationError({"status": (
            f"The action was due on {current.completion_date:%-d %B %Y}, so it cannot be on track. Choose at risk "
            "or off track, or propose a new completion date."
        )})
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
    _attach_files(update, files, actor=actor, partnership=current.strategy.partnership)
    plan_changed(current.strategy_id)
    return update


def _display_name(name):
    """The uploaded file's name as a label only: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return base.strip()[:200] or "evidence"


def _attach_files(update, files, *, actor, partnership):
    from django.core.files.storage import default_storage

    stored = []
    try:
        for upload in files:
            name, _kind, content_type = store_upload(
                upload, folder=f"actions/{update.action_id}/evidence", kinds=EVIDENCE_KINDS
            )
            stored.append(name)
            attached = ActionUpdateFile.objects.create(
                update=update, file=name, original_name=_display_name(upload.name), content_type=content_type,
                size=upload.size, uploaded_by=actor,
            )
            record(actor=actor, verb="action.evidence_attached", obj=attached, partnership=partnership,
                   summary=f"{update.action.reference}: {attached.original_name} ({attached.size} bytes)")
    except ValidationError as error:
        for name in stored:
            default_storage.delete(name)
        raise ValidationError({"files": error.messages}) from error
    except Exception:
        for name in stored:
            default_storage.delete(name)
        raise


@transaction.atomic
def evidence_file_record_download(*, evidence, actor):
    """Log the download of an evidence file as a read in the audit trail."""
    record(actor=actor, verb="action.evidence_downloaded", obj=evidence, partnership=evidence.audit_partnership,
           kind=AuditEvent.Kind.READ, summary=evidence.original_name)


# --- Comments ----------------------------------------------------------------------------------


def mentionable_members(action, *, exclude=None):
    """The active members of the action's partnership who can see the action, and so may be mentioned."""
    memberships = (
        Membership.objects.filter(partnership_id=action.strategy.partnership_id, is_active=True, user__is_active=True)
        .select_related("user", "agency", "partnership").order_by("user__full_name", "user__email")
    )
    return [m for m in memberships if access.can(m, access.ACTION_VIEW, action) and m.user != exclude]


def _mentioned_in_text(text, members):
    """Members written into the text as @ and their full name (or their email address), longest names first
    so that "@Sam Jones" is not taken for "@Sam"."""
    lowered = text.lower()
    found = []
    for member in sorted(members, key=lambda m: -len(m.user.full_name or "")):
        for label in (member.user.full_name, member.user.email):
            if label and f"@{label.lower()}" in lowered:
                found.append(member)
                lowered = lowered.replace(f"@{label.lower()}", " ")
                break
    return found


@transaction.atomic
def action_comment_add(*, action, actor, text, mention_ids=()):
    """Add a comment to the action's thread and notify each member it mentions: the people chosen in
    `mention_ids`, and anyone written in the text as @Full Name. Only members who can see the action are
    notified; anyone else named is ignored."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your comment."})
    if len(text) > 5000:
        raise ValidationError({"text": "A comment must be 5,000 characters or fewer."})
    members = mentionable_members(action, exclude=actor)
    wanted = {int(pk) for pk in mention_ids}
    mentioned = {m.user_id: m for m in members if m.user_id in wanted}
    mentioned.update({m.user_id: m for m in _mentioned_in_text(text, members)})
    comment = ActionComment(action=action, author=actor, text=text)
    comment.full_clean(exclude=["action", "author"])
    comment.save()
    partnership = action.strategy.partnership
    if mentioned:
        comment.mentioned.set(list(mentioned))
    record(actor=actor, verb="action.comment_added", obj=comment, partnership=partnership,
           summary=f"{action.reference}: {len(mentioned)} mentioned")
    url = reverse("action_detail", kwargs={"slug": partnership.slug, "pk": action.pk}) + f"#comment-{comment.pk}"
    author = actor.full_name or actor.email
    for member in mentioned.values():
        notify(
            user=member.user, partnership=partnership, kind=NotificationKind.MENTIONED,
            subject=f"{author} mentioned you on action {action.reference}",
            body=text[:1000], url=url,
        )
    return comment


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
    plan_changed(current.strategy_id)
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
    strategy_id = action.strategy_id
    action.delete()
    plan_changed(strategy_id)


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
    plan_changed(aim.strategy_id)
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
    """Record the strategy's plan figures for `day`, overall, per aim and per lead agency. Running it again the
    same day refreshes that day's row."""
    from .selectors import progress_breakdown, progress_summary

    actions = Action.objects.filter(strategy_id=strategy_id)

    def figures(summary):
        return {
            "total": summary["total"], "by_status": {row["status"]: row["count"] for row in summary["by_status"]},
            "completed_percent": summary["completed_percent"], "overdue": summary["overdue"],
            "stale": summary["stale"],
        }

    by_aim = progress_breakdown(actions, "outcome__aim_id")
    by_agency = progress_breakdown(actions, "lead_agency_id")
    snapshot, _ = ProgressSnapshot.objects.update_or_create(
        strategy_id=strategy_id, date=day,
        defaults={
            **figures(progress_summary(actions)),
            "by_aim": {str(pk): figures(row) for pk, row in by_aim.items()},
            "by_agency": {str(pk): figures(row) for pk, row in by_agency.items()},
        },
    )
    return snapshot


def week_start_of(day):
    return day - datetime.timedelta(days=day.weekday())


def _send_once(*, partnership, recipient, kind, week_start, action_count, subject, template, context,
               extra_context=None):
    """Send one reminder unless it was sent already this week. The log row and the email succeed together.
    `extra_context`, when given, is called inside the transaction once the email is known to be due."""
    try:
        with transaction.atomic():
            _, created = ReminderLog.objects.get_or_create(
                partnership=partnership, recipient=recipient, kind=kind, week_start=week_start,
                defaults={"action_count": action_count},
            )
            if not created:
                return False
            extra = extra_context() if extra_context else {}
            body = render_to_string(template, {**context, **extra, "base_url": settings.PORTAL_BASE_URL.rstrip("/")})
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    except IntegrityError:
        return False  # a concurrent run logged it first
    return True


def _link_context(membership):
    if not update_link_allowed(membership):
        return {}
    link, token = update_link_issue(membership=membership)
    return {"link_token": token, "link_expires": link.expires_at}


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
            extra_context=lambda lead=lead: _link_context(lead["membership"]),
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


class _PlanImporter:
    """Applies spreadsheet rows to one strategy's plan, one row at a time, each in its own savepoint; a row
    that fails is recorded in `report["errors"]` and changes nothing. It remembers which rows it has seen, so
    two rows changing one action are refused even when they are far apart in the file."""

    def __init__(self, *, strategy, actor):
        from .transfer import RowReader

        self.actor = actor
        self.reader = RowReader(strategy)
        self.existing = {a.pk: a for a in Action.objects.filter(strategy=strategy).select_related("outcome__aim")}
        self.by_reference = {a.reference: a for a in self.existing.values()}
        self.report = {"rows": [], "errors": [], "applied": False}
        self.seen = {}
        # References in use, kept here as rows add actions, so that a new action's reference costs no query
        # (next_reference reads every reference of the aim: quadratic over a long file).
        self.taken = set(self.by_reference)
        self.next_number = {}

    def _reference_for(self, fields):
        reference = fields.get("reference")
        if reference:
            if reference in self.taken:
                raise ValidationError({"reference": f"Reference {reference} is already used in this plan."})
            return reference
        aim = fields["outcome"].aim.number
        n = self.next_number.get(aim, 1)
        while f"{aim}.{n}" in self.taken:
            n += 1
        self.next_number[aim] = n
        return f"{aim}.{n}"

    def row(self, number, values):
        report = self.report
        try:
            fields = self.reader.read(values)
            action = None
            if values.get("ID"):
                if not values["ID"].isdigit() or int(values["ID"]) not in self.existing:
                    raise ValidationError({"ID": f"No action with ID {values['ID']} in this plan."})
                action = self.existing[int(values["ID"])]
            elif fields.get("reference") in self.by_reference:
                action = self.by_reference[fields["reference"]]
            key = action.pk if action else fields.get("reference")
            if key is not None and key in self.seen:
                raise ValidationError(f"Row {self.seen[key]} already changes this action.")
            if key is not None:
                self.seen[key] = number
            with transaction.atomic():
                if action is None:
                    created = action_create(actor=self.actor, **{**fields, "reference": self._reference_for(fields)})
                    self.taken.add(created.reference)
                    report["rows"].append({"row": number, "kind": "create", "reference": created.reference,
                                           "changes": sorted(fields)})
                    return
                changed = {
                    name: value for name, value in fields.items()
                    if _normalised(fields, name) != _normalised(action, name)
                }
                if changed:
                    if "start_year" in changed or "end_year" in changed:
                        changed["start_year"], changed["end_year"] = fields["start_year"], fields["end_year"]
                    edited, _ = action_edit(action=action, actor=self.actor,
                                            narrative="Changed by a spreadsheet import.", **changed)
                    if edited.reference != action.reference:
                        self.taken.add(edited.reference)
                report["rows"].append({
                    "row": number, "kind": "update" if changed else "unchanged",
                    "reference": fields.get("reference", action.reference), "changes": sorted(changed),
                })
        except ValidationError as error:
            report["errors"].append({"row": number, "message": _row_error_text(error)})
        except IntegrityError:
            report["errors"].append({"row": number, "message": "The row clashes with another action (its reference "
                                                               "is probably used already)."})

    def counts(self):
        kinds = [r["kind"] for r in self.report["rows"]]
        return {"created": kinds.count("create"), "updated": kinds.count("update"),
                "unchanged": kinds.count("unchanged")}


def _record_applied(*, strategy, actor, report):
    report["applied"] = True
    record(actor=actor, verb="action.imported", obj=strategy, partnership=strategy.partnership,
           summary=f"{sum(r['kind'] != 'unchanged' for r in report['rows'])} actions changed by an import")


@transaction.atomic
def plan_import(*, strategy, rows, actor, apply=False):
    """Bring the plan in line with spreadsheet rows: rows whose ID or reference matches an action update it,
    other rows add actions. Every row is checked by the same rules as the forms.

    Returns {"rows": [{"row", "kind" (create / update / unchanged), "reference", "changes"}], "errors":
    [{"row", "message"}], "applied": bool}. Nothing is kept unless `apply` is true and no row has an error.
    """
    importer = _PlanImporter(strategy=strategy, actor=actor)
    for number, values in rows:
        importer.row(number, values)
    report = importer.report
    if apply and not report["errors"]:
        _record_applied(strategy=strategy, actor=actor, report=report)
    else:
        transaction.set_rollback(True)
    return report


# --- Background imports (more than IMPORT_BACKGROUND_ROWS rows) ----------------------------------------

PLAN_IMPORT_TASK = "actionplan.plan_import"


@transaction.atomic
def plan_import_request(*, strategy, upload, rows_total, actor):
    """Keep an uploaded spreadsheet privately and queue its import for a worker, which checks every row and
    applies them all or none (plan_import_run). The file has already passed every limit in
    transfer.read_upload; `rows_total` is how many rows it holds."""
    from .models import PlanImport

    job = PlanImport(strategy=strategy, requested_by=actor, rows_total=rows_total,
                     filename=(getattr(upload, "name", "") or "")[:200])
    job.full_clean(exclude=["file"])
    job.save()
    upload.seek(0)
    job.file.save(job.filename or "plan.csv", upload, save=False)
    job.save(update_fields=["file"])
    record(actor=actor, verb="plan_import.requested", obj=job, partnership=strategy.partnership,
           summary=f"{rows_total:,} rows from {job.filename}"[:300])
    transaction.on_commit(lambda: plan_import_send(job.pk))
    return job


def plan_import_send(job_id):
    """Send an import to the worker. Never runs it here: with the broker down the import stays queued and
    plan_imports_requeue_waiting sends it again."""
    from partnerships.tasks_support import enqueue

    return enqueue(PLAN_IMPORT_TASK, job_id, in_process_if_unreachable=False)


def _waiting_or_stalled(now):
    from .models import PlanImport, PlanImportStatus

    waiting = Q(status=PlanImportStatus.QUEUED, started_at__isnull=True,
                requested_at__lt=now - datetime.timedelta(seconds=settings.IMPORT_REQUEUE_AFTER_SECONDS))
    stalled = Q(status__in=[PlanImportStatus.QUEUED, PlanImportStatus.CHECKING, PlanImportStatus.APPLYING],
                progress_at__lt=now - datetime.timedelta(seconds=settings.IMPORT_STALLED_AFTER_SECONDS))
    return PlanImport.objects.filter(waiting | stalled)


def plan_imports_requeue_waiting(*, now=None):
    """Send again every import still waiting to start after IMPORT_REQUEUE_AFTER_SECONDS (the broker was down,
    or the message was lost) and every one whose run stopped making progress (its worker died). Returns how
    many were sent. A second delivery of one that is running does nothing (plan_import_run)."""
    ids = list(_waiting_or_stalled(now or timezone.now()).values_list("pk", flat=True))
    for pk in ids:
        plan_import_send(pk)
    return len(ids)


def plan_import_nudge(job, *, now=None):
    """Send an import again if it has waited too long (called by the page that shows its progress)."""
    if _waiting_or_stalled(now or timezone.now()).filter(pk=job.pk).exists():
        plan_import_send(job.pk)
        return True
    return False


def _plan_import_claim(job_id, now):
    """Take the import for this run: one waiting, or one whose previous run has stopped. None when it is
    finished or another run is at work on it."""
    from .models import PlanImport, PlanImportStatus

    with transaction.atomic():
        # Only the import's own row is locked: requested_by is the nullable side of a join.
        job = PlanImport.objects.select_for_update(of=("self",)).select_related(
            "strategy__partnership", "requested_by").get(pk=job_id)
        if job.status in (PlanImportStatus.DONE, PlanImportStatus.FAILED):
            return None
        stalled_before = now - datetime.timedelta(seconds=settings.IMPORT_STALLED_AFTER_SECONDS)
        if job.status != PlanImportStatus.QUEUED and job.progress_at and job.progress_at >= stalled_before:
            return None
        job.status, job.started_at, job.progress_at = PlanImportStatus.CHECKING, now, now
        job.rows_checked, job.attempt = 0, job.attempt + 1
        job.save(update_fields=["status", "started_at", "progress_at", "rows_checked", "attempt"])
    return job


def _plan_import_progress(job, **fields):
    from .models import PlanImport

    fields["progress_at"] = timezone.now()
    PlanImport.objects.filter(pk=job.pk, attempt=job.attempt).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def _plan_import_finish(job, *, status, errors=(), error="", counts=None):
    """Record the end of an import (in the caller's transaction) and delete its file once that commits.
    A run that a later one has taken over records nothing."""
    from .models import PlanImport, PlanImportStatus

    if not PlanImport.objects.select_for_update().filter(pk=job.pk, attempt=job.attempt).exists():
        return
    job.status, job.finished_at, job.errors, job.error = status, timezone.now(), list(errors), error[:2000]
    for name, value in (counts or {}).items():
        setattr(job, name, value)
    job.save(update_fields=["status", "finished_at", "errors", "error", "rows_checked", *(counts or {})])
    if status == PlanImportStatus.FAILED:
        failed = f"{len(job.errors):,} rows cannot be imported" if job.errors else job.error
        record(actor=job.requested_by, verb="plan_import.failed", obj=job, partnership=job.strategy.partnership,
               summary=f"Nothing imported from {job.filename}: {failed}"[:300])
    file_name, storage = job.file.name, job.file.storage
    if file_name:
        transaction.on_commit(lambda: storage.delete(file_name))


def plan_import_run(*, job_id):
    """Check and apply a queued import: every row or none. Safe to run again for the same id.

    First every row is checked by the same rules as the apply (each chunk of IMPORT_PROGRESS_EVERY rows is
    tried in a transaction that is rolled back, then the figure is saved for the progress page). If no row
    fails, every row is applied in one transaction, which is rolled back whole if a row fails then (the plan
    changed in between). The import ends done or failed, with every failed row and its reason, and its file
    is deleted."""
    from .models import PlanImport, PlanImportStatus
    from .transfer import UnreadableFile, iter_upload

    job = _plan_import_claim(job_id, timezone.now())
    if job is None:
        return PlanImport.objects.get(pk=job_id)
    strategy, actor = job.strategy, job.requested_by
    every = max(1, settings.IMPORT_PROGRESS_EVERY)

    def rows():
        with job.file.open("rb") as handle:
            yield from iter_upload(handle)

    try:
        checker = _PlanImporter(strategy=strategy, actor=actor)
        checked = 0
        chunk = []

        def check(chunk):
            with transaction.atomic():
                for number, values in chunk:
                    checker.row(number, values)
                transaction.set_rollback(True)

        for item in rows():
            chunk.append(item)
            if len(chunk) == every:
                check(chunk)
                checked += len(chunk)
                chunk = []
                _plan_import_progress(job, rows_checked=min(checked, job.rows_total),
                                      rows_total=max(checked, job.rows_total))
        if chunk or not checked:
            check(chunk)
            checked += len(chunk)
            _plan_import_progress(job, rows_checked=checked, rows_total=checked)
        elif job.rows_total != checked:
            _plan_import_progress(job, rows_checked=checked, rows_total=checked)
        if checker.report["errors"]:
            with transaction.atomic():
                _plan_import_finish(job, status=PlanImportStatus.FAILED, errors=checker.report["errors"])
            return job
        _plan_import_progress(job, status=PlanImportStatus.APPLYING)
        with transaction.atomic():
            current = PlanImport.objects.select_for_update().get(pk=job.pk)
            if current.attempt != job.attempt or current.status != PlanImportStatus.APPLYING:
                return current  # a later run has taken the import on
            applier = _PlanImporter(strategy=strategy, actor=actor)
            for number, values in rows():
                applier.row(number, values)
            if applier.report["errors"]:
                transaction.set_rollback(True)
            else:
                _record_applied(strategy=strategy, actor=actor, report=applier.report)
                _plan_import_finish(job, status=PlanImportStatus.DONE, counts=applier.counts())
                return job
        with transaction.atomic():
            _plan_import_finish(job, status=PlanImportStatus.FAILED, errors=applier.report["errors"])
        return job
    except UnreadableFile as error:
        with transaction.atomic():
            _plan_import_finish(job, status=PlanImportStatus.FAILED, error=str(error))
        return job
    except Exception:  # recorded on the row, so that the import is not sent again and again
        logger.exception("Plan import %s stopped", job.pk)
        with transaction.atomic():
            _plan_import_finish(job, status=PlanImportStatus.FAILED,
                                error="The import stopped on an unexpected error. Upload the file again; if it "
                                      "happens again, tell the portal's support team.")
        return job


# --- Update rounds -------------------------------------------------------------------------------------


@transaction.atomic
def round_settings_update(*, partnership, updates_due_days, actor):
    """Set how many days before each steering group meeting updates fall due."""
    from .models import RoundSettings

    current, _ = RoundSettings.objects.select_for_update().get_or_create(partnership=partnership)
    before = current.updates_due_days
    current.updates_due_days = updates_due_days
    current.full_clean()
    if before == updates_due_days:
        return current
    current.save(update_fields=["updates_due_days"])
    record(actor=actor, verb="round.settings_changed", obj=current, partnership=partnership,
           summary=f"Updates due {updates_due_days} days before each meeting",
           changes={"updates_due_days": [before, updates_due_days]})
    return current


@transaction.atomic
def meeting_create(*, partnership, date, actor):
    """Record a steering group meeting: it closes an update round."""
    from .models import SteeringGroupMeeting

    if SteeringGroupMeeting.objects.filter(partnership=partnership, date=date).exists():
        raise ValidationError({"date": f"A meeting on {date:%-d %B %Y} is already recorded."})
    meeting = SteeringGroupMeeting(partnership=partnership, date=date, created_by=actor)
    meeting.full_clean()
    meeting.save()
    record(actor=actor, verb="round.meeting_recorded", obj=meeting, partnership=partnership, summary=str(meeting))
    return meeting


@transaction.atomic
def meeting_delete(*, meeting, actor):
    """Remove a meeting recorded by mistake, with its board packs; requests made for it are kept."""
    record(actor=actor, verb="round.meeting_removed", obj=meeting, partnership=meeting.partnership,
           summary=str(meeting))
    meeting.delete()


def send_update_request_email(*, recipient, partnership, actions, request, link=None):
    """The one email asking a person for updates of their agency's actions. `link` is the (link, token) of
    their personal update link, when they may have one. The request is also in their notifications list."""
    from .selectors import round_of

    context = {
        "user": recipient, "partnership": partnership, "actions": actions, "request": request,
        "round": round_of(request.meeting) if request.meeting_id else None,
        "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
        "link_token": link[1] if link else "", "link_expires": link[0].expires_at if link else None,
    }
    body = render_to_string("actionplan/email/update_request.txt", context)
    count = len(actions)
    subject = f"{partnership.name}: please update {count} action{'s' if count != 1 else ''}"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])


@transaction.atomic
def update_request_send(*, partnership, actions, actor, meeting=None, message="", day=None):
    """Ask the lead agencies of `actions` for an update: each of their active steering group members gets
    one email for the whole batch, with their personal update link, and nobody gets more than one such
    email a day. Each of them also finds the request in their notifications list (emailed or not). The
    request is recorded on each action and in the audit trail. Returns the request."""
    from partnerships.models import Membership, Role

    from .models import UpdateRequest, UpdateRequestAction, UpdateRequestRecipient

    day = day or timezone.localdate()
    actions = [a for a in actions if not a.is_closed]
    if not actions:
        raise ValidationError({"actions": "Choose at least one open action to ask for an update."})
    if any(a.strategy.partnership_id != partnership.pk for a in actions):
        raise ValidationError({"actions": "Choose actions of this partnership."})
    if meeting is not None and meeting.partnership_id != partnership.pk:
        raise ValidationError({"meeting": "Choose a meeting of this partnership."})
    request = UpdateRequest(partnership=partnership, meeting=meeting, requested_by=actor, message=message.strip())
    request.full_clean(exclude=["requested_by"])
    request.save()
    UpdateRequestAction.objects.bulk_create(UpdateRequestAction(request=request, action=a) for a in actions)
    by_agency = {}
    for action in sorted(actions, key=lambda a: reference_sort_key(a.reference)):
        by_agency.setdefault(action.lead_agency_id, []).append(action)
    members = Membership.objects.filter(
        partnership=partnership, is_active=True, user__is_active=True, role=Role.STEERING_MEMBER,
        agency_id__in=list(by_agency),
    ).select_related("user", "partnership").order_by("user_id")
    per_user = {}
    for m in members:
        per_user.setdefault(m.user.pk, (m, []))[1].extend(by_agency[m.agency_id])
    already = set(UpdateRequestRecipient.objects.filter(
        partnership=partnership, user_id__in=list(per_user), emailed_on=day).values_list("user_id", flat=True))
    emailed = []
    my_actions = reverse("my_actions", kwargs={"slug": partnership.slug})
    for user_id, (membership, user_actions) in per_user.items():
        user = membership.user
        send_today = user_id not in already
        UpdateRequestRecipient.objects.create(request=request, user=user, partnership=partnership,
                                              emailed_on=day if send_today else None)
        count = len(user_actions)
        notify(user=user, partnership=partnership, kind=NotificationKind.UPDATE_REQUESTED,
               subject=f"Please update {count} action{'s' if count != 1 else ''}",
               body="\n".join([request.message, *(f"{a.reference} {a.text[:120]}" for a in user_actions)]).strip(),
               url=my_actions, emailed_by_caller=True)
        if send_today:
            link = update_link_issue(membership=membership, actor=actor) if update_link_allowed(membership) else None
            emailed.append((user, user_actions, link))
    for action in actions:
        record(actor=actor, verb="action.update_requested", obj=action, partnership=partnership,
               summary=f"{action.reference}: update requested")
    record(actor=actor, verb="round.update_requested", obj=request, partnership=partnership,
           summary=f"{len(actions)} actions, {len(emailed)} people emailed",
           changes={"actions": [a.reference for a in actions]})

    def send():
        for user, user_actions, link in emailed:
            send_update_request_email(recipient=user, partnership=partnership, actions=user_actions, request=request,
                                      link=link)

    # The emails go once the request is saved, never for a request that was rolled back.
    transaction.on_commit(send)
    request.emailed_count = len(emailed)
    request.people_count = len(per_user)
    return request


BOARD_PACK = "board_pack"


def board_pack_request(*, meeting, actor):
    """Ask for the round's board pack; the worker renders it (with the broker down it waits, queued, and is
    sent again; it is never rendered in the request)."""
    from .models import BoardPack

    with transaction.atomic():
        pack = BoardPack.objects.create(meeting=meeting, requested_by=actor)
        record(actor=actor, verb="board_pack.requested", obj=pack, partnership=meeting.partnership,
               summary=str(pack))
        documents.queue(BOARD_PACK, pack.pk)
    return pack


def _render_board_pack(pack):
    """Build the pack from the round's data as it is now and render it (in the worker)."""
    from partnerships.pdf import document_engine, render_pdf

    from .selectors import board_pack_data

    html = document_engine().render_to_string("actionplan/board_pack.html", board_pack_data(pack.meeting))
    pdf_bytes, pages = render_pdf(html)
    return documents.Rendered(pdf_bytes, pages)


def board_pack_render(*, pack_id):
    """Render a board pack now. Idempotent: a finished pack is left alone."""
    return documents.render_stored(BOARD_PACK, pack_id)


def register_documents():
    """Called from ActionplanConfig.ready(): the board pack joins the background pipeline."""
    from .models import BoardPack

    documents.register(documents.DocumentKind(
        name=BOARD_PACK, model=BoardPack, render=_render_board_pack, verb="board_pack",
        partnership_of=lambda pack: pack.meeting.partnership,
        queryset=lambda: BoardPack.objects.select_related("meeting__partnership"),
    ))


@transaction.atomic
def board_pack_record_download(*, pack, actor):
    """Log a download of the board pack as a read in the audit trail."""
    from partnerships.models import AuditEvent

    record(actor=actor, verb="board_pack.downloaded", obj=pack, partnership=pack.meeting.partnership,
           kind=AuditEvent.Kind.READ)
# -- Personal update links ----------------------------------------------------------------------


class LinkRefused(Exception):
    """The link cannot be used: unknown, expired, or its holder's membership no longer allows it.
    `sign_in` says whether signing in may still get the person there (for example two-step verification)."""

    def __init__(self, message, *, sign_in=False):
        super().__init__(message)
        self.sign_in = sign_in


def update_link_issue(*, membership, actor=None, days=None):
    """A new personal update link for a steering group member. Returns (link, token); only the token's hash
    is stored, and the token is not kept anywhere but in the email."""
    from partnerships.secret_links import new_token

    token, digest = new_token()
    days = settings.UPDATE_LINK_DAYS if days is None else days
    link = UpdateLink.objects.create(
        membership=membership, token_hash=digest, expires_at=timezone.now() + datetime.timedelta(days=days)
    )
    record(actor=actor, verb="update_link.issued", obj=membership, partnership=membership.partnership,
           summary=f"Personal update link for {membership.user} until {link.expires_at:%-d %B %Y}")
    return link, token


def update_link_membership(token):
    """The link and the membership it acts for, checked now against that membership as it is today: active,
    a steering group member with an agency, and not someone the partnership requires to sign in with
    two-step verification (nor anyone who chose it). Raises LinkRefused otherwise."""
    from partnerships.secret_links import token_hash

    link = UpdateLink.objects.select_related(
        "membership__user", "membership__partnership", "membership__agency"
    ).filter(token_hash=token_hash(token)).first()
    if link is None:
        raise LinkRefused("This link is not valid.", sign_in=True)
    if link.expires_at <= timezone.now():
        raise LinkRefused("This link has expired.", sign_in=True)
    membership = link.membership
    if not (membership.is_active and membership.user.is_active and membership.agency_id):
        raise LinkRefused("This link no longer opens anything.")
    if _signs_in_with_two_factor(membership):
        raise LinkRefused("Your account signs in with two-step verification.", sign_in=True)
    return link, membership


def _signs_in_with_two_factor(membership):
    from partnerships import two_factor

    required = membership.partnership.require_two_factor and membership.role in two_factor.REQUIRED_ROLES
    return required or two_factor.is_enabled(membership.user)


def update_link_allowed(membership):
    """Whether a personal update link would open anything for this membership today: the rule the link is
    checked against when used, so no email carries a link that can only be refused."""
    return bool(membership.is_active and membership.user.is_active and membership.agency_id
                and not _signs_in_with_two_factor(membership))


def update_link_used(*, link, action):
    """Note that the link saved an update (counted on the link, and in the audit trail)."""
    UpdateLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now(), use_count=link.use_count + 1)
    record(actor=link.membership.user, verb="update_link.used", obj=action, partnership=link.membership.partnership,
           summary=f"{action.reference} updated through a personal link")


# -- What each status means ----------------------------------------------------------------------


@transaction.atomic
def status_meanings_set(*, partnership, meanings, actor):
    """Set the partnership's own words for what each status means. An empty meaning, or the default wording,
    goes back to the default (so a later change of the defaults reaches it)."""
    existing = {m.status: m for m in StatusMeaning.objects.select_for_update().filter(partnership=partnership)}
    changes = {}
    for status, text in meanings.items():
        if status not in ActionStatus.values:
            raise ValidationError({status: "Not a status."})
        text = (text or "").strip()
        row = existing.get(status)
        if not text or text == DEFAULT_STATUS_MEANINGS[status]:
            if row:
                changes[status] = [row.meaning, ""]
                row.delete()
            continue
        if row is None:
            row = StatusMeaning(partnership=partnership, status=status, meaning=text)
            row.full_clean()
            row.save()
            changes[status] = ["", text]
        elif row.meaning != text:
            changes[status] = [row.meaning, text]
            row.meaning = text
            row.full_clean()
            row.save(update_fields=["meaning", "updated_at"])
    if changes:
        record(actor=actor, verb="status_meanings.changed", obj=partnership, partnership=partnership,
               summary="What each action status means", changes=changes)
    return changes


# -- A revised completion date -------------------------------------------------------------------


@transaction.atomic
def date_change_propose(*, action, proposed_date, reason, actor):
    """An owner proposes a revised completion date, with the reason. One proposal waits at a time."""
    current = Action.objects.select_for_update().select_related("strategy__partnership").get(pk=action.pk)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why the action needs a new completion date."
    if proposed_date is None:
        errors["proposed_date"] = "Enter the new completion date."
    elif proposed_date == current.completion_date:
        errors["proposed_date"] = "The new date must be different from the current completion date."
    elif proposed_date < timezone.localdate():
        errors["proposed_date"] = "The new completion date must be today or in the future."
    elif current.commencement_date and proposed_date < current.commencement_date:
        errors["proposed_date"] = "The new completion date must be on or after the commencement date."
    if current.status in CLOSED_STATUSES:
        errors["proposed_date"] = "The action is closed."
    if current.date_changes.filter(status=DateChangeStatus.PROPOSED).exists():
        errors["proposed_date"] = "A new date is already waiting for a decision."
    if errors:
        raise ValidationError(errors)
    change = CompletionDateChange(action=current, proposed_date=proposed_date, date_before=current.completion_date,
                                  reason=reason.strip(), proposed_by=actor)
    change.full_clean(exclude=["action", "proposed_by"])
    change.save()
    record(actor=actor, verb="action.date_change_proposed", obj=current, partnership=current.strategy.partnership,
           summary=f"{current.reference}: new completion date {proposed_date:%-d %B %Y} proposed",
           changes={"completion_date": [str(current.completion_date), str(proposed_date)]})
    return change


@transaction.atomic
def date_change_decide(*, change, accept, actor, note=""):
    """The business manager accepts or rejects a proposed date. Accepting moves the completion date and keeps
    the first agreed date as the original, which stays beside it wherever the action's dates are shown."""
    change = CompletionDateChange.objects.select_for_update().select_related("action").get(pk=change.pk)
    if change.status != DateChangeStatus.PROPOSED:
        raise ValidationError("This proposal has already been decided.")
    if not accept and not (note or "").strip():
        raise ValidationError({"decision_note": "Say why the new date is not accepted."})
    action = Action.objects.select_for_update().select_related("strategy__partnership").get(pk=change.action_id)
    change.status = DateChangeStatus.ACCEPTED if accept else DateChangeStatus.REJECTED
    change.decided_by, change.decided_at, change.decision_note = actor, timezone.now(), (note or "").strip()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if accept:
        before = action.completion_date
        if action.original_completion_date is None:
            action.original_completion_date = before
        action.completion_date = change.proposed_date
        action.version += 1
        _validate_action_rules(action)
        action._history_user = actor
        action.save(update_fields=["completion_date", "original_completion_date", "version", "updated_at"])
    record(actor=actor, verb="action.date_change_" + change.status, obj=action,
           partnership=action.strategy.partnership,
           summary=f"{action.reference}: new completion date {change.proposed_date:%-d %B %Y} {change.status}",
           changes={"completion_date": [str(change.date_before), str(change.proposed_date)]} if accept else None)
    return change


# -- A new version going live --------------------------------------------------------------------


@transaction.atomic
def actions_carry_over(*, strategy, actor):
    """When a new version goes live, each action copied from the old version takes the status, progress,
    notes and dates its original reached while the new version was drafted, so no update is lost. The
    original's timeline is shown with the copy (selectors.lineage_ids). Returns how many actions moved on."""
    copies = list(Action.objects.select_for_update().filter(strategy=strategy, copied_from__isnull=False)
                  .select_related("copied_from"))
    carried = 0
    for copy in copies:
        original = copy.copied_from
        fields = []
        if original.last_update_at and (copy.last_update_at is None or original.last_update_at > copy.last_update_at):
            for name in ("status", "progress", "completion_note", "cancellation_reason", "last_update_at"):
                if getattr(copy, name) != getattr(original, name):
                    setattr(copy, name, getattr(original, name))
                    fields.append(name)
        accepted_since = original.date_changes.filter(status=DateChangeStatus.ACCEPTED,
                                                      decided_at__gt=strategy.created_at).exists()
        if accepted_since:
            for name in ("completion_date", "original_completion_date"):
                if getattr(copy, name) != getattr(original, name):
                    setattr(copy, name, getattr(original, name))
                    fields.append(name)
        if fields:
            copy.version += 1
            copy._history_user = actor
            copy.save(update_fields=[*fields, "version", "updated_at"])
            carried += 1
    if carried:
        record(actor=actor, verb="actions.carried_over", obj=strategy, partnership=strategy.partnership,
               summary=f"{carried} action(s) carried on from the previous version")
    return carried


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

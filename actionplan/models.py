"""The action plan: actions under intended outcomes, and their timeline of updates."""
import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.models import Agency, BackgroundDocument, CoreComponent, DocumentStatus, Recommendation
from strategy.models import IntendedOutcome, Strategy


def reference_sort_key(reference):
    """The one order of action references, on the plan page, in downloads and in the document: 1.2 before
    1.10, and 1.2-3 (a sub-action) after 1.2. Each part separated by "." or "-" compares as a number when it
    is one; a part that is not a number comes after the numbers, alphabetically."""
    parts = re.split(r"[.-]", reference or "")
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts)


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


CLOSED_STATUSES = (ActionStatus.COMPLETED, ActionStatus.CANCELLED)


class Action(models.Model):
    """One action of the plan, serving one intended outcome and led by one agency."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(IntendedOutcome, on_delete=models.PROTECT, related_name="actions")
    reference = models.CharField(max_length=20, help_text="For example 1.1, 1.2.")
    text = models.TextField("action")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_actions")
    lead_name = models.CharField("named lead", max_length=200, blank=True)
    # Set when the person named as lead leaves the partnership; cleared when a new named lead is saved.
    lead_contact_needed = models.BooleanField("needs a new lead contact", default=False)
    supporting_agencies = models.ManyToManyField(Agency, blank=True, related_name="supported_actions")
    commencement_date = models.DateField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    original_completion_date = models.DateField(
        null=True, blank=True,
        help_text="The completion date first agreed, kept once a revised date has been accepted.",
    )
    start_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year of the strategy the action starts in (1 is the first year)."
    )
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    core_component = models.ForeignKey(
        CoreComponent, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    measures_text = models.TextField("measures that matter", blank=True)
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent complete.")
    completion_note = models.TextField(blank=True)
    cancellation_reason = models.TextField(blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    # The "We will" commitment this action was made from, when it was.
    commitment = models.ForeignKey(
        "strategy.Commitment", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies",
        help_text="The action of the previous version this one was copied from.",
    )
    # Incremented on every write; a write based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["last_update_at"])

    class Meta:
        ordering = ["strategy", "outcome__aim__number", "outcome__number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "reference"], name="action_reference_unique_in_strategy",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=Q(completion_date__isnull=True)
                | Q(commencement_date__isnull=True)
                | Q(completion_date__gte=F("commencement_date")),
                name="action_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(start_year__isnull=True) | Q(end_year__gte=F("start_year")),
                name="action_years_in_order",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_at_most_100"),
        ]
        indexes = [models.Index(fields=["strategy", "status"]), models.Index(fields=["lead_agency", "status"])]

    def __str__(self):
        return f"{self.reference} {self.text[:80]}"

    @property
    def audit_partnership(self):
        return self.lead_agency.partnership

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES

    @property
    def timing_label(self):
        if self.commencement_date or self.completion_date:
            start = self.commencement_date.strftime("%b %Y") if self.commencement_date else "…"
            end = self.completion_date.strftime("%b %Y") if self.completion_date else "…"
            if self.original_completion_date and self.original_completion_date != self.completion_date:
                end += f" (revised from {self.original_completion_date:%b %Y})"
            return f"{start} to {end}"
        if self.start_year:
            if not self.end_year or self.end_year == self.start_year:
                return f"Year {self.start_year}"
            return f"Years {self.start_year}–{self.end_year}"
        return "To be confirmed"


class ActionUpdate(models.Model):
    """An immutable entry in an action's timeline: who changed what, when, and why."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_updates")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_from = models.CharField(max_length=20, choices=ActionStatus.choices)
    status_to = models.CharField(max_length=20, choices=ActionStatus.choices)
    progress_from = models.PositiveSmallIntegerField()
    progress_to = models.PositiveSmallIntegerField()
    narrative = models.TextField(blank=True)
    evidence_url = models.URLField(blank=True, max_length=500)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Update to {self.action.reference} by {self.author} on {self.created_at:%d %b %Y}"


def _evidence_path(instance, filename):
    # Never used with a person's file name: services store files through partnerships.uploads.
    return f"actions/evidence/{filename}"


class ActionUpdateFile(models.Model):
    """A file attached to an update as evidence (a PDF, an Office document, a photograph or scan). Kept in
    private storage under a server-chosen name; served only as a download to people who can see the action."""

    update = models.ForeignKey(ActionUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_evidence_path, max_length=300)
    original_name = models.CharField("file name", max_length=200, help_text="As uploaded; shown, never used as a path.")
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(help_text="In bytes.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    @property
    def audit_partnership(self):
        return self.update.action.strategy.partnership


class ActionComment(models.Model):
    """One comment in the thread on an action. Whoever it mentions is notified."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_comments")
    text = models.TextField()
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="action_mentions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self):
        return f"Comment on {self.action.reference} by {self.author} on {self.created_at:%d %b %Y}"


class ProgressSnapshot(models.Model):
    """The plan's figures for one strategy on one day, kept to chart the trend. One row per strategy per day."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="progress_snapshots")
    date = models.DateField()
    total = models.PositiveIntegerField()
    by_status = models.JSONField(default=dict, help_text="Count of actions per status value.")
    completed_percent = models.FloatField()
    overdue = models.PositiveIntegerField()
    stale = models.PositiveIntegerField()
    # The same figures per aim and per lead agency, keyed by the aim's or agency's id (as text, JSON's keys):
    # {"12": {"total": 5, "by_status": {...}, "completed_percent": 20.0, "overdue": 1, "stale": 0}}.
    by_aim = models.JSONField(default=dict, blank=True)
    by_agency = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["strategy", "date"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "date"], name="progress_snapshot_one_per_day"),
        ]

    def __str__(self):
        return f"{self.strategy} on {self.date}"


class ReminderKind(models.TextChoices):
    LEAD = "lead", "Lead's actions"
    SUMMARY = "summary", "Business manager's summary"


class ReminderLog(models.Model):
    """That one reminder email went to one person for one partnership in one week, so it is never sent twice."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="reminder_logs")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_logs")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    week_start = models.DateField(help_text="The Monday of the week the reminder belongs to.")
    action_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_start", "partnership", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "recipient", "kind", "week_start"], name="reminder_once_per_week"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} for the week of {self.week_start}"


# --- Update rounds: steering group meetings, requests for updates, board packs ------------------------

DEFAULT_UPDATES_DUE_DAYS = 7


class RoundSettings(models.Model):
    """How a partnership runs its update rounds. A partnership with no row uses the defaults."""

    partnership = models.OneToOneField("partnerships.Partnership", on_delete=models.CASCADE,
                                       related_name="round_settings")
    updates_due_days = models.PositiveSmallIntegerField(
        "updates due (days before the meeting)", default=DEFAULT_UPDATES_DUE_DAYS,
        help_text="Leads are asked to update their actions this many days before each steering group meeting.",
    )

    class Meta:
        verbose_name_plural = "round settings"
        constraints = [
            models.CheckConstraint(condition=Q(updates_due_days__lte=90), name="round_updates_due_at_most_90_days"),
        ]

    def __str__(self):
        return f"Rounds of {self.partnership}: updates due {self.updates_due_days} days before"

    @property
    def audit_partnership(self):
        return self.partnership


class SteeringGroupMeeting(models.Model):
    """A steering group meeting. Each one closes an update round: the round opens the day after the meeting
    before it, and updates fall due the partnership's set number of days before it."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="steering_group_meetings")
    date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "date"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date"], name="one_steering_group_meeting_a_day"),
        ]

    def __str__(self):
        return f"Steering group meeting on {self.date:%-d %B %Y}"

    @property
    def audit_partnership(self):
        return self.partnership


class UpdateRequest(models.Model):
    """The business manager asking the lead agencies of some actions for an update: one batch, sent at once."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="update_requests")
    meeting = models.ForeignKey(SteeringGroupMeeting, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="update_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    actions = models.ManyToManyField(Action, through="UpdateRequestAction", related_name="update_requests")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Request for updates of {self.created_at:%-d %B %Y}"

    @property
    def audit_partnership(self):
        return self.partnership


class UpdateRequestAction(models.Model):
    """That one action was in a request for updates: shown on the action's page."""

    request = models.ForeignKey(UpdateRequest, on_delete=models.CASCADE, related_name="items")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="update_request_items")

    class Meta:
        ordering = ["-request__created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["request", "action"], name="action_once_per_update_request")]


class UpdateRequestRecipient(models.Model):
    """One person a request for updates went to, and whether they were emailed: at most one email a day."""

    request = models.ForeignKey(UpdateRequest, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE, related_name="+")
    emailed_on = models.DateField(null=True, blank=True, help_text="Empty when already emailed that day.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="update_request_recipient_once"),
            models.UniqueConstraint(fields=["partnership", "user", "emailed_on"], name="update_request_email_once_a_day",
                                    condition=Q(emailed_on__isnull=False)),
        ]


def board_pack_upload_to(instance, filename):
    # Server-chosen name in private storage.
    return f"board-packs/{instance.meeting.partnership_id}/{instance.pk}.pdf"


class BoardPack(BackgroundDocument, models.Model):
    """The round's progress report for its meeting: a document of the background pipeline
    (partnerships/documents.py), rendered by the worker, never in a request, and kept."""

    meeting = models.ForeignKey(SteeringGroupMeeting, on_delete=models.CASCADE, related_name="board_packs")
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=board_pack_upload_to, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Board pack for the {self.meeting}"

    @property
    def audit_partnership(self):
        return self.meeting.partnership

    @property
    def filename(self):
        return f"{self.meeting.partnership.slug}-board-pack-{self.meeting.date.isoformat()}.pdf"


DEFAULT_STATUS_MEANINGS = {
    ActionStatus.NOT_STARTED: "Work has not begun yet.",
    ActionStatus.ON_TRACK: "Work is under way and will be finished by the completion date.",
    ActionStatus.AT_RISK: "Work is under way but the completion date may be missed without help.",
    ActionStatus.OFF_TRACK: "The completion date will be missed: say why and propose a new date.",
    ActionStatus.COMPLETED: "The action is done: say what was achieved.",
    ActionStatus.CANCELLED: "The action will not be done: give the reason.",
}


class StatusMeaning(models.Model):
    """What one status means in one partnership, in its own words (the defaults apply until it is set)."""

    partnership = models.ForeignKey("partnerships.Partnership", on_delete=models.CASCADE,
                                    related_name="status_meanings")
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    meaning = models.CharField(max_length=300)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partnership", "status"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "status"], name="status_meaning_one_per_status"),
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.meaning}"


class DateChangeStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class CompletionDateChange(models.Model):
    """An owner's proposal of a revised completion date, with the reason, and the business manager's decision."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="date_changes")
    proposed_date = models.DateField()
    date_before = models.DateField(null=True, blank=True, help_text="The completion date when it was proposed.")
    reason = models.TextField()
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="date_changes_proposed")
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=DateChangeStatus.choices, default=DateChangeStatus.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="date_changes_decided")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["action"], condition=Q(status="proposed"),
                                    name="date_change_one_open_per_action"),
        ]

    def __str__(self):
        return f"New date {self.proposed_date} for {self.action.reference}"

    @property
    def audit_partnership(self):
        return self.action.lead_agency.partnership


class UpdateLink(models.Model):
    """A personal link sent with a weekly reminder: it opens the update pages of the actions the person's
    agency leads, and nothing else, until it expires. Only the token's hash is kept (partnerships.secret_links)."""

    membership = models.ForeignKey("partnerships.Membership", on_delete=models.CASCADE, related_name="update_links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Update link for {self.membership} until {self.expires_at:%d %b %Y}"


class PlanImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    CHECKING = "checking", "Checking rows"
    APPLYING = "applying", "Applying the changes"
    DONE = "done", "Imported"
    FAILED = "failed", "Not imported"


def plan_import_upload_to(instance, filename):
    # Server-chosen name in private storage; the person's own file name is kept on the row only.
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"plan-imports/{instance.strategy.partnership_id}/{instance.strategy_id}-{uuid.uuid4().hex}{suffix}"


class PlanImport(models.Model):
    """A spreadsheet of more than IMPORT_BACKGROUND_ROWS rows, checked and applied by a worker: every row or
    none. The uploaded file is deleted as soon as the import ends (done or failed); the row keeps what
    happened: the figures, and every failed row with its reason in `errors` ([{"row", "message"}])."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="plan_imports")
    status = models.CharField(max_length=10, choices=PlanImportStatus.choices, default=PlanImportStatus.QUEUED)
    file = models.FileField(upload_to=plan_import_upload_to, blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written after every chunk of rows: a run that stops writing it has died (see IMPORT_STALLED_AFTER_SECONDS).
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Each run that takes the import on counts up; only the run holding the latest attempt may apply it.
    attempt = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # A failure of the whole file (unreadable, past a limit), as opposed to failed rows.
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(rows_checked__lte=F("rows_total")), name="plan_import_checked_lte_total"),
        ]

    def __str__(self):
        return f"Import of {self.filename or 'a spreadsheet'} into {self.strategy}"

    @property
    def audit_partnership(self):
        return self.strategy.partnership

    @property
    def in_progress(self):
        return self.status in (PlanImportStatus.QUEUED, PlanImportStatus.CHECKING, PlanImportStatus.APPLYING)

"""The action plan: actions under intended outcomes, and their timeline of updates."""
import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.models import Agency, CoreComponent, Recommendation
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


class ProgressSnapshot(models.Model):
    """The plan's figures for one strategy on one day, kept to chart the trend. One row per strategy per day."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="progress_snapshots")
    date = models.DateField()
    total = models.PositiveIntegerField()
    by_status = models.JSONField(default=dict, help_text="Count of actions per status value.")
    completed_percent = models.FloatField()
    overdue = models.PositiveIntegerField()
    stale = models.PositiveIntegerField()
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

"""Multi-agency case audits (guide 15.2; national recommendation 3)."""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partnership_portal.models import Agency, Partnership
from strategy.models import Strategy


class AuditStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class Audit(models.Model):
    """An audit of a sample of cases on a theme, by several agencies together."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audits")
    strategy = models.ForeignKey(Strategy, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits")
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=200, help_text="For example intrafamilial abuse, or harmful sexual behaviour.")
    audit_date = models.DateField(null=True, blank=True)
    method = models.TextField(blank=True)
    lead = models.CharField(max_length=200, blank=True)
    agencies = models.ManyToManyField(Agency, blank=True, related_name="audits")
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-audit_date", "-id"]

    def __str__(self):
        return self.title

"""The multi-agency training needs assessment (guide chapter 6; national recommendation 2)."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnership_portal.models import Partnership
from strategy.models import Strategy


class AssessmentStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    COLLECTING = "collecting", "Collecting"
    ANALYSING = "analysing", "Analysing"
    COMPLETE = "complete", "Complete"


class TrainingNeedsAssessment(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="training_assessments")
    strategy = models.ForeignKey(
        Strategy, on_delete=models.SET_NULL, null=True, blank=True, related_name="training_assessments"
    )
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.PLANNING)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="assessment_period_in_order"),
        ]

    def __str__(self):
        return self.title

"""Multi-agency case audits (guide 15.2; national recommendation 3)."""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partnerships.models import Agency, FormOfAbuse, Partnership, Recommendation
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


class AgeBand(models.TextChoices):
    UNDER_5 = "0-4", "0 to 4"
    FIVE_TO_9 = "5-9", "5 to 9"
    TEN_TO_13 = "10-13", "10 to 13"
    FOURTEEN_TO_15 = "14-15", "14 to 15"
    SIXTEEN_TO_17 = "16-17", "16 to 17"
    NOT_KNOWN = "not_known", "Not known"


class Gender(models.TextChoices):
    GIRL = "girl", "Girl"
    BOY = "boy", "Boy"
    ANOTHER = "another", "Another gender identity"
    NOT_KNOWN = "not_known", "Not known"


class EthnicityGroup(models.TextChoices):
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_KNOWN = "not_known", "Not known"


class Disability(models.TextChoices):
    YES = "yes", "Disabled"
    NO = "no", "Not disabled"
    NOT_KNOWN = "not_known", "Not known"


class AuditCase(models.Model):
    """A case in an audit's sample, known only by a pseudonymised reference."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=30)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    gender = models.CharField(max_length=10, choices=Gender.choices)
    ethnicity_group = models.CharField(max_length=10, choices=EthnicityGroup.choices)
    disability = models.CharField(max_length=10, choices=Disability.choices)
    forms_of_abuse = models.ManyToManyField(FormOfAbuse, blank=True, related_name="audit_cases")
    agencies_involved = models.ManyToManyField(Agency, blank=True, related_name="audit_cases")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by retention (RETENTION_DAYS["audit_case"]): the reference and notes are gone; the profile, which
    # the audit's figures count, stays.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "reference"], name="case_reference_unique_in_audit"),
        ]

    def __str__(self):
        return self.reference

    @property
    def audit_partnership(self):
        return self.audit.partnership


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA = "area", "Area for improvement"


class AuditFinding(models.Model):
    """A strength or area for improvement the audit found; it can lead to actions in the plan."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=10, choices=FindingKind.choices)
    theme = models.CharField(max_length=200, blank=True)
    text = models.TextField("finding")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="audit_findings")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_findings"
    )
    actions = models.ManyToManyField("actionplan.Action", blank=True, related_name="audit_findings")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return self.text[:80]

    @property
    def audit_partnership(self):
        return self.audit.partnership

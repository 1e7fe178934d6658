"""The strategy: its lifecycle, sections, aims and intended outcomes, and its exports."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnership_portal.models import Partnership

from .template import TEMPLATE_BY_KEY, TEMPLATE_SECTIONS


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


EDITABLE_STATUSES = (StrategyStatus.DRAFT, StrategyStatus.IN_REVIEW)
PUBLIC_STATUSES = (StrategyStatus.PUBLISHED, StrategyStatus.SUPERSEDED)


class Strategy(models.Model):
    """A partnership's child sexual abuse strategy for a period, in one version."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(max_length=200)
    period_start = models.PositiveSmallIntegerField(help_text="First year of the strategy, for example 2026.")
    period_end = models.PositiveSmallIntegerField(help_text="Last year of the strategy, for example 2029.")
    vision = models.TextField("vision statement", blank=True)
    strapline = models.CharField(max_length=200, blank=True)
    version_label = models.CharField(max_length=40, default="1.0")
    status = models.CharField(max_length=20, choices=StrategyStatus.choices, default=StrategyStatus.DRAFT)
    date_agreed = models.DateField(null=True, blank=True)
    agreed_by = models.CharField(max_length=200, blank=True, help_text="The body that approved the strategy.")
    date_launched = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    previous_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "-created_at"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="strategy_period_in_order"),
            models.CheckConstraint(
                condition=Q(period_start__gte=2000) & Q(period_end__lte=2100), name="strategy_period_plausible"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.period_label}"

    @property
    def period_label(self):
        return f"{self.period_start}–{self.period_end}"

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def years(self):
        return self.period_end - self.period_start + 1


class SectionKind(models.TextChoices):
    FOREWORD = "foreword", "Foreword"
    CONTENT_WARNING = "content_warning", "Content warning"
    DEFINITIONS = "definitions", "Definitions"
    TEMPLATE = "template", "Template section"
    EXTRA = "extra", "Extra section"


class Section(models.Model):
    """A narrative part of the strategy, written in Markdown and rendered sanitised."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices, default=SectionKind.TEMPLATE)
    template_key = models.CharField(
        max_length=40, blank=True, choices=[(s.key, s.title) for s in TEMPLATE_SECTIONS]
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Incremented on every save through the service; a stale edit is refused.
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "template_key"],
                condition=~Q(template_key=""),
                name="one_section_per_template_key",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def audit_partnership(self):
        return self.strategy.partnership

    @property
    def template(self):
        return TEMPLATE_BY_KEY.get(self.template_key)

    @property
    def number(self):
        template = self.template
        return template.number if template else None


class StrategicAim(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="aims")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    what_this_means = models.TextField(blank=True)
    what_we_want_to_see = models.TextField("what we want to see by the end of the strategy", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="aim_number_unique_in_strategy", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="aim_number_positive"),
        ]

    def __str__(self):
        return f"Aim {self.number}: {self.title}"

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class IntendedOutcome(models.Model):
    aim = models.ForeignKey(StrategicAim, on_delete=models.CASCADE, related_name="outcomes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["aim__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["aim", "number"], name="outcome_number_unique_in_aim", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="outcome_number_positive"),
        ]

    def __str__(self):
        return f"{self.reference} {self.text[:80]}"

    @property
    def reference(self):
        return f"{self.aim.number}.{self.number}"

    @property
    def audit_partnership(self):
        return self.aim.strategy.partnership


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def export_upload_to(instance, filename):
    # Server-chosen name; the user's input never reaches the file system.
    return f"exports/{instance.strategy.partnership_id}/{instance.fingerprint or 'pending'}-{instance.pk}.pdf"


class StrategyExport(models.Model):
    """One rendering of a strategy into its published document, kept as it was."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField(max_length=12, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    version_label = models.CharField(max_length=40)
    strategy_status = models.CharField(max_length=20, choices=StrategyStatus.choices)
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    file = models.FileField(upload_to=export_upload_to, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"Export {self.pk} of {self.strategy} ({self.get_status_display()})"

    @property
    def audit_partnership(self):
        return self.strategy.partnership

    @property
    def filename(self):
        slug = self.strategy.partnership.slug
        return f"{slug}-strategy-{self.strategy.period_label}-v{self.version_label}.pdf".replace("–", "-")


# ---------------------------------------------------------------------------
# Local data and the prevalence gap (guide 5.1)
#
# The child population and what agencies identified, per partnership and
# period, set against the prevalence estimate in strategy/impact.py.
# ---------------------------------------------------------------------------


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class LocalDataPeriod(models.Model):
    """A quarter or year for which a partnership holds local data.

    Periods of the same kind never overlap within a partnership (checked by the
    service); a year and the quarters inside it may both be recorded.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="local_data_periods")
    label = models.CharField(max_length=60, help_text="For example 2025–26, or April to June 2025.")
    kind = models.CharField(max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR)
    start_date = models.DateField()
    end_date = models.DateField()
    child_population_under_16 = models.PositiveIntegerField(
        "children under 16", null=True, blank=True, help_text="Children under 16 living in the area in the period."
    )
    child_population_under_18 = models.PositiveIntegerField("children under 18", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "label"], name="local_data_period_label_unique"),
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="local_data_period_in_order"),
            models.CheckConstraint(
                condition=Q(child_population_under_16__isnull=True)
                | Q(child_population_under_18__isnull=True)
                | Q(child_population_under_18__gte=F("child_population_under_16")),
                name="local_data_under_16_within_under_18",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def population_under_16(self):
        """The period's under-16 population, or the partnership's when the period has none."""
        return self.child_population_under_16 or self.partnership.child_population_under_16


class IdentificationMeasure(models.TextChoices):
    CONTACTS = "contacts", "Contacts with sexual abuse as a factor"
    REFERRALS = "referrals", "Referrals with sexual abuse as a factor"
    ASSESSMENTS = "assessments", "Assessments with sexual abuse as a factor"
    PLANS = "plans", "Child protection plans under the category of sexual abuse"
    OFFENCES = "offences", "Police-recorded child sexual abuse offences"


# In Wales children are placed on the child protection register rather than a plan.
WALES_PLANS_LABEL = "Child protection registrations under the category of sexual abuse"


def identification_measure_label(measure, nation):
    if measure == IdentificationMeasure.PLANS and nation == "wales":
        return WALES_PLANS_LABEL
    return IdentificationMeasure(measure).label


class IdentificationFigure(models.Model):
    """How many children one kind of agency activity identified in a period, and from which agency.

    `total` is the whole the figure is part of (all contacts, all referrals…), when known.
    """

    period = models.ForeignKey(LocalDataPeriod, on_delete=models.CASCADE, related_name="figures")
    measure = models.CharField(max_length=20, choices=IdentificationMeasure.choices)
    count = models.PositiveIntegerField()
    total = models.PositiveIntegerField(
        null=True, blank=True, help_text="All of this kind in the period, for example all contacts (optional)."
    )
    source_agency = models.ForeignKey(
        "partnership_portal.Agency", on_delete=models.PROTECT, related_name="identification_figures"
    )
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period__start_date", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["period", "measure"], name="one_figure_per_measure_and_period"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=F("count")), name="figure_count_within_total"
            ),
        ]

    def __str__(self):
        return f"{self.period}: {self.get_measure_display()} {self.count}"

    @property
    def audit_partnership(self):
        return self.period.partnership

    @property
    def label(self):
        return identification_measure_label(self.measure, self.period.partnership.nation)


class BreakdownDimension(models.TextChoices):
    GENDER = "gender", "Gender"
    AGE_BAND = "age_band", "Age band"
    ETHNICITY = "ethnicity", "Ethnicity group"


class IdentificationBreakdown(models.Model):
    """One category of a figure's breakdown: for example, of 103 contacts, 56 were about girls.

    `total` is the category's share of the figure's whole (all contacts about girls), when known.
    """

    figure = models.ForeignKey(IdentificationFigure, on_delete=models.CASCADE, related_name="breakdowns")
    dimension = models.CharField(max_length=20, choices=BreakdownDimension.choices)
    category = models.CharField(max_length=80)
    count = models.PositiveIntegerField()
    total = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["dimension", "id"]
        constraints = [
            models.UniqueConstraint(fields=["figure", "dimension", "category"], name="one_breakdown_per_category"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=F("count")), name="breakdown_count_within_total"
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()} {self.category}: {self.count}"

    @property
    def audit_partnership(self):
        return self.figure.period.partnership


# --- end of local data and the prevalence gap ---

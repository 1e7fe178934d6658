"""Measuring impact: local data periods, identification figures and breakdowns, measure data points."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.models import Partnership
from strategy.models import Measure, Strategy


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
        "partnerships.Agency", on_delete=models.PROTECT, related_name="identification_figures"
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


class MeasureDataPoint(models.Model):
    """A measure's value for one period: the data that show whether an intended outcome is being achieved.

    Monitoring, not drafting: data points are recorded whatever the strategy's lifecycle status.
    One value per measure per period end; recording the same period again corrects it.
    """

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    period_label = models.CharField("period", max_length=40, help_text="For example, 2025 to 2026 or Q1 2026")
    period_end = models.DateField("period end date")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_end", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period_end"], name="one_data_point_per_measure_period"),
        ]

    def __str__(self):
        return f"{self.period_label}: {self.value}"

    @property
    def strategy(self):
        return self.measure.outcome.aim.strategy

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class AnnualReportNarrative(models.Model):
    """What the business manager writes for the annual progress report of one period: the story of the year
    that the tables cannot tell (Markdown). One per strategy and report period; it opens the report, in the
    portal, the PDF and the Word version alike."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="report_narratives")
    period_start = models.DateField()
    period_end = models.DateField()
    text = models.TextField(
        "narrative", blank=True,
        help_text="The year in your own words: what went well, what was hard, what the partnership will do "
                  "differently. Headings, lists and footnotes are written as on the strategy's sections.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["strategy", "period_start", "period_end"],
                                    name="one_report_narrative_per_period"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="report_narrative_period_in_order"),
        ]

    def __str__(self):
        return f"Narrative of the report {self.period_start} to {self.period_end}"

    @property
    def audit_partnership(self):
        return self.strategy.partnership

    def clean(self):
        from partnerships.markdown import check_markdown_fields

        check_markdown_fields(self, ["text"])

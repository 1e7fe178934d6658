"""The strategy: its lifecycle, sections, aims and intended outcomes, and its exports."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.markdown import check_markdown_fields
from partnerships.models import AffectedGroup, Agency, FormOfAbuse, Partnership

from .template import KIND_PROMPTS, TEMPLATE_BY_KEY, TEMPLATE_SECTIONS


class StrategyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


class VisionPlacement(models.TextChoices):
    SECTION = "section", "In the vision section, where that section is"
    COVER = "cover", "On the cover"
    OPENING = "opening", "On its own, opening the document before the first section"


# The parts of the document after its sections, which the partnership may leave out: key, title.
DOCUMENT_ANNEXES = (
    ("annex-recommendations", "National review recommendations: how the action plan answers them"),
    ("annex-coverage", "Forms of abuse and affected groups this strategy addresses"),
    ("status-block", "Document status and version"),
)
DOCUMENT_ANNEX_TITLES = dict(DOCUMENT_ANNEXES)


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
    # How the published document is put together: the partnership's choices.
    numbered_sections = models.BooleanField(
        "number the sections", default=True, help_text="Print a number before each section's heading.")
    vision_placement = models.CharField(
        "where the vision prints", max_length=20, choices=VisionPlacement.choices, default=VisionPlacement.SECTION)
    omitted_annexes = models.JSONField(
        default=dict, blank=True, help_text="Annexes left out of the document: their key and the reason.")
    # Coverage (guide 4.1 and 4.2): what the strategy addresses; the rest is shown as not yet addressed.
    forms_of_abuse = models.ManyToManyField(FormOfAbuse, blank=True, related_name="strategies")
    affected_groups = models.ManyToManyField(AffectedGroup, blank=True, related_name="strategies")
    previous_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised in the same transaction as every write to the strategy's action plan (and to the aims and
    # outcomes its rows name), so that API clients can be told "nothing has changed" from this one number,
    # and a cached progress answer kept under it can never be older than the database.
    plan_version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["plan_version"])

    class Meta:
        ordering = ["-period_start", "-created_at"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="strategy_period_in_order"),
            models.CheckConstraint(
                condition=Q(period_start__gte=2000) & Q(period_end__lte=2100), name="strategy_period_plausible"
            ),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('vision',))

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


# Sections printed before the numbered body of the document, without a number.
UNNUMBERED_SECTION_KINDS = (SectionKind.FOREWORD, SectionKind.CONTENT_WARNING)


def number_sections(sections):
    """Give each section its number in the document (`doc_number`, None for the foreword and content
    warning): the body sections counted in order. Every page that numbers sections uses this."""
    number = 0
    for section in sections:
        if section.kind in UNNUMBERED_SECTION_KINDS:
            section.doc_number = None
        else:
            number += 1
            section.doc_number = number
    return sections


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
    # Left out of the published document by the partnership's decision, with the reason (shown on the
    # completeness page and to scrutineers, never in the document).
    omitted = models.BooleanField("left out of the document", default=False)
    omission_reason = models.TextField("why it is left out", blank=True)
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

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('body',))

    def __str__(self):
        return self.title

    @property
    def audit_partnership(self):
        return self.strategy.partnership

    @property
    def template(self):
        return TEMPLATE_BY_KEY.get(self.template_key)

    @property
    def prompts(self):
        template = self.template
        return template.prompts if template else KIND_PROMPTS.get(self.kind, ())

    @property
    def is_removable(self):
        """The eleven template sections stay; the foreword, content warning, definitions and extras can go."""
        return self.kind != SectionKind.TEMPLATE

    @property
    def number(self):
        template = self.template
        return template.number if template else None


class StrategicAim(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="aims")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    # An aim some partnerships write as a short list of parts, with no intended outcomes under it.
    sub_aims = models.TextField("the parts of this aim", blank=True)
    what_this_means = models.TextField(blank=True)
    what_we_want_to_see = models.TextField("what we want to see by the end of the strategy", blank=True)
    # Optional tags: which forms of abuse and affected groups this aim takes up.
    forms_of_abuse = models.ManyToManyField(FormOfAbuse, blank=True, related_name="aims")
    affected_groups = models.ManyToManyField(AffectedGroup, blank=True, related_name="aims")

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="aim_number_unique_in_strategy", deferrable=models.Deferrable.DEFERRED
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="aim_number_positive"),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('sub_aims', 'what_this_means', 'what_we_want_to_see'))

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


class Priority(models.Model):
    """A commitment all partners have signed up to, with what it means in practice."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    number = models.PositiveSmallIntegerField()
    # Real commitments are often a whole sentence: no length limit to cut them short.
    title = models.TextField()
    what_this_means = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="priority_number_unique_in_strategy",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="priority_number_positive"),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('what_this_means',))

    def __str__(self):
        return f"{self.number}. {self.title}"

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class GovernanceKind(models.TextChoices):
    BOARD = "board", "Board"
    EXECUTIVE = "executive", "Executive"
    STEERING_GROUP = "steering_group", "Steering group"
    DELIVERY_GROUP = "delivery_group", "Delivery group"
    TASK_AND_FINISH = "task_and_finish", "Task-and-finish group"
    OTHER = "other", "Other"


class GovernanceBody(models.Model):
    """A body that owns, drives or delivers the strategy, and the body it reports to."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="governance_bodies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GovernanceKind.choices, default=GovernanceKind.OTHER)
    chair = models.CharField(max_length=200, blank=True, help_text="The chair's role, for example Director of Children's Services.")
    member_agencies = models.ManyToManyField(Agency, blank=True, related_name="governance_bodies")
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reporting_bodies"
    )
    meeting_frequency = models.CharField(max_length=100, blank=True, help_text="For example: every six weeks.")
    purpose = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "governance bodies"
        constraints = [
            models.CheckConstraint(condition=Q(reports_to__isnull=True) | ~Q(reports_to=F("id")), name="governance_body_not_reporting_to_itself"),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('purpose',))

    def __str__(self):
        return self.name

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class Measure(models.Model):
    """One line of the evaluation framework (guide 7.2): how an intended outcome is measured."""

    outcome = models.ForeignKey(IntendedOutcome, on_delete=models.CASCADE, related_name="measures")
    indicator = models.TextField()
    data_source = models.CharField(max_length=300, blank=True)
    collection = models.CharField("how and where it is collected", max_length=300, blank=True)
    collated_by = models.CharField("who collates and presents it", max_length=200, blank=True)
    frequency = models.CharField("how often", max_length=100, blank=True)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["outcome__aim__number", "outcome__number", "id"]

    def __str__(self):
        return self.indicator[:80]

    @property
    def strategy(self):
        return self.outcome.aim.strategy

    @property
    def audit_partnership(self):
        return self.outcome.aim.strategy.partnership


class Commitment(models.Model):
    """One item of a priority's "We will" list. It can later be made an action of the plan
    (the action links back to it)."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveSmallIntegerField()
    text = models.TextField("we will")

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "number"], name="commitment_number_unique_in_priority",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="commitment_number_positive"),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('text',))

    def __str__(self):
        return f"{self.priority.number}.{self.number} We will {self.text[:80]}"

    @property
    def audit_partnership(self):
        return self.priority.strategy.partnership


class StrategyMeasure(models.Model):
    """How the success of the strategy as a whole will be measured, not tied to one intended outcome."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="strategy_measures")
    number = models.PositiveSmallIntegerField()
    indicator = models.TextField()
    data_source = models.CharField(max_length=300, blank=True)
    collection = models.CharField("how and where it is collected", max_length=300, blank=True)
    collated_by = models.CharField("who collates and presents it", max_length=200, blank=True)
    frequency = models.CharField("how often", max_length=100, blank=True)
    baseline = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="strategy_measure_number_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="strategy_measure_number_positive"),
        ]

    def __str__(self):
        return self.indicator[:80]

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class PracticePrinciple(models.Model):
    """A principle or value all partners' practice follows, with what it means (Markdown, may be a list)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"], name="principle_number_unique_in_strategy",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="principle_number_positive"),
        ]

    def clean(self):
        super().clean()
        check_markdown_fields(self, ('description',))

    def __str__(self):
        return self.name

    @property
    def audit_partnership(self):
        return self.strategy.partnership

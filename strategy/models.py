"""The strategy: its lifecycle, sections, aims and intended outcomes, and its exports."""
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnership_portal.models import AffectedGroup, Agency, FormOfAbuse, Partnership

from .template import KIND_PROMPTS, TEMPLATE_BY_KEY, TEMPLATE_SECTIONS


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
    title = models.CharField(max_length=200)
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
    # A compact record of what went into the document (section hashes, aims, actions), for comparisons.
    content_snapshot = models.JSONField(default=dict, blank=True)

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

    @property
    def in_progress(self):
        return self.status in (ExportStatus.QUEUED, ExportStatus.RENDERING)

    def is_stalled(self, now=None):
        """Queued or rendering for longer than a render can take: the worker died or the task was lost."""
        from datetime import timedelta

        from django.utils import timezone

        if not self.in_progress:
            return False
        since = self.started_at or self.requested_at
        limit = timedelta(seconds=getattr(settings, "EXPORT_STALLED_AFTER_SECONDS", 600))
        return since is not None and (now or timezone.now()) - since > limit

    def is_retryable(self, now=None):
        return self.status == ExportStatus.FAILED or self.is_stalled(now)


# --- The published document: branding, content snapshots, scrutiny -------------------------------
# (StrategyExport above keeps each rendering; the models below belong to the export as well.)

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_PIXELS = 4000


def branding_logo_upload_to(instance, filename):
    # Server-chosen name in private storage; the uploaded name is never used.
    import uuid

    return f"branding/{instance.partnership_id}/logo-{uuid.uuid4().hex}.{instance.logo_format or 'png'}"


class PartnershipBranding(models.Model):
    """The partnership's logo and accent colour, used on its published documents."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="branding")
    logo = models.FileField(upload_to=branding_logo_upload_to, blank=True, max_length=200)
    # The image format Pillow found in the upload ("png" or "jpeg"); the file name's extension follows it.
    logo_format = models.CharField(max_length=8, blank=True)
    logo_alt = models.CharField(
        "logo description", max_length=200, blank=True,
        help_text="Read out by screen readers in place of the logo, for example “Ashvale and Northmere "
                  "Safeguarding Children Partnership logo”.",
    )
    accent_colour = models.CharField(
        max_length=7, default="#1d4f91",
        help_text="A dark colour for headings and rules, as a hex code such as #1d4f91.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "partnership branding"
        constraints = [
            models.CheckConstraint(
                condition=Q(accent_colour__regex=r"^#[0-9a-fA-F]{6}$"), name="branding_accent_is_hex_colour"
            ),
            models.CheckConstraint(
                condition=Q(logo="") | ~Q(logo_alt=""), name="branding_logo_has_description"
            ),
        ]

    def __str__(self):
        return f"Branding of {self.partnership}"

    @property
    def audit_partnership(self):
        return self.partnership


class ChallengeStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESPONDED = "responded", "Responded"
    CLOSED = "closed", "Closed"


class ExportChallenge(models.Model):
    """A scrutineer's challenge on an export: on the whole document or one section, with a page reference."""

    export = models.ForeignKey(StrategyExport, on_delete=models.CASCADE, related_name="challenges")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The section key as it stood in the export's snapshot ("" for the document as a whole).
    section_key = models.CharField(max_length=60, blank=True)
    section_title = models.CharField(max_length=200, blank=True)
    page_reference = models.CharField(max_length=40, blank=True, help_text="For example “12” or “12–14”.")
    text = models.TextField("challenge")
    status = models.CharField(max_length=12, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["export", "status"])]

    def __str__(self):
        return f"Challenge {self.pk} on export {self.export_id} ({self.get_status_display()})"

    @property
    def audit_partnership(self):
        return self.export.strategy.partnership

    @property
    def where(self):
        place = self.section_title or "The whole document"
        return f"{place}, page {self.page_reference}" if self.page_reference else place


class ChallengeEntry(models.Model):
    """One immutable step in a challenge's history: raised, responded, followed up, closed."""

    class Kind(models.TextChoices):
        RAISED = "raised", "Raised"
        RESPONSE = "response", "Response"
        FOLLOW_UP = "follow_up", "Follow-up"
        CLOSED = "closed", "Closed"

    challenge = models.ForeignKey(ExportChallenge, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    status_from = models.CharField(max_length=12, choices=ChallengeStatus.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=ChallengeStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} on challenge {self.challenge_id}"


class ExportSeen(models.Model):
    """When a person first opened or downloaded an export, so 'what changed since' has a starting point."""

    export = models.ForeignKey(StrategyExport, on_delete=models.CASCADE, related_name="seen_by")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["export", "user"], name="export_seen_once_per_user")]


# -- Review of a draft against the guide's five criteria for success ------------------------------


class ReviewRoundStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReviewRound(models.Model):
    """A round of review of one draft, by invited steering group members and people outside the group."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="review_rounds")
    title = models.CharField(max_length=200, help_text="For example “Steering group review, March 2026”.")
    message = models.TextField(
        "message to reviewers", blank=True, help_text="What you would like reviewers to look at in particular."
    )
    respond_by = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ReviewRoundStatus.choices, default=ReviewRoundStatus.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy"], condition=Q(status="open"), name="one_open_review_round_per_strategy"
            ),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | Q(status="closed", closed_at__isnull=False),
                name="review_round_closed_at_matches_status",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == ReviewRoundStatus.OPEN

    @property
    def audit_partnership(self):
        return self.strategy.partnership


class ReviewInvitation(models.Model):
    """One reviewer invited to a round: a member of the partnership (by account) or a person
    outside the group (by email, answering through a secret link; only a hash of the link's token is kept)."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="review_invitations"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="one_invitation_per_member_per_round"),
            models.UniqueConstraint(
                fields=["round", "email"], condition=Q(user__isnull=True), name="one_invitation_per_email_per_round"
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(token_hash=""))
                | (Q(user__isnull=True) & ~Q(email="") & ~Q(token_hash="")),
                name="invitation_is_member_or_outside_with_token",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.round})"

    @property
    def is_outside(self):
        return self.user_id is None

    @property
    def strategy(self):
        return self.round.strategy

    @property
    def audit_partnership(self):
        return self.round.strategy.partnership


class ReviewRating(models.Model):
    """A reviewer's judgement of the draft against one criterion for success."""

    class Rating(models.TextChoices):
        MET = "met", "Met"
        PARTLY = "partly", "Partly met"
        NOT_MET = "not_met", "Not met"

    invitation = models.ForeignKey(ReviewInvitation, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey("partnership_portal.SuccessCriterion", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=10, choices=Rating.choices)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "criterion"], name="one_rating_per_criterion_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_rating_display()}"


class ReviewComment(models.Model):
    """A reviewer's comment on the draft as a whole or on one section, which the manager can mark resolved."""

    invitation = models.ForeignKey(ReviewInvitation, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_comments")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:80]

    @property
    def is_resolved(self):
        return self.resolved_at is not None

    @property
    def strategy(self):
        return self.invitation.round.strategy


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

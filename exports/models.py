"""The published document: exports, branding, scrutiny challenges."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from partnerships.models import BackgroundDocument, DocumentStatus, Partnership
from strategy.models import Strategy, StrategyStatus

# The same four states as every document the portal renders in the background.
ExportStatus = DocumentStatus


def export_upload_to(instance, filename):
    # Server-chosen name; the user's input never reaches the file system.
    return f"exports/{instance.strategy.partnership_id}/{instance.fingerprint or 'pending'}-{instance.pk}.pdf"


def export_docx_upload_to(instance, filename):
    return f"exports/{instance.strategy.partnership_id}/{instance.fingerprint or 'pending'}-{instance.pk}.docx"


class StrategyExport(BackgroundDocument, models.Model):
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
    # The Word version, rendered in the same job as the PDF from the same HTML.
    docx_file = models.FileField(upload_to=export_docx_upload_to, blank=True)
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
    def docx_filename(self):
        return f"{self.filename[:-4]}.docx"


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

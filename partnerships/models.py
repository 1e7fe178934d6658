"""The core every app uses: people, partnerships, agencies, memberships and
roles, the shared reference data of the national guide, and the audit trail."""
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with their work email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # When the person last proved they receive mail at `email` (by accepting an invitation sent there).
    # A later sign-in through an organisation's identity provider matches a person on a verified address,
    # so it attaches to this account and its memberships instead of making a second one.
    email_verified_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Nation(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"


class Partnership(models.Model):
    """A safeguarding children partnership (England) or regional safeguarding board (Wales)."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    nation = models.CharField(max_length=10, choices=Nation.choices, default=Nation.ENGLAND)
    area = models.CharField(max_length=200, help_text="The local authority area or areas the partnership covers.")
    child_population_under_16 = models.PositiveIntegerField(
        null=True, blank=True, help_text="Children under 16 in the area, for the prevalence estimate."
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Business managers and independent scrutineers must sign in with a code from an authenticator app.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Sector(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A member agency of a partnership."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    is_statutory_partner = models.BooleanField(
        "statutory partner", default=False,
        help_text="The local authority, the police and health (the integrated care board) are the statutory safeguarding partners.",
    )
    # An archived agency keeps its actions and their history but is no longer offered for new ones.
    archived_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership"),
        ]

    def __str__(self):
        return self.name

    @property
    def label(self):
        return self.short_name or self.name

    @property
    def is_archived(self):
        return self.archived_at is not None


class Role(models.TextChoices):
    BUSINESS_MANAGER = "business_manager", "Business manager"
    STEERING_MEMBER = "steering_member", "Steering group member"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A person's role in one partnership. Steering group members represent one agency."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="one_membership_per_partnership"),
            models.CheckConstraint(
                condition=~Q(role="steering_member") | Q(agency__isnull=False),
                name="steering_member_has_agency",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.partnership}"

    @property
    def is_business_manager(self):
        return self.role == Role.BUSINESS_MANAGER

    @property
    def is_steering_member(self):
        return self.role == Role.STEERING_MEMBER

    @property
    def is_scrutineer(self):
        return self.role == Role.SCRUTINEER

    @property
    def is_viewer(self):
        return self.role == Role.VIEWER


class Invitation(models.Model):
    """An invitation to join a partnership in a role, sent by email as a secret link.

    Only the hash of the link's token is kept (partnerships.secret_links). An invitation is used once,
    expires, and can be withdrawn; it is kept afterwards as the record of who invited whom. It is apart
    from the password: accepting one proves the address, and the person may then sign in however the
    installation allows (a password today, an organisation's identity provider later)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("email address")
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="accepted_invitations"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "email"], condition=Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="one_open_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=~Q(role="steering_member") | Q(agency__isnull=False),
                name="invited_steering_member_has_agency",
            ),
        ]

    def __str__(self):
        return f"Invitation of {self.email} to {self.partnership} as {self.get_role_display()}"

    @property
    def is_open(self):
        return self.accepted_at is None and self.withdrawn_at is None

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at

    @property
    def state(self):
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        return "expired" if self.is_expired() else "pending"


# Reference data from the national guide, loaded by a data migration from
# fixtures/reference_data.json and never edited in the portal.


class ReferenceItem(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self):
        return self.name


class FormOfAbuse(ReferenceItem):
    """A form or context of child sexual abuse a strategy should address (guide 4.1)."""

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "forms of abuse"


class AffectedGroup(ReferenceItem):
    """A group of people affected by child sexual abuse the response should reach (guide 4.2)."""


class Recommendation(ReferenceItem):
    """A national-review recommendation for safeguarding partners."""


class CoreComponent(ReferenceItem):
    """One of the four core components of a strategic response."""


class SuccessCriterion(ReferenceItem):
    """One of the five criteria for a successful strategy (guide Part C)."""

    class Meta(ReferenceItem.Meta):
        verbose_name_plural = "success criteria"


class AuditEvent(models.Model):
    """One attributed change or sensitive read, written in the same transaction as the change."""

    class Kind(models.TextChoices):
        CHANGE = "change", "Change"
        READ = "read", "Read"
        DENIED = "denied", "Denied"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CHANGE)
    verb = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.verb} {self.object_type}#{self.object_id}"


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """A person's single-use recovery codes, for signing in when their authenticator app is not to hand.

    Only a SHA-256 hash of each code is kept (the codes are 50 random bits, so a plain hash is as good as
    a slow one); a code is spent when used. Throttled like the app's codes."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    @staticmethod
    def normalise(token):
        return "".join(ch for ch in str(token).lower() if ch.isalnum())

    @staticmethod
    def hash_code(token):
        import hashlib

        return hashlib.sha256(RecoveryCodeDevice.normalise(token).encode()).hexdigest()

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        spent = RecoveryCode.objects.filter(device=self, code_hash=self.hash_code(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if spent:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    def get_throttle_factor(self):
        return getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1)

    @property
    def remaining(self):
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "code_hash"], name="recovery_code_unique_per_device")]


class NotificationKind(models.TextChoices):
    """What a notification is about. Each app that notifies names one of these."""

    UPDATE_REQUESTED = "update_requested", "An update was requested"
    CHALLENGE_RAISED = "challenge_raised", "A challenge was raised"
    CHALLENGE_ANSWERED = "challenge_answered", "A challenge was answered"
    EXPORT_READY = "export_ready", "An export is ready"
    MENTIONED = "mentioned", "You were mentioned"


class Notification(models.Model):
    """Something one person should know about in one partnership: listed in the portal and sent by email,
    straight away or in the weekly digest, once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="A path in the portal, for example /p/x/actions/1/.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set once the notification has gone by email (alone or in a digest), so it never goes twice.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's unread count, counted per membership as the memberships are read.
            models.Index(fields=["user", "partnership"], condition=Q(read_at__isnull=True),
                         name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            # The weekly digest's pick: not yet emailed.
            models.Index(fields=["partnership", "user"], condition=Q(emailed_at__isnull=True),
                         name="notification_not_emailed"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.user}: {self.subject}"

    @property
    def is_unread(self):
        return self.read_at is None


class NotificationDelivery(models.TextChoices):
    IMMEDIATE = "immediate", "Straight away"
    WEEKLY = "weekly", "In a weekly digest"


class NotificationPreference(models.Model):
    """How one person wants the notifications of one partnership by email. No row means straight away."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="notification_preferences")
    delivery = models.CharField(max_length=20, choices=NotificationDelivery.choices,
                                default=NotificationDelivery.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership"], name="notification_preference_once"),
        ]

    def __str__(self):
        return f"{self.user} in {self.partnership}: {self.get_delivery_display()}"


class ApiToken(models.Model):
    """A named API token of one person. Only the SHA-256 of the key is kept, so a copy of the database opens
    nothing; it stops working at `expires_at`, and is deleted (revoked) when the person's password, two-step
    verification, role or active status changes, and when they sign out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="The first characters of the key, to tell tokens apart.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
# --- Documents rendered in the background (see partnerships/documents.py) ------------------------


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def rendered_document_upload_to(instance, filename):
    # Server-chosen name in private storage; nothing the user typed reaches the file system.
    return f"documents/{instance.partnership_id}/{instance.kind}-{instance.fingerprint or 'pending'}-{instance.pk}.pdf"


def rendered_document_docx_upload_to(instance, filename):
    # The Word version beside the PDF, named the same way.
    return f"documents/{instance.partnership_id}/{instance.kind}-{instance.fingerprint or 'pending'}-{instance.pk}.docx"


class BackgroundDocument:
    """The state of a document rendered in the background (its `status`, `requested_at` and `started_at`):
    the strategy's exports and the annual reports alike."""

    @property
    def in_progress(self):
        return self.status in (DocumentStatus.QUEUED, DocumentStatus.RENDERING)

    def is_stalled(self, now=None):
        """Queued or rendering for longer than a render can take: the worker died or the task was lost."""
        from datetime import timedelta

        if not self.in_progress:
            return False
        since = self.started_at or self.requested_at
        limit = timedelta(seconds=getattr(settings, "EXPORT_STALLED_AFTER_SECONDS", 600))
        return since is not None and (now or timezone.now()) - since > limit

    def is_retryable(self, now=None):
        return self.status == DocumentStatus.FAILED or self.is_stalled(now)


class RenderedDocument(BackgroundDocument, models.Model):
    """A PDF the portal renders in the background and keeps, reused while what it shows is unchanged (the
    annual progress report; the strategy's own document keeps its exports in exports.StrategyExport).

    `kind` names the renderer registered in partnerships/documents.py; `params` holds what the renderer needs
    (ids, a period), and `fingerprint` the state of the records it shows when it was asked for."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rendered_documents")
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to=rendered_document_upload_to, blank=True, max_length=200)
    # The Word version, rendered in the same job from the same HTML.
    docx_file = models.FileField(upload_to=rendered_document_docx_upload_to, blank=True, max_length=200)
    filename = models.CharField(max_length=200, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["partnership", "kind", "fingerprint"])]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.get_status_display()})"

    @property
    def docx_filename(self):
        stem = self.filename[:-4] if self.filename.endswith(".pdf") else self.filename
        return f"{stem}.docx"

    @property
    def audit_partnership(self):
        return self.partnership



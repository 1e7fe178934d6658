"""Review rounds: invitations, ratings against the criteria for success, comments."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from strategy.models import Section, Strategy


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
    criterion = models.ForeignKey("partnerships.SuccessCriterion", on_delete=models.PROTECT, related_name="+")
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

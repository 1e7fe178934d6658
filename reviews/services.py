"""Writes for reviewing a draft against the guide's five criteria for success.

A manager opens a round (the strategy goes into review), invites members of the steering group by
account and people outside the group by email. Outside reviewers answer through a secret link: the
token is sent once and only its SHA-256 is stored, so a copy of the database cannot be used to answer.
"""
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from partnerships.audit import record
from partnerships.models import Membership, Role, SuccessCriterion
from partnerships.secret_links import new_token, token_hash
from strategy.models import EDITABLE_STATUSES, Strategy, StrategyStatus

from .models import ReviewComment, ReviewInvitation, ReviewRating, ReviewRound, ReviewRoundStatus

logger = logging.getLogger(__name__)


def _require_open(review_round):
    if not review_round.is_open:
        raise ValidationError("This review round is closed.")


@transaction.atomic
def review_round_open(*, strategy, actor, title, message="", respond_by=None):
    """Open a review round on a draft (or on a strategy already in review whose last round is closed).
    A draft moves to "in review"."""
    strategy = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if strategy.status not in EDITABLE_STATUSES:
        raise ValidationError("Only a draft can be reviewed. Start a new version to review this strategy again.")
    if strategy.review_rounds.filter(status=ReviewRoundStatus.OPEN).exists():
        raise ValidationError("This strategy already has an open review round. Close it before opening another.")
    review_round = ReviewRound(
        strategy=strategy, title=title, message=message, respond_by=respond_by, opened_by=actor
    )
    review_round.full_clean()
    review_round.save()
    if strategy.status == StrategyStatus.DRAFT:
        strategy.status = StrategyStatus.IN_REVIEW
        strategy._history_user = actor
        strategy.save(update_fields=["status", "updated_at"])
        record(
            actor=actor, verb="strategy.status_changed", obj=strategy, partnership=strategy.partnership,
            changes={"status": [StrategyStatus.DRAFT, StrategyStatus.IN_REVIEW]},
        )
    record(actor=actor, verb="review.opened", obj=review_round, partnership=strategy.partnership, summary=title)
    return review_round


@transaction.atomic
def review_round_close(*, review_round, actor):
    """Close a round: no more responses. The strategy stays in review until approved or returned to draft."""
    review_round = ReviewRound.objects.select_for_update().select_related("strategy__partnership").get(pk=review_round.pk)
    _require_open(review_round)
    review_round.status, review_round.closed_at, review_round.closed_by = ReviewRoundStatus.CLOSED, timezone.now(), actor
    review_round.full_clean()
    review_round.save(update_fields=["status", "closed_at", "closed_by"])
    record(actor=actor, verb="review.closed", obj=review_round, partnership=review_round.strategy.partnership,
           summary=review_round.title)
    return review_round


def invitable_members(review_round):
    """Steering group members of the partnership not yet invited to the round."""
    return (
        Membership.objects.filter(
            partnership_id=review_round.strategy.partnership_id, role=Role.STEERING_MEMBER, is_active=True
        )
        .exclude(user__review_invitations__round=review_round)
        .select_related("user", "agency")
        .order_by("user__full_name", "user__email")
    )


def _invitation_email(review_round, name, link, *, outside):
    partnership = review_round.strategy.partnership
    subject = f"Please review the draft child sexual abuse strategy of {partnership.name}"
    body = (
        f"Dear {name},\n\n{partnership.name} would value your view of its draft child sexual abuse strategy "
        f"({review_round.strategy}).\n\n"
        + (f"{review_round.message}\n\n" if review_round.message else "")
        + ("You can read the draft and give your view here, without an account:\n" if outside
           else "Sign in to read the draft and give your view:\n")
        + f"{link}\n\n"
        + (f"Please respond by {review_round.respond_by:%d %B %Y}.\n\n" if review_round.respond_by else "")
        + ("This link is personal to you: please do not forward it.\n" if outside else "")
    )
    return subject, body


def _send(subject, body, to):
    # Sent inside the transaction: when the mail server refuses, nobody is recorded as invited and the
    # manager is told, rather than an outside reviewer silently never receiving their only link.
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except OSError as error:
        logger.warning("Review invitation to %s not sent: %s", to, error)
        raise ValidationError(f"The invitation email to {to} could not be sent. Nobody was invited; try again later.")


@transaction.atomic
def review_invite_members(*, review_round, actor, memberships, link=None):
    """Invite steering group members of the partnership; they answer while signed in. With `link`
    (the address of the response page), each is told by email."""
    _require_open(review_round)
    allowed = {m.pk for m in invitable_members(review_round)}
    invitations = []
    for membership in memberships:
        if membership.pk not in allowed:
            raise ValidationError({"members": f"{membership.user} cannot be invited to this round."})
        invitation = ReviewInvitation(
            round=review_round, user=membership.user, name=str(membership.user),
            email=membership.user.email, organisation=membership.agency.name if membership.agency else "",
            invited_by=actor,
        )
        invitation.full_clean()
        invitation.save()
        invitations.append(invitation)
        record(actor=actor, verb="review.invited", obj=invitation, partnership=review_round.strategy.partnership,
               summary=invitation.name)
        if link:
            _send(*_invitation_email(review_round, invitation.name, link, outside=False), invitation.email)
    return invitations


@transaction.atomic
def review_invite_outside(*, review_round, actor, name, email, organisation="", build_link):
    """Invite a person outside the steering group by email. Returns the invitation and its link;
    the link is emailed once and cannot be shown again (only its hash is kept)."""
    _require_open(review_round)
    email = email.strip().lower()
    if ReviewInvitation.objects.filter(round=review_round, user__isnull=True, email=email).exists():
        raise ValidationError({"email": "This person has already been invited to this round."})
    token, hashed = new_token()
    invitation = ReviewInvitation(
        round=review_round, name=name, email=email, organisation=organisation, token_hash=hashed,
        invited_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    link = build_link(token)
    record(actor=actor, verb="review.invited", obj=invitation, partnership=review_round.strategy.partnership,
           summary=name)
    _send(*_invitation_email(review_round, name, link, outside=True), email)
    return invitation, link


def invitation_for_token(token):
    """The invitation a secret link stands for, while its round is open; None otherwise."""
    if not token or len(token) > 100:
        return None
    return (
        ReviewInvitation.objects.select_related("round__strategy__partnership")
        .filter(token_hash=token_hash(token), user__isnull=True, round__status=ReviewRoundStatus.OPEN)
        .first()
    )


@transaction.atomic
def review_respond(*, invitation, actor, ratings):
    """Save a reviewer's rating and comment for every criterion: `ratings` maps a criterion's code to
    (rating, comment). A reviewer may change their response while the round is open."""
    invitation = ReviewInvitation.objects.select_for_update().select_related("round__strategy__partnership").get(
        pk=invitation.pk
    )
    _require_open(invitation.round)
    criteria = list(SuccessCriterion.objects.order_by("number"))
    missing = [c.name for c in criteria if not (ratings.get(c.code) or ("", ""))[0]]
    if missing:
        raise ValidationError({c.code: "Choose a rating." for c in criteria if c.name in missing})
    for criterion in criteria:
        rating, comment = ratings[criterion.code]
        item, _ = ReviewRating.objects.get_or_create(
            invitation=invitation, criterion=criterion, defaults={"rating": rating, "comment": comment}
        )
        item.rating, item.comment = rating, comment
        item.full_clean()
        item.save(update_fields=["rating", "comment", "updated_at"])
    first = invitation.responded_at is None
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["responded_at"])
    record(
        actor=actor, verb="review.responded" if first else "review.response_changed", obj=invitation,
        partnership=invitation.round.strategy.partnership, summary=invitation.name,
        changes={code: rating for code, (rating, _) in ratings.items()},
    )
    return invitation


@transaction.atomic
def review_comment_add(*, invitation, actor, text, section=None):
    """A reviewer's comment on the draft as a whole or on one of its sections."""
    _require_open(invitation.round)
    if section is not None and section.strategy_id != invitation.round.strategy_id:
        raise ValidationError({"section": "Choose a section of this strategy."})
    comment = ReviewComment(invitation=invitation, section=section, text=text.strip())
    comment.full_clean()
    comment.save()
    record(actor=actor, verb="review.commented", obj=comment, partnership=invitation.round.strategy.partnership,
           summary=f"{invitation.name} on {section.title if section else 'the whole draft'}")
    return comment


@transaction.atomic
def review_comment_resolve(*, comment, actor, note=""):
    """Mark a reviewer's comment resolved, with an optional note of what was done."""
    comment = ReviewComment.objects.select_for_update().select_related("invitation__round__strategy__partnership").get(
        pk=comment.pk
    )
    if comment.is_resolved:
        raise ValidationError("This comment is already resolved.")
    comment.resolved_at, comment.resolved_by, comment.resolution_note = timezone.now(), actor, note.strip()
    comment.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    record(actor=actor, verb="review.comment_resolved", obj=comment,
           partnership=comment.invitation.round.strategy.partnership, summary=comment.text[:100])
    return comment

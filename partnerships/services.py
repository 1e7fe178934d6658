"""Writes of the partnership core: setting a partnership up, its agencies, and its people (invitations,
roles, deactivation). Each is atomic, validated, and recorded in the audit trail in the same transaction.

A refusal raises ValidationError naming the field it is about, and changes nothing."""
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from . import access
from .audit import record
from .models import Agency, ApiToken, Invitation, Membership, Partnership, Role
from .records import save_new, update_recorded
from .secret_links import new_token, token_hash
from .sessions import end_sessions_of, revoke_tokens_of
from .signals import membership_deactivated

logger = logging.getLogger(__name__)

ALL_ROLES = tuple(Role.values)


# --- Partnerships -------------------------------------------------------------------------------


@transaction.atomic
def partnership_create(*, name, slug, area="", nation="england", actor=None):
    """A new partnership with no agencies, people or strategy yet (an operator's command)."""
    errors = {}
    if Partnership.objects.filter(slug=slug).exists():
        errors["slug"] = f"A partnership with the short name “{slug}” already exists. Choose another."
    if Partnership.objects.filter(name__iexact=name).exists():
        errors["name"] = f"A partnership called “{name}” already exists."
    if errors:
        raise ValidationError(errors)
    partnership = Partnership(name=name, slug=slug, area=area or name, nation=nation)
    return save_new(partnership, actor=actor, verb="partnership.created", partnership=partnership)


# --- Agencies -----------------------------------------------------------------------------------


def _check_agency_name(partnership, name, exclude_pk=None):
    clash = Agency.objects.filter(partnership=partnership, name__iexact=name.strip())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"The partnership already has an agency called “{name.strip()}”."})


@transaction.atomic
def agency_create(*, partnership, actor, name, sector, short_name="", is_statutory_partner=False):
    """Add a member agency to the partnership."""
    _check_agency_name(partnership, name)
    agency = Agency(partnership=partnership, name=name.strip(), short_name=short_name.strip(), sector=sector,
                    is_statutory_partner=is_statutory_partner)
    return save_new(agency, actor=actor, verb="agency.created", partnership=partnership)


@transaction.atomic
def agency_update(*, agency, actor, **fields):
    """Rename an agency, change its sector or mark it as a statutory partner."""
    allowed = {"name", "short_name", "sector", "is_statutory_partner"}
    if set(fields) - allowed:
        raise TypeError(f"Not editable: {sorted(set(fields) - allowed)}")
    if "name" in fields:
        _check_agency_name(agency.partnership, fields["name"], exclude_pk=agency.pk)
        fields["name"] = fields["name"].strip()
    return update_recorded(agency, actor=actor, verb="agency.updated", fields=fields,
                           partnership=agency.partnership, record_unchanged=False)[0]


@transaction.atomic
def agency_archive(*, agency, actor, archived=True):
    """Archive an agency (or bring it back). Its actions keep it as their lead, with their history; it is
    no longer offered as the lead or a supporting agency of new actions, nor for new people."""
    current = Agency.objects.select_for_update().get(pk=agency.pk)
    if current.is_archived == archived:
        return current
    value = timezone.now() if archived else None
    update_recorded(current, actor=actor, verb="agency.archived" if archived else "agency.restored",
                    fields={"archived_at": value}, partnership=current.partnership)
    agency.archived_at = value
    return current


# --- Invitations --------------------------------------------------------------------------------


def grantable_roles(actor, partnership):
    """The roles `actor` may give people in `partnership`: every role for its business managers, none
    for anyone else. With no actor (an operator's command) every role."""
    if actor is None:
        return ALL_ROLES
    membership = access.memberships_of(actor).get(partnership.pk)
    return ALL_ROLES if access.can(membership, access.PEOPLE_MANAGE) else ()


def _check_role_and_agency(*, partnership, role, agency, actor, current_agency_id=None):
    errors = {}
    if role not in grantable_roles(actor, partnership):
        errors["role"] = ("Select a role you may give" if role in ALL_ROLES else "Select a role")
    if agency is not None:
        if agency.partnership_id != partnership.pk:
            errors["agency"] = "Select one of the partnership's agencies"
        elif agency.is_archived and agency.pk != current_agency_id:
            errors["agency"] = f"{agency.name} is archived. Select a current agency"
    if role == Role.STEERING_MEMBER and agency is None and "agency" not in errors:
        errors["agency"] = "Select the agency a steering group member represents"
    if errors:
        raise ValidationError(errors)


def _normalise_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter an email address in the correct format, like name@example.org"})
    return email


def _expiry(now):
    return now + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _send_invitation(invitation, link):
    partnership = invitation.partnership
    inviter = invitation.invited_by.get_full_name() if invitation.invited_by else "The portal's operator"
    role = invitation.get_role_display().lower()
    subject = f"You are invited to {partnership.name} on the partnership strategy portal"
    body = (
        f"Hello,\n\n{inviter} has invited you to join {partnership.name} as {role}"
        + (f" for {invitation.agency.name}" if invitation.agency else "") + ".\n\n"
        + "Accept the invitation here:\n"
        + f"{link}\n\n"
        + f"The link works once and until {timezone.localtime(invitation.expires_at):%d %B %Y}. "
        + "If you were not expecting it, you can ignore this email.\n"
    )
    # Sent inside the transaction: when the mail server refuses, nobody is recorded as invited and the
    # inviter is told, rather than the person never receiving their only link.
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except OSError as error:
        logger.warning("Invitation to %s not sent: %s", invitation.email, error)
        raise ValidationError(f"The invitation email to {invitation.email} could not be sent. "
                              "Nobody was invited; try again later.")


@transaction.atomic
def invitation_create(*, partnership, actor, email, role, agency=None, link_for, send=True):
    """Invite a person by email to join the partnership in `role` (for `agency`). Sends the link (unless
    `send` is false: an operator hands it over another way) and returns (invitation, link).
    `link_for(token)` makes the absolute address of the accept page."""
    Partnership.objects.select_for_update().get(pk=partnership.pk)  # one invitation at a time per partnership
    email = _normalise_email(email)
    _check_role_and_agency(partnership=partnership, role=role, agency=agency, actor=actor)
    if Membership.objects.filter(partnership=partnership, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": f"{email} is already a member of {partnership.name}"})
    if Invitation.objects.filter(partnership=partnership, email=email, accepted_at__isnull=True,
                                 withdrawn_at__isnull=True).exists():
        raise ValidationError({"email": f"{email} has already been invited. Resend or withdraw that invitation "
                                        "from the list of pending invitations"})
    token, hashed = new_token()
    now = timezone.now()
    invitation = Invitation(partnership=partnership, email=email, role=role,
                            agency=agency,
                            token_hash=hashed, invited_by=actor if actor is not None else None,
                            sent_at=now, expires_at=_expiry(now))
    invitation.full_clean()
    invitation.save()
    record(actor=actor, verb="invitation.created", obj=invitation, partnership=partnership,
           summary=f"Invited {email} as {invitation.get_role_display()}"
                   + (f" ({agency.name})" if agency else ""),
           changes={"role": [None, role], "agency": [None, agency.name if agency else None]})
    link = link_for(token)
    if send:
        _send_invitation(invitation, link)
    return invitation, link


def _open_invitation(invitation):
    current = Invitation.objects.select_for_update(of=("self",)).select_related("partnership", "agency").get(pk=invitation.pk)
    if current.accepted_at:
        raise ValidationError("This invitation has already been accepted.")
    if current.withdrawn_at:
        raise ValidationError("This invitation has been withdrawn.")
    return current


@transaction.atomic
def invitation_resend(*, invitation, actor, link_for):
    """Send a pending (or expired) invitation again with a new link; the old link stops working and
    the new one is valid for the full period again. Returns (invitation, link)."""
    current = _open_invitation(invitation)
    token, hashed = new_token()
    now = timezone.now()
    current.token_hash, current.sent_at, current.expires_at = hashed, now, _expiry(now)
    current.save(update_fields=["token_hash", "sent_at", "expires_at"])
    record(actor=actor, verb="invitation.resent", obj=current, partnership=current.partnership,
           summary=f"Sent the invitation to {current.email} again")
    link = link_for(token)
    _send_invitation(current, link)
    return current, link


@transaction.atomic
def invitation_withdraw(*, invitation, actor):
    """Withdraw a pending invitation: its link no longer works."""
    current = _open_invitation(invitation)
    current.withdrawn_at = timezone.now()
    current.save(update_fields=["withdrawn_at"])
    record(actor=actor, verb="invitation.withdrawn", obj=current, partnership=current.partnership,
           summary=f"Withdrew the invitation to {current.email}")
    return current


UNKNOWN_LINK = ("This invitation link is not recognised. Check you copied the whole link from the email, "
                "or ask your partnership's business manager to send it again.")


def invitation_for_token(token):
    """The invitation a link's token opens, whatever its state, or None."""
    return (Invitation.objects.select_related("partnership", "agency", "invited_by")
            .filter(token_hash=token_hash(token)).first())


def invitation_problem(invitation):
    """Why the invitation cannot be accepted now (a sentence for the person), or None."""
    if invitation is None:
        return UNKNOWN_LINK
    if invitation.accepted_at:
        return "This invitation has already been used. Sign in with the account it set up."
    if invitation.withdrawn_at:
        return "This invitation has been withdrawn. Ask your partnership's business manager if you should have access."
    if invitation.is_expired():
        return ("This invitation has expired. Ask your partnership's business manager to send it again; "
                "the new email will have a new link.")
    return None


def _join(invitation, user, now):
    """Give `user` the invited membership (reactivating a former one), and mark the invitation used."""
    membership = Membership.objects.select_for_update().filter(user=user, partnership=invitation.partnership).first()
    if membership is not None and membership.is_active:
        raise ValidationError(f"You are already a member of {invitation.partnership.name}.")
    if membership is None:
        membership = Membership(user=user, partnership=invitation.partnership, role=invitation.role,
                                agency=invitation.agency)
        membership.full_clean(validate_constraints=False)
        membership._history_user = user
        membership.save()
        verb = "membership.created"
    else:
        membership.role, membership.agency, membership.is_active = invitation.role, invitation.agency, True
        membership._history_user = user
        membership.save(update_fields=["role", "agency", "is_active"])
        verb = "membership.reactivated"
    invitation.accepted_at, invitation.accepted_by = now, user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if user.email_verified_at is None:
        user.email_verified_at = now
        user.save(update_fields=["email_verified_at"])
    record(actor=user, verb="invitation.accepted", obj=invitation, partnership=invitation.partnership,
           summary=f"{user.email} accepted the invitation")
    record(actor=user, verb=verb, obj=membership, partnership=invitation.partnership,
           summary=f"{user.email} joined as {membership.get_role_display()}"
                   + (f" ({membership.agency.name})" if membership.agency else ""))
    user._portal_memberships = None
    return membership


@transaction.atomic
def invitation_accept_new(*, token, full_name, password):
    """Accept an invitation by setting up an account: the person's name and a password. Refused when the
    address already has an account (that person signs in and accepts instead). Returns the membership."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError("There is already an account for this email address. Sign in to accept the invitation.")
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = "Enter your full name"
    candidate = User(email=invitation.email, full_name=(full_name or "").strip())
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user = User.objects.create_user(email=invitation.email, password=password, full_name=candidate.full_name)
    record(actor=user, verb="user.created", obj=user, partnership=invitation.partnership,
           summary=f"Account set up from an invitation: {user.email}")
    return _join(invitation, user, timezone.now())


@transaction.atomic
def invitation_accept_existing(*, token, user):
    """Accept an invitation as the signed-in person it was sent to. Returns the membership."""
    invitation = Invitation.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation was sent to {invitation.email}, but you are signed in as "
                              f"{user.email}. Sign out, then open the link again.")
    return _join(invitation, user, timezone.now())


# --- People -------------------------------------------------------------------------------------


def _active_managers(partnership):
    return Membership.objects.filter(partnership=partnership, role=Role.BUSINESS_MANAGER, is_active=True,
                                     user__is_active=True)


def _check_not_last_manager(membership, field):
    if membership.role == Role.BUSINESS_MANAGER and membership.is_active \
            and not _active_managers(membership.partnership).exclude(pk=membership.pk).exists():
        raise ValidationError({field: "This is the partnership's only business manager. Invite or appoint "
                                      "another business manager first"})


@transaction.atomic
def membership_change(*, membership, actor, role, agency=None):
    """Change a person's role or agency in the partnership. The last business manager cannot be demoted."""
    partnership = Partnership.objects.select_for_update().get(pk=membership.partnership_id)
    current = Membership.objects.select_for_update(of=("self",)).select_related("user", "agency").get(pk=membership.pk)
    if not current.is_active:
        raise ValidationError("This person has been deactivated. Invite them again to give them access.")
    _check_role_and_agency(partnership=partnership, role=role, agency=agency, actor=actor,
                           current_agency_id=current.agency_id)
    if role != Role.BUSINESS_MANAGER:
        _check_not_last_manager(current, "role")
    current, changes = update_recorded(
        current, actor=actor, verb="membership.changed", fields={"role": role, "agency": agency},
        partnership=partnership, summary=f"{current.user.email}: {Role(role).label}"
                                         + (f" ({agency.name})" if agency else ""), record_unchanged=False)
    if changes and current.user_id != getattr(actor, "pk", None):
        # Whether a session owes two-step verification is decided at sign-in from the person's roles.
        end_sessions_of(current.user)
    return current


@transaction.atomic
def membership_deactivate(*, membership, actor):
    """End a person's membership: their sessions end, their API tokens are revoked, and the open actions
    naming them as lead are flagged for a new lead contact. The last business manager cannot be removed."""
    Partnership.objects.select_for_update().get(pk=membership.partnership_id)
    current = Membership.objects.select_for_update(of=("self",)).select_related("user", "partnership", "agency").get(
        pk=membership.pk)
    if not current.is_active:
        raise ValidationError("This person has already been deactivated.")
    _check_not_last_manager(current, "__all__")
    # Counted first: ending a membership already revokes the person's tokens (partnerships.signals).
    tokens = ApiToken.objects.filter(user=current.user).count()
    update_recorded(current, actor=actor, verb="membership.deactivated", fields={"is_active": False},
                    partnership=current.partnership, summary=f"Deactivated {current.user.email}")
    ended = end_sessions_of(current.user)
    revoked = max(tokens, revoke_tokens_of(current.user))
    responses = membership_deactivated.send(sender=Membership, membership=current, actor=actor)
    flagged = sum(result or 0 for _, result in responses)
    record(actor=actor, verb="membership.access_ended", obj=current, partnership=current.partnership,
           summary=f"{current.user.email}: {ended} session(s) ended, {revoked} API token(s) revoked, "
                   f"{flagged} action(s) flagged for a new lead contact",
           changes={"sessions_ended": ended, "tokens_revoked": revoked, "actions_flagged": flagged})
    return current, flagged

"""Two-step verification: a code from an authenticator app (TOTP) after the password, with single-use
recovery codes for when the app is not to hand.

Optional for everyone; a partnership can require it of its business managers and independent
scrutineers. Whether a signed-in session still owes a code is decided once at sign-in (and again when
the person's own set-up changes) and kept in the session, so pages pay no query for it.

Every write here runs in a transaction and is recorded in the audit trail of each partnership the
person belongs to (a person's sign-in security is their partnerships' business as well as theirs).
"""
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import record
from .models import AuditEvent, Membership, Partnership, RecoveryCode, RecoveryCodeDevice, Role
from .sessions import end_sessions_of, revoke_tokens_of

# What a signed-in session still owes, kept in the session under SESSION_KEY.
VERIFY = "verify"  # has an authenticator app and has not entered a code in this session
SET_UP = "set_up"  # a partnership requires it and the person has no app yet
NOTHING = ""
SESSION_KEY = "_portal_two_factor"

REQUIRED_ROLES = (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
APP_DEVICE_NAME = "Authenticator app"
CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


# --- Questions ----------------------------------------------------------------------------------


def app_device(user, confirmed=True):
    """The person's authenticator app (confirmed, or the one being set up)."""
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def is_enabled(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def requiring_partnerships(user):
    """The partnerships that require two-step verification of this person, by their role there."""
    return list(
        Partnership.objects.filter(
            require_two_factor=True,
            memberships__user=user, memberships__is_active=True, memberships__role__in=REQUIRED_ROLES,
        ).distinct().order_by("name")
    )


def owed(user):
    """What the person must do after their password: VERIFY, SET_UP or NOTHING."""
    if not user.is_authenticated:
        return NOTHING
    if is_enabled(user):
        return VERIFY
    return SET_UP if requiring_partnerships(user) else NOTHING


def remember_owed(request, user):
    """Decide at sign-in what this session still owes, and keep it in the session."""
    request.session[SESSION_KEY] = owed(user)


def status(user):
    """What the account page shows."""
    device = app_device(user)
    recovery = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    return {
        "enabled": device is not None,
        "since": device.created_at if device else None,
        "last_used": device.last_used_at if device else None,
        "recovery_remaining": recovery.remaining if recovery else 0,
        "required_by": requiring_partnerships(user),
    }


def secret_for_display(device):
    """The app's key in base32, in groups of four, for typing in when the QR code cannot be scanned."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(device):
    """The app's set-up link as an inline SVG QR code (no script, no image request)."""
    import segno

    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=4, light="#fff")
    return svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1)


def required_members(partnership):
    """The partnership's business managers and scrutineers, each with whether they have set it up."""
    memberships = list(
        Membership.objects.filter(partnership=partnership, is_active=True, role__in=REQUIRED_ROLES, user__is_active=True)
        .select_related("user").order_by("role", "user__email")
    )
    enabled = set(
        TOTPDevice.objects.filter(user__in=[m.user_id for m in memberships], confirmed=True).values_list("user_id", flat=True)
    )
    return [(m, m.user_id in enabled) for m in memberships]


# --- Writes -------------------------------------------------------------------------------------


def _record(user, verb, *, actor=None, kind=AuditEvent.Kind.CHANGE, summary="", obj=None):
    """One audit event per partnership the person belongs to (one with no partnership if none)."""
    partnerships = list(Partnership.objects.filter(memberships__user=user).distinct()) or [None]
    for partnership in partnerships:
        record(actor=actor or user, verb=verb, kind=kind, partnership=partnership, obj=obj or user,
               summary=summary)


def _new_recovery_codes(user):
    """Replace the person's recovery codes with fresh ones; returns the codes to show once."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(user=user, defaults={"name": "Recovery codes", "confirmed": True})
    device.codes.all().delete()
    codes = []
    while len(codes) < settings.TWO_FACTOR_RECOVERY_CODES:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        if raw not in codes:
            codes.append(raw)
    RecoveryCode.objects.bulk_create(RecoveryCode(device=device, code_hash=device.hash_code(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


@transaction.atomic
def start_set_up(user):
    """The unconfirmed authenticator app to show as a QR code: the one already started, or a new one."""
    device = app_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def confirm_set_up(request, *, device, code):
    """Confirm the app with a code it shows; returns the recovery codes to show once.

    Raises ValidationError (on `code`) when the code is wrong; the wrong attempt still counts
    towards throttling."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
        problem = _attempt(device, _digits(code))
        if problem is None:
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(request.user)
            _record(request.user, "two_factor.enabled", summary="Turned on two-step verification")
    if problem is not None:
        raise ValidationError({"code": problem})
    _signed_in_with(request, device)
    end_sessions_of(request.user, keep=request.session.session_key)  # a changed factor signs out elsewhere
    revoke_tokens_of(request.user)  # tokens issued against the password alone
    return codes


def check_code(user, code):
    """Check a code after the password: the app's 6 digits, or a recovery code. Returns the device that
    accepted it, or raises ValidationError on `code`. Wrong codes are throttled and recorded."""
    digits = _digits(code)
    with transaction.atomic():
        if digits.isdigit() and len(digits) == 6:
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            used = "app"
        else:
            device = RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            used = "recovery code"
        problem = _attempt(device, digits if used == "app" else code, used)
        if problem is None:
            _record(user, "two_factor.verified", kind=AuditEvent.Kind.READ, summary=f"Signed in with a code ({used})")
    if problem is not None:
        with transaction.atomic():
            _record(user, "two_factor.failed", kind=AuditEvent.Kind.DENIED,
                    summary=f"A wrong two-step verification code ({used})")
        raise ValidationError({"code": problem})
    return device


def verify(request, code):
    """`check_code` for the signed-in person, marking the session verified when it is right."""
    device = check_code(request.user, code)
    _signed_in_with(request, device)
    return device


@transaction.atomic
def regenerate_recovery_codes(user):
    codes = _new_recovery_codes(user)
    _record(user, "two_factor.recovery_codes", summary="Made new recovery codes; the old ones no longer work")
    return codes


def turn_off(request, *, code):
    """Remove the person's app and recovery codes, after a current code. Refused where required."""
    user = request.user
    required_by = requiring_partnerships(user)
    if required_by:
        names = ", ".join(p.name for p in required_by)
        raise ValidationError({"code": f"{names} requires two-step verification of your role, so it cannot be turned off."})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError({"code": "Two-step verification is not turned on."})
        problem = _attempt(device, _digits(code))
        if problem is None:
            _remove_devices(user)
            _record(user, "two_factor.disabled", summary="Turned off two-step verification")
    if problem is not None:
        raise ValidationError({"code": problem})
    request.session[SESSION_KEY] = NOTHING
    end_sessions_of(user, keep=request.session.session_key)
    revoke_tokens_of(user)


@transaction.atomic
def reset(user, *, actor=None):
    """For support: remove a person's app and recovery codes (lost phone), and end their sessions and
    API tokens. Where a partnership requires it, they set up a new app at their next sign-in."""
    removed = _remove_devices(user)
    _record(user, "two_factor.reset", actor=actor, summary="Two-step verification reset")
    end_sessions_of(user)
    revoke_tokens_of(user)
    return removed


@transaction.atomic
def set_requirement(*, partnership, required, actor):
    """Require (or stop requiring) two-step verification of the partnership's business managers and
    scrutineers. Requiring it ends the sessions and API tokens of those without an app, so that
    their next sign-in asks them to set one up. Returns how many people were signed out."""
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if current.require_two_factor == required:
        return 0
    if required and not is_enabled(actor):
        raise ValidationError({"require_two_factor": "Turn on two-step verification for yourself before requiring it of others."})
    current.require_two_factor = required
    current.save(update_fields=["require_two_factor"])
    record(actor=actor, verb="partnership.two_factor_required" if required else "partnership.two_factor_optional",
           obj=current, partnership=current, changes={"require_two_factor": [str(not required), str(required)]})
    signed_out = 0
    if required:
        for membership, enabled in required_members(current):
            if not enabled and membership.user_id != actor.pk:
                end_sessions_of(membership.user)
                revoke_tokens_of(membership.user)
                signed_out += 1
    partnership.require_two_factor = required
    return signed_out


# --- Helpers ------------------------------------------------------------------------------------


def _digits(code):
    return "".join(ch for ch in str(code) if not ch.isspace() and ch != "-")


def _remove_devices(user):
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    return removed


def _attempt(device, token, used="app"):
    """Try `token` on `device`: returns None when accepted, else the message to show beside the field.
    A device still locked after earlier wrong codes is not tried (and the attempt does not count)."""
    if device is None:
        return _WRONG[used]
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = 1
        if details and details.get("locked_until"):
            wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        return f"Too many wrong codes. Wait {wait} second{'s' if wait != 1 else ''} and try again."
    return None if device.verify_token(token) else _WRONG[used]


_WRONG = {
    "app": "The code is not right. Enter the 6-digit code your authenticator app shows now.",
    "recovery code": "That recovery code is not right or has been used. Enter a code from your authenticator app "
                     "or an unused recovery code.",
}


def _signed_in_with(request, device):
    """Mark the session verified with `device`, under a new session key (no fixation)."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_KEY] = NOTHING

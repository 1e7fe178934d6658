"""Protection of the anonymous survey link against floods, without identifying anyone.

Each form carries a signed one-time token: a response is accepted once per token, and only
within a few hours of the form being served. Each address may post only so many times an
hour; the counter is kept under a keyed hash of the address, expires within the hour and is
never written next to a response. Both live in the database (SurveyGuardMark), which every web
process shares, whatever the cache setting.
"""
import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SurveyGuardMark

TOKEN_MAX_AGE = 6 * 3600
_WINDOW = 3600


def _signer(survey):
    return signing.TimestampSigner(salt=f"workforce.survey.{survey.pk}")


def issue_form_token(survey):
    """A fresh signed token for one survey form."""
    return _signer(survey).sign(secrets.token_urlsafe(18))


def consume_form_token(survey, value):
    """Use up a form token. Returns None when accepted, else why it was refused."""
    try:
        nonce = _signer(survey).unsign(value or "", max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        return "This form was open for too long. Please fill it in again."
    except signing.BadSignature:
        return "This form could not be checked. Please open the survey link again."
    if not _add(_used_key(survey, nonce), TOKEN_MAX_AGE):
        return "This response has already been received. Open the survey link again to send another."
    return None


def _used_key(survey, nonce):
    return "used:" + hashlib.sha256(f"{survey.pk}|{nonce}".encode()).hexdigest()[:64]


def _expiry(seconds):
    # Rounded up to the hour, so the row says nothing about when a response was sent.
    return (timezone.now() + timedelta(seconds=seconds + 3600)).replace(minute=0, second=0, microsecond=0)


def _add(key, seconds):
    """Create the mark `key`; False when it is already there (and unexpired). Atomic across processes."""
    now = timezone.now()
    SurveyGuardMark.objects.filter(key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            SurveyGuardMark.objects.create(key=key, count=1, expires_at=_expiry(seconds))
    except IntegrityError:
        return False
    return True


def forget_expired():
    """Delete the marks that have run out (a few rows an hour at most)."""
    return SurveyGuardMark.objects.filter(expires_at__lte=timezone.now()).delete()[0]


def token_is_valid(survey, value):
    """Whether a token is genuine, in date and unused, without using it up."""
    try:
        nonce = _signer(survey).unsign(value or "", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return not SurveyGuardMark.objects.filter(key=_used_key(survey, nonce), expires_at__gt=timezone.now()).exists()


def _address_key(survey, address):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey.pk}|{address}".encode(), hashlib.sha256).hexdigest()
    return f"survey-rate:{digest[:32]}:{int(time.time() // _WINDOW)}"


def allow_post(survey, address):
    """Count a post from this address; False once it has posted more than the hourly limit."""
    key = _address_key(survey, address or "unknown")
    if not _add(key, _WINDOW):
        SurveyGuardMark.objects.filter(key=key).update(count=F("count") + 1)
    count = SurveyGuardMark.objects.filter(key=key).values_list("count", flat=True).first() or 1
    return count <= settings.SURVEY_POSTS_PER_ADDRESS_PER_HOUR

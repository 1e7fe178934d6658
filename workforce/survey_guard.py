"""Protection of the anonymous survey link against floods, without identifying anyone.

Each form carries a signed one-time token: a response is accepted once per token, and only
within a few hours of the form being served. Each address may post only so many times an
hour; the counter lives in the cache under a keyed hash of the address, expires within the
hour and is never written next to a response.
"""
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

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
    if not cache.add(f"survey-token-used:{survey.pk}:{nonce}", 1, timeout=TOKEN_MAX_AGE):
        return "This response has already been received. Open the survey link again to send another."
    return None


def token_is_valid(survey, value):
    """Whether a token is genuine, in date and unused, without using it up."""
    try:
        nonce = _signer(survey).unsign(value or "", max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return False
    return cache.get(f"survey-token-used:{survey.pk}:{nonce}") is None


def _address_key(survey, address):
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{survey.pk}|{address}".encode(), hashlib.sha256).hexdigest()
    return f"survey-rate:{digest[:32]}:{int(time.time() // _WINDOW)}"


def allow_post(survey, address):
    """Count a post from this address; False once it has posted more than the hourly limit."""
    key = _address_key(survey, address or "unknown")
    cache.add(key, 0, timeout=_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_WINDOW)
        count = 1
    return count <= settings.SURVEY_POSTS_PER_ADDRESS_PER_HOUR

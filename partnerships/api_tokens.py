"""API tokens: issued named and expiring, stored only as a hash, checked on each API call, revoked whenever
the way a person proves who they are, or what they may do, changes."""
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken
from .secret_links import new_token, token_hash

# last_used_at is written at most this often per token, so that reading the API costs no write per call.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def issue(user, *, name="API token"):
    """A new token for `user`: (the ApiToken row, the key to show once)."""
    key, digest = new_token()
    token = ApiToken.objects.create(
        user=user, name=(name or "API token")[:100], key_hash=digest, prefix=key[:8],
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    return token, key


def revoke_all(user):
    """Delete every API token of `user`. Returns how many there were."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def tokens_of(user):
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id"))


class HashedTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, as before; the key is looked up by its hash and refused once expired."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        now = timezone.now()
        if token is None or token.expires_at <= now:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

"""API tokens: issued named and expiring, stored only as a hash, checked on each API call, revoked whenever
the way a person proves who they are, or what they may do, changes."""
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, Membership
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
    """`Authorization: Token <key>`, as before; the key is looked up by its hash and refused once expired.

    The token, its person and their active memberships come from one query: polling clients make most of
    the API's traffic, and the access layer (`access.memberships_of`) finds the memberships already on the
    user. A person with a token but no active membership costs a second query (and sees nothing)."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        digest = token_hash(key)
        rows = list(
            Membership.objects.filter(user__api_tokens__key_hash=digest, is_active=True)
            .select_related("user", "partnership", "agency")
            .annotate(token_pk=F("user__api_tokens__pk"), token_expires_at=F("user__api_tokens__expires_at"),
                      token_last_used_at=F("user__api_tokens__last_used_at"))
        )
        if rows:
            user = rows[0].user
            token = ApiToken(pk=rows[0].token_pk, user=user, key_hash=digest, expires_at=rows[0].token_expires_at,
                             last_used_at=rows[0].token_last_used_at)
            memberships = {}
            for membership in rows:
                membership.user = user
                memberships[membership.partnership_id] = membership
        else:
            token = ApiToken.objects.select_related("user").filter(key_hash=digest).first()
            user, memberships = (token.user if token else None), {}
        now = timezone.now()
        if token is None or token.expires_at <= now:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        user._portal_memberships = memberships
        return user, token

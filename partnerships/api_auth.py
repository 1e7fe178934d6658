"""API token authentication that reads the token, its person and their memberships in one query, or in none
when a shared cache (Redis) holds them.

DRF's TokenAuthentication reads the token and its user (one query); the access layer then reads the person's
memberships (a second). Polling clients make most of the API's traffic, so both come from one join here, and
`access.memberships_of` finds them already on the user. With a shared cache the pair is kept under the token
and dropped whenever the token, the person, a membership, a partnership or an agency changes (signals in
`partnerships.signals`); a per-process cache is not used, because another process could not be told to drop
its copy when a token is revoked.
"""
import hashlib

from django.conf import settings
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import Membership

CACHE_SECONDS = 300


def _cache_key(token_key):
    return "api-auth:" + hashlib.sha256(token_key.encode()).hexdigest()


def shared_cache():
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"] and "DummyCache" not in \
        settings.CACHES["default"]["BACKEND"]


def forget_tokens(keys):
    """Drop the cached people and memberships of these tokens (no-op without a shared cache)."""
    if shared_cache():
        cache.delete_many([_cache_key(key) for key in keys])


class MembershipTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, as DRF's, with the memberships read in the same query."""

    def authenticate_credentials(self, key):
        use_cache = shared_cache()
        if use_cache:
            cached = cache.get(_cache_key(key))
            if cached is not None:
                user, memberships = cached
                user._portal_memberships = memberships
                return user, key
        rows = list(
            Membership.objects.filter(user__auth_token__key=key, is_active=True)
            .select_related("user", "partnership", "agency")
        )
        if rows:
            user = rows[0].user
            memberships = {}
            for membership in rows:
                membership.user = user
                memberships[membership.partnership_id] = membership
        else:
            # A valid token of a person with no active membership (they see nothing), or no such token.
            user, _ = super().authenticate_credentials(key)
            memberships = {}
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user._portal_memberships = memberships
        if use_cache:
            cache.set(_cache_key(key), (user, memberships), CACHE_SECONDS)
        return user, key

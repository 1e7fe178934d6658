"""API tokens: issued named and expiring, stored only as a hash, checked on each API call, revoked whenever
the way a person proves who they are, or what they may do, changes."""
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework import authentication, exceptions

from . import composed_sql
from .composed_sql import Columns
from .models import Agency, ApiToken, Membership, Partnership, User
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
        token, user, memberships = _token_with_memberships(digest)
        if token is None:
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


def _compose_token_query():
    """SELECT the membership, token, user, partnership and agency columns of a token's active memberships."""
    qn = connection.ops.quote_name
    token_fields = [ApiToken._meta.get_field(name) for name in ("id", "expires_at", "last_used_at")]
    parts = [Columns(Membership, "m"), Columns(ApiToken, "t", token_fields), Columns(User, "u"),
             Columns(Partnership, "p"), Columns(Agency, "a")]

    def col(model, name):
        return qn(model._meta.get_field(name).column)

    def table(model):
        return qn(model._meta.db_table)

    sql = (
        f"SELECT {', '.join(c for part in parts for c in part.select)} FROM {table(Membership)} m "
        f"INNER JOIN {table(User)} u ON m.{col(Membership, 'user')} = u.{col(User, 'id')} "
        f"INNER JOIN {table(ApiToken)} t ON t.{col(ApiToken, 'user')} = u.{col(User, 'id')} "
        f"INNER JOIN {table(Partnership)} p ON m.{col(Membership, 'partnership')} = p.{col(Partnership, 'id')} "
        f"LEFT OUTER JOIN {table(Agency)} a ON m.{col(Membership, 'agency')} = a.{col(Agency, 'id')} "
        f"WHERE t.{col(ApiToken, 'key_hash')} = %s AND m.{col(Membership, 'is_active')} "
        f"ORDER BY p.{col(Partnership, 'name')}, m.{col(Membership, 'id')}"
    )
    return sql, parts


def _token_with_memberships(digest):
    """(token, user, {partnership id: membership}) for a token whose person has an active membership, each
    membership with its partnership and agency, in one query; (None, None, {}) otherwise.

    The SQL is composed once per process (composed_sql): building this join anew on every call cost more than
    the database took to answer it, on the path of every polling client."""
    sql, (membership_cols, token_cols, user_cols, partnership_cols, agency_cols) = composed_sql.composed(
        "api-token", _compose_token_query
    )
    rows = composed_sql.fetch(sql, [digest])
    if not rows:
        return None, None, {}
    bounds, start = [], 0
    for part in (membership_cols, token_cols, user_cols, partnership_cols, agency_cols):
        bounds.append(slice(start, start + len(part)))
        start += len(part)
    m, t, u, p, a = bounds
    user = user_cols.instance(rows[0][u])
    token_pk, expires_at, last_used_at = token_cols.values(rows[0][t])
    token = ApiToken(pk=token_pk, user=user, key_hash=digest, expires_at=expires_at, last_used_at=last_used_at)
    memberships = {}
    for row in rows:
        membership = membership_cols.instance(row[m])
        membership.user = user
        membership.partnership = partnership_cols.instance(row[p])
        membership.agency = agency_cols.instance(row[a]) if membership.agency_id is not None else None
        memberships[membership.partnership_id] = membership
    return token, user, memberships

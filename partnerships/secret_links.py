"""Secret links: the one recipe for a token that is sent to a person (an invitation, a reviewer's link, a
personal update link). The token travels only in the link; the database keeps its SHA-256, so a copy of the
database opens nothing. Expiry, single use and auditing belong to the record that holds the hash."""
import hashlib
import secrets

TOKEN_BYTES = 32


def new_token():
    """A fresh URL-safe token and the hash to store: (token, token_hash(token))."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token):
    """The stored form of a token."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def private_page(response):
    """A page reached by a personal link (an update link, an outside reviewer's link): never cached, never
    indexed, its address never sent to another site. "same-origin", not "no-referrer": with no referrer at all
    browsers send "Origin: null" with the page's forms, which the CSRF check rightly refuses."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response

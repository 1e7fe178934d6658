"""Ending a person's sessions and API tokens (sign-out, deactivation)."""
import logging

from django.contrib.sessions.models import Session
from django.utils import timezone

logger = logging.getLogger(__name__)


def revoke_tokens_of(user):
    """Delete the user's API tokens; they must sign in again to get a new one."""
    from .api_tokens import revoke_all

    return revoke_all(user)


def end_sessions_of(user, keep=None):
    """Delete every unexpired browser session signed in as `user` (but the one whose key is `keep`).

    Sessions are stored signed and encoded, so each live one is decoded; the table holds only
    unexpired sessions of a few hundred people, and this runs only on deactivation."""
    user_id = str(user.pk)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
            ended += 1
    logger.info("Ended %d session(s) of user %s", ended, user_id)
    return ended

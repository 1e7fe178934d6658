"""Session and token lifecycle: sign-out and deactivation end every way in."""
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from . import kept_text, two_factor
from .middleware import SessionLifetimeMiddleware
from .models import Membership
from .sessions import end_sessions_of, revoke_tokens_of

# Sent (inside the transaction) when a person's membership of a partnership ends, with `membership` and
# `actor`. Higher apps tidy what named the person; a receiver returns how many records it flagged.
membership_deactivated = Signal()


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    now = int(time.time())
    request.session[SessionLifetimeMiddleware.STARTED] = now
    request.session[SessionLifetimeMiddleware.SEEN] = now
    two_factor.remember_owed(request, user)
    kept_text.drop_if_not(request, user)


@receiver(user_logged_out)
def revoke_tokens_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        revoke_tokens_of(user)


@receiver(pre_save, sender=get_user_model())
def note_deactivation(sender, instance, **kwargs):
    update_fields = kwargs.get("update_fields")
    if not instance.pk or (update_fields is not None and not {"is_active", "password"} & set(update_fields)):
        return
    before = sender.objects.filter(pk=instance.pk).values("is_active", "password").first()
    if before is None:
        return
    instance._portal_deactivated = before["is_active"] and not instance.is_active
    instance._portal_password_changed = before["password"] != instance.password


@receiver(post_save, sender=get_user_model())
def end_access_on_deactivation(sender, instance, created, **kwargs):
    """Deactivation ends every session and token; a new password (changed or reset) revokes the tokens
    (Django's session hash already ends the other sessions)."""
    if created:
        return
    if getattr(instance, "_portal_deactivated", False):
        instance._portal_deactivated = False
        end_sessions_of(instance)
        revoke_tokens_of(instance)
    if getattr(instance, "_portal_password_changed", False):
        instance._portal_password_changed = False
        revoke_tokens_of(instance)


@receiver(pre_save, sender=Membership)
def note_role_change(sender, instance, **kwargs):
    before = sender.objects.filter(pk=instance.pk).values("role", "is_active").first() if instance.pk else None
    instance._portal_role_changed = before is not None and (
        before["role"] != instance.role or before["is_active"] != instance.is_active)


@receiver(post_save, sender=Membership)
def end_access_on_role_change(sender, instance, created, **kwargs):
    """A new role (or a membership ended or restored) revokes the person's tokens, which carried the old
    role's rights; a move into a role whose partnership requires two-step verification also ends their
    sessions, so that they sign in again with the second factor."""
    if not getattr(instance, "_portal_role_changed", False):
        return
    instance._portal_role_changed = False
    revoke_tokens_of(instance.user)
    if instance.is_active and two_factor.owed(instance.user):
        end_sessions_of(instance.user)


@receiver(post_delete, sender=Membership)
def end_tokens_on_leaving(sender, instance, **kwargs):
    revoke_tokens_of(instance.user)

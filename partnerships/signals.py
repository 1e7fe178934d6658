"""Session and token lifecycle: sign-out and deactivation end every way in."""
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import Signal, receiver

from . import two_factor
from .middleware import SessionLifetimeMiddleware
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


@receiver(user_logged_out)
def revoke_tokens_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        revoke_tokens_of(user)


@receiver(pre_save, sender=get_user_model())
def note_deactivation(sender, instance, **kwargs):
    if instance.pk and not instance.is_active:
        was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
        instance._portal_deactivated = was_active


@receiver(post_save, sender=get_user_model())
def end_access_on_deactivation(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_portal_deactivated", False):
        instance._portal_deactivated = False
        end_sessions_of(instance)
        revoke_tokens_of(instance)

"""Session and token lifecycle: sign-out and deactivation end every way in."""
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import two_factor
from .middleware import SessionLifetimeMiddleware
from .sessions import end_sessions_of, revoke_tokens_of


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


# -- cached API credentials (partnerships.api_auth): dropped whenever what they hold changes ----------------

def _forget_tokens_of(user_ids):
    from rest_framework.authtoken.models import Token

    from .api_auth import forget_tokens, shared_cache

    if shared_cache():
        forget_tokens(Token.objects.filter(user_id__in=list(user_ids)).values_list("key", flat=True))


def _forget_token(sender, instance, **kwargs):
    from .api_auth import forget_tokens

    forget_tokens([instance.key])


def _forget_member(sender, instance, **kwargs):
    _forget_tokens_of([instance.user_id])


def _forget_user(sender, instance, **kwargs):
    _forget_tokens_of([instance.pk])


def _forget_partnership_members(sender, instance, **kwargs):
    from .models import Agency, Membership

    partnership_id = instance.partnership_id if isinstance(instance, Agency) else instance.pk
    _forget_tokens_of(Membership.objects.filter(partnership_id=partnership_id).values_list("user_id", flat=True))


def connect_credential_cache():
    from django.db.models.signals import post_delete
    from rest_framework.authtoken.models import Token

    from .models import Agency, Membership, Partnership

    for signal in (post_save, post_delete):
        signal.connect(_forget_token, sender=Token, dispatch_uid=f"forget-token-{signal}")
        signal.connect(_forget_member, sender=Membership, dispatch_uid=f"forget-member-{signal}")
        signal.connect(_forget_user, sender=get_user_model(), dispatch_uid=f"forget-user-{signal}")
        signal.connect(_forget_partnership_members, sender=Partnership, dispatch_uid=f"forget-p-{signal}")
        signal.connect(_forget_partnership_members, sender=Agency, dispatch_uid=f"forget-a-{signal}")


connect_credential_cache()

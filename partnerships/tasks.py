from celery import shared_task
from django.conf import settings


@shared_task(acks_late=True)
def apply_retention():
    """Nightly (CELERY_BEAT_SCHEDULE): delete or anonymise records past their retention period."""
    from .retention import apply_retention as run

    return run()


@shared_task(acks_late=True)
def send_notification_email(notification_id):
    """Email one notification that its person wants straight away. Idempotent: it goes once."""
    from .notifications import notification_email_send

    return notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True)
def send_notification_digests():
    """Weekly (CELERY_BEAT_SCHEDULE): each person's digest of notifications not yet emailed."""
    from .notifications import notifications_send_digest

    return notifications_send_digest()


@shared_task(acks_late=True)
def send_password_reset(email, domain, use_https):
    """Send the password-reset mail, if `email` belongs to an active account with a usable password. The web
    request only queues this task, whatever the address, so its timing says nothing about who has an account."""
    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm({"email": email})
    if form.is_valid():
        PasswordResetForm.save(form, domain_override=domain, use_https=use_https)


@shared_task(
    name="documents.render", acks_late=True, autoretry_for=(), ignore_result=False,
    # The soft limit raises inside the render, which records the document as failed; the hard limit
    # (30 s later) ends a render stuck where it cannot be interrupted.
    soft_time_limit=settings.EXPORT_RENDER_TIME_LIMIT, time_limit=settings.EXPORT_RENDER_TIME_LIMIT + 30,
)
def render_document(kind, pk):
    """Render one document of a registered kind (partnerships/documents.py); safe to run again for the same id."""
    from .documents import render_stored

    obj = render_stored(kind, pk)
    return {"kind": kind, "id": obj.pk, "status": obj.status, "page_count": obj.page_count}


@shared_task(name="documents.requeue_waiting", acks_late=True)
def requeue_waiting_documents():
    """Every minute (CELERY_BEAT_SCHEDULE): send again the documents still queued after the broker was down."""
    from .documents import requeue_waiting

    return requeue_waiting()

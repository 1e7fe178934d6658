from celery import shared_task


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

from celery import shared_task


@shared_task(acks_late=True)
def apply_retention():
    """Nightly (CELERY_BEAT_SCHEDULE): delete or anonymise records past their retention period."""
    from .retention import apply_retention as run

    return run()

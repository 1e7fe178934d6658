from celery import shared_task
from django.conf import settings


@shared_task(
    acks_late=True, autoretry_for=(), ignore_result=False,
    # The soft limit raises inside the render, which records the export as failed; the hard limit
    # (30 s later) ends a render stuck where it cannot be interrupted.
    soft_time_limit=settings.EXPORT_RENDER_TIME_LIMIT, time_limit=settings.EXPORT_RENDER_TIME_LIMIT + 30,
)
def render_strategy_export(export_id):
    """Render one export; safe to run again for the same id."""
    from .services import export_render

    export = export_render(export_id=export_id)
    return {"export_id": export.pk, "status": export.status, "page_count": export.page_count}

from celery import shared_task
from django.conf import settings

from .services import export_render


@shared_task(
    acks_late=True, autoretry_for=(), ignore_result=False,
    soft_time_limit=settings.EXPORT_RENDER_TIME_LIMIT, time_limit=settings.EXPORT_RENDER_TIME_LIMIT + 30,
)
def render_strategy_export(export_id):
    """Render one export; safe to run again for the same id. New exports are sent as the generic
    `documents.render` task (partnerships/tasks.py); this name stays for messages queued before it."""
    export = export_render(export_id=export_id)
    return {"export_id": export.pk, "status": export.status, "page_count": export.page_count}

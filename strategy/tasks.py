from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(), ignore_result=False)
def render_strategy_export(export_id):
    """Render one export; safe to run again for the same id."""
    from .services_export import export_render

    export = export_render(export_id=export_id)
    return {"export_id": export.pk, "status": export.status, "page_count": export.page_count}

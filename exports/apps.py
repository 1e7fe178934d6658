from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Published document"

    def ready(self):
        from .services import register_documents

        register_documents()

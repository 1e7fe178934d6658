from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Published document"

    def ready(self):
        from partnerships.uploads import delete_files_with_rows

        from .models import StrategyExport
        from .services import register_documents

        register_documents()
        delete_files_with_rows(StrategyExport, "file", "docx_file")  # when its strategy is deleted

from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partnerships"

    def ready(self):
        from . import signals  # noqa: F401  (connects the session and token receivers)
        from .models import RenderedDocument
        from .uploads import delete_files_with_rows

        delete_files_with_rows(RenderedDocument, "file", "docx_file")

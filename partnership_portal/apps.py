from django.apps import AppConfig


class PartnershipPortalConfig(AppConfig):
    name = "partnership_portal"
    verbose_name = "Partnerships"

    def ready(self):
        from . import signals  # noqa: F401  (connects the session and token receivers)

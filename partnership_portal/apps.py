from django.apps import AppConfig


class PartnershipPortalConfig(AppConfig):
    name = "partnership_portal"
    verbose_name = "Partnerships"

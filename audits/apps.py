from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Multi-agency audits"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import action_audit_findings

        contribute("action_detail", action_audit_findings)

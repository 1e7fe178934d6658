from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Multi-agency audits"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import action_audit_findings

        contribute("action_detail", action_audit_findings)

        from partnerships import retention

        from .models import AuditCase
        from .services import cases_anonymise

        retention.register("audit_case", queryset=lambda: AuditCase.objects.filter(anonymised_at__isnull=True),
                           date_field="created_at", action=cases_anonymise)

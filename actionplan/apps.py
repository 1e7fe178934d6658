from django.apps import AppConfig


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plan"

    def ready(self):
        from partnerships.contributions import contribute
        from partnerships.signals import membership_deactivated

        from .selectors import home_progress, home_round, home_unreachable
        from .services import flag_actions_of_departed_lead, register_documents

        contribute("partnership_home", home_progress)
        contribute("partnership_home", home_round)
        contribute("partnership_home", home_unreachable)
        register_documents()
        membership_deactivated.connect(flag_actions_of_departed_lead, dispatch_uid="actionplan.flag_departed_lead")

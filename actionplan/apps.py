from django.apps import AppConfig


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plan"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import home_progress, home_round

        contribute("partnership_home", home_progress)
        contribute("partnership_home", home_round)

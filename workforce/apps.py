from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "workforce"
    verbose_name = "Training needs assessment"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import action_training_needs

        contribute("action_detail", action_training_needs)

from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "strategy"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import home_strategies

        contribute("partnership_home", home_strategies)

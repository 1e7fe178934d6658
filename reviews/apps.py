from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and versions"

    def ready(self):
        from partnerships.contributions import contribute

        from .selectors import home_review_requests

        contribute("partnership_home", home_review_requests)

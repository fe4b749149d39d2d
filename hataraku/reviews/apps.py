from django.apps import AppConfig

from hataraku.jobs import integrations


class ReviewsConfig(AppConfig):
    name = "hataraku.reviews"
    label = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Imported here because selectors need the models, which are not loaded when apps.py is.
        from .selectors import client_stats

        # Jobs never imports reviews: the job page reads a client's record through this port.
        integrations.client_stats_register(client_stats)

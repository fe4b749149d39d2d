from django.apps import AppConfig

from hataraku.jobs import integrations as job_integrations


class AlertsConfig(AppConfig):
    name = "hataraku.alerts"
    label = "alerts"
    verbose_name = "Saved searches and alerts"

    def ready(self) -> None:
        # The ☆ 「あとで見る」 toggle sits beside the cached job cards of jobs and matching (both below this
        # app): jobs asks this port for the per-viewer part and never imports alerts.
        from .bookmarks import card_toggles, list_actions

        job_integrations.card_extras_register(card_toggles)
        job_integrations.list_actions_register(list_actions)

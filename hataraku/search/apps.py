from django.apps import AppConfig

from hataraku.jobs import integrations as job_integrations


class SearchConfig(AppConfig):
    name = "hataraku.search"
    verbose_name = "検索"

    def ready(self) -> None:
        # The job list's keyword box (jobs is below search) narrows through this port.
        from . import selectors

        job_integrations.keyword_filter_register(selectors.keyword_filter)

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hataraku.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # A job can be reported to staff (accounts.reports); imported here because it needs the models.
        from .reporting import register_reportables

        register_reportables()

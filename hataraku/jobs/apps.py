from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "hataraku.jobs"
    label = "jobs"
    verbose_name = "Jobs"

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hataraku.core"
    label = "core"
    verbose_name = "Core"

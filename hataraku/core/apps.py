from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hataraku.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app's `handlers.py` subscribes its domain-event handlers (core/events.py).
        from . import events

        events.handler_modules()

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hataraku.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app's `handlers.py` subscribes its domain-event handlers (core/events.py).
        # and its `notices.py` defines the texts of the notices it sends (core/notifications.py),
        # and its `todos.py` registers what the dashboard lists for its people (core/todos.py).
        from . import events, notifications, todos

        events.handler_modules()
        notifications.notice_modules()
        todos.todo_modules()

from django.apps import AppConfig

from hataraku.core import notifications


class MessagingConfig(AppConfig):
    name = "hataraku.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # Messaging delivers every app's notices (core/notifications.py); the apps never import it.
        # Imported here because services need the models, which are not loaded when apps.py is.
        from .services import notice_send

        notifications.set_sender(notice_send)
        # A message can be reported to staff (accounts.reports).
        from .reporting import register_reportables

        register_reportables()

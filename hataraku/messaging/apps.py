from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "hataraku.messaging"
    label = "messaging"
    verbose_name = "Messaging"

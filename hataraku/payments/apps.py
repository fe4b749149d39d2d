from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hataraku.payments"
    label = "payments"
    verbose_name = "Payments"

from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hataraku.ledger"
    label = "ledger"
    verbose_name = "Ledger"

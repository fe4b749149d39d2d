from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "hataraku.contracts"
    label = "contracts"
    verbose_name = "Contracts"

from django.apps import AppConfig

from hataraku.jobs import integrations


class ContractsConfig(AppConfig):
    name = "hataraku.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        # Imported here because funding and services need the models, which are not loaded when apps.py is.
        from . import funding, services

        # The payments app asks the owner of an escrow what it wants paid before it takes any money.
        funding.register()
        # Jobs never imports contracts: the offer on a proposal reaches this app through this port.
        integrations.contract_offer_register(services.contract_offer)

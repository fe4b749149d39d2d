from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "hataraku.contracts"
    label = "contracts"
    verbose_name = "Contracts"

    def ready(self) -> None:
        # The payments app asks the owner of an escrow what it wants paid before it takes any money.
        from . import funding

        funding.register()

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hataraku.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .permissions import record_setup_as_second_factor

        authenticator_added.connect(record_setup_as_second_factor, dispatch_uid="hataraku-mfa-setup")

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hataraku.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authentication_failed, authenticator_added

        from .adapters import second_factor_failed
        from .permissions import record_setup_as_second_factor

        authenticator_added.connect(record_setup_as_second_factor, dispatch_uid="hataraku-mfa-setup")
        authentication_failed.connect(second_factor_failed, dispatch_uid="hataraku-mfa-failed")

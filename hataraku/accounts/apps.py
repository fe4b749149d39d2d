from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hataraku.accounts"
    label = "accounts"
    verbose_name = "Accounts"

from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "hataraku.profiles"
    label = "profiles"
    verbose_name = "Profiles"

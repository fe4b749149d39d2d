from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "hataraku.matching"
    label = "matching"
    verbose_name = "Matching"

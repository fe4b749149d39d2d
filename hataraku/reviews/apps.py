from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "hataraku.reviews"
    label = "reviews"
    verbose_name = "Reviews"

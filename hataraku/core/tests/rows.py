"""`row_counts()`: the number of rows in every table, to assert that a request wrote nothing."""

from __future__ import annotations

from django.apps import apps


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}

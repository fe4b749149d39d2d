"""Loads the fixed category tree (see hataraku/jobs/categories.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from hataraku.jobs.categories import ensure_categories


def load(apps: Any, schema_editor: Any) -> None:
    ensure_categories(apps.get_model("jobs", "Category"))


def unload(apps: Any, schema_editor: Any) -> None:
    apps.get_model("jobs", "Category").objects.filter(parent__isnull=False).delete()
    apps.get_model("jobs", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]

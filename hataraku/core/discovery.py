"""The one way core finds what each app contributes: import `<app>.<name>` for every installed hataraku app
that has it (handlers, notices, to-dos), so core names no app."""

from __future__ import annotations

import importlib

from django.apps import apps


def import_app_modules(name: str) -> list[str]:
    """Import every installed hataraku app's `name` module; return the dotted paths found. A module that
    is missing is skipped; an import error inside one that exists is raised."""
    found: list[str] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hataraku."):
            continue
        dotted = f"{config.name}.{name}"
        try:
            importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                continue
            raise
        found.append(dotted)
    return found

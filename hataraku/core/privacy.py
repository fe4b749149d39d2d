"""Personal data download and erasure across apps (個人情報保護法 第33条 開示 / 第35条 利用停止・消去).

Every installed `hataraku.*` app may have a `privacy.py` module with

    export_user_data(user) -> dict   # JSON-serialisable; the person's own data only
    erase_user_data(user) -> None    # delete or anonymise what is not legally required to be kept
    deletion_blockers(user) -> list[str]   # optional: why the account cannot be deleted yet

This module finds them, so a new app only adds its own `privacy.py`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import clock
from .audit import audit_record

EXPORT_FORMAT_VERSION = 1


def privacy_modules() -> list[tuple[str, ModuleType]]:
    """(app label, module) for every installed hataraku app that has a privacy module, in
    INSTALLED_APPS order."""
    found: list[tuple[str, ModuleType]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hataraku."):
            continue
        dotted = f"{config.name}.privacy"
        try:
            module = importlib.import_module(dotted)
        except ModuleNotFoundError as exc:
            if exc.name == dotted:
                continue
            raise
        if hasattr(module, "export_user_data") and hasattr(module, "erase_user_data"):
            found.append((config.label, module))
    return found


def collect_user_data(user: Any) -> dict[str, Any]:
    return {
        "形式": {"名前": "Hataraku 個人データ", "版": EXPORT_FORMAT_VERSION},
        "作成日時": clock.now().isoformat(),
        "ユーザーID": user.pk,
        "データ": {label: module.export_user_data(user) for label, module in privacy_modules()},
    }


def deletion_blockers(user: Any) -> list[str]:
    """Every app's reasons why this account cannot be deleted yet (money still theirs, open contracts),
    in INSTALLED_APPS order; empty when it can be deleted."""
    reasons: list[str] = []
    for _label, module in privacy_modules():
        blockers = getattr(module, "deletion_blockers", None)
        if blockers is not None:
            reasons.extend(blockers(user))
    return reasons


def erase_user_data(user: Any) -> None:
    """Call every app's eraser; apps later in INSTALLED_APPS depend on earlier ones, so they go first."""
    for _label, module in reversed(privacy_modules()):
        module.erase_user_data(user)


def export_filename(moment: dt.datetime | None = None) -> str:
    local = (moment or clock.now()).astimezone(clock.TOKYO)
    return f"hataraku-data-{local:%Y%m%d}.json"


def personal_data_export(*, user: Any, actor: Any) -> str:
    """The person's data as JSON text. Audited: a download of personal data is a disclosure."""
    with transaction.atomic():
        data = collect_user_data(user)
        audit_record(
            actor=actor, action="privacy.exported", target=user, data={"apps": sorted(data["データ"])}
        )
    return json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)

"""Demo data: the personas of ../shared/PERSONAS.md, in Japanese. Idempotent: running it twice changes
nothing the second time. Each app that has demo data adds a `demo.py` with `load(people)`; they are
found and run in INSTALLED_APPS order, which is the order they depend on each other.

The passwords are for a local demo only and are printed by `hataraku demo --accounts`. Staff and municipal
personas also get a TOTP authenticator (a second factor is required for those roles); its base32 secret is
made at random on this machine when the demo loads and printed beside the password as `totp_secret`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from hataraku.core.permissions import needs_second_factor

DEMO_PASSWORD = "hataraku-demo-2026"


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    display_name: str
    persona: str
    role: str
    flags: dict[str, Any] = field(default_factory=dict)


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "sakura",
        "sakura@demo.hataraku.jp",
        "中村 さくら",
        "子育て中の親(長野県松本市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "kenichi",
        "kenichi@demo.hataraku.jp",
        "山本 健一",
        "介護中の家族(高知県四万十市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "misaki",
        "misaki@demo.hataraku.jp",
        "佐藤 美咲",
        "画面読み上げ利用者(大阪府堺市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "shota",
        "shota@demo.hataraku.jp",
        "田中 翔太",
        "地方の新人ワーカー(宮崎県日南市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "yumi",
        "yumi@demo.hataraku.jp",
        "小林 由美",
        "夕方に通話できる人(埼玉県川越市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "shinichi",
        "shinichi@demo.hataraku.jp",
        "伊藤 真一",
        "1週間に5時間の人(北海道旭川市)",
        "worker",
        {"is_worker": True},
    ),
    Persona(
        "hidamari",
        "hidamari@demo.hataraku.jp",
        "ひだまり出版 担当者",
        "法人クライアント(株式会社ひだまり出版)",
        "client",
        {"is_client": True, "client_kind": "company", "company_name": "株式会社ひだまり出版"},
    ),
    Persona(
        "naoko",
        "naoko@demo.hataraku.jp",
        "鈴木 直子",
        "個人クライアント(ベーカリー店主)",
        "client",
        {"is_client": True, "client_kind": "individual"},
    ),
    Persona(
        "nichinan",
        "nichinan@demo.hataraku.jp",
        "日南市 商工・マーケティング課",
        "自治体パートナー(宮崎県日南市)",
        "municipal",
        {"is_municipal_staff": True, "municipality_name": "日南市 商工・マーケティング課"},
    ),
    Persona(
        "staff", "staff@demo.hataraku.jp", "Hataraku サポート", "運営スタッフ", "staff", {"is_staff": True}
    ),
)


def app_demo_modules() -> list[ModuleType]:
    """Every installed hataraku app's `demo` module, in INSTALLED_APPS order: an app is listed after the
    apps it builds on, so its demo finds their rows. Discovered, so core names no app above it."""
    found: list[ModuleType] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("hataraku.") or config.name == __package__:
            continue
        dotted = f"{config.name}.demo"
        try:
            found.append(importlib.import_module(dotted))
        except ModuleNotFoundError as exc:
            if exc.name != dotted:
                raise
    return found


def ensure_people() -> dict[str, Any]:
    User = get_user_model()
    people: dict[str, Any] = {}
    for p in PERSONAS:
        user = User.objects.filter(email=p.email).first()
        if user is None:
            user = User.objects.create_user(p.email, DEMO_PASSWORD, display_name=p.display_name, **p.flags)
        EmailAddress.objects.get_or_create(
            user=user, email=p.email, defaults={"verified": True, "primary": True}
        )
        if needs_second_factor(user) and not _totp_of(user):
            TOTP.activate(user, generate_totp_secret())
        people[p.key] = user
    return people


def _totp_of(user: Any) -> Authenticator | None:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()


def totp_secret(email: str) -> str:
    """The demo account's TOTP secret (base32), or "" if it has none or the demo is not loaded yet."""
    try:
        user = get_user_model().objects.filter(email=email).first()
        authenticator = _totp_of(user) if user is not None else None
    except DatabaseError:
        return ""
    return decrypt(authenticator.data["secret"]) if authenticator is not None else ""


@transaction.atomic
def load() -> dict[str, Any]:
    people = ensure_people()
    for module in app_demo_modules():
        module.load(people)
    return people


def accounts_table() -> list[dict[str, str]]:
    return [
        {
            "persona": p.persona,
            "name": p.display_name,
            "role": p.role,
            "email": p.email,
            "password": DEMO_PASSWORD,
            "totp_secret": totp_secret(p.email),
        }
        for p in PERSONAS
    ]

"""Demo data for the worker personas (../shared/PERSONAS.md). Idempotent: a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model

from hataraku.core import clock

from . import services
from .availability import Window
from .constants import AccessibilityNeed, ClientBlockKind, ExceptionKind, SensitiveCategory
from .models import AvailabilityWindow, DateException, SensitiveReasons, WorkConditions, WorkerProfile


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _week(days: list[int], *ranges: tuple[str, str]) -> list[Window]:
    return [Window(weekday=d, start=_t(a), end=_t(b)) for d in days for a, b in ranges]


_PROFILES: dict[str, dict[str, Any]] = {
    "sakura": {
        "profile": {
            "prefecture": "20",
            "municipality": "松本市",
            "skills": ["データ入力", "ライティング", "Excel"],
            "bio": "元事務職です。子育て中のため、お昼寝の時間と夜に作業しています。途中で中断できるお仕事だと助かります。",
            "portfolio_links": [],
            "qualifications": [],
        },
        "conditions": {"max_hours_per_week": 15, "min_block_minutes": 30, "no_meetings": True},
        "windows": _week([0, 1, 2, 3, 4], ("13:00", "14:30"), ("21:00", "22:30")),
        "quiet": ("22:30", "07:00"),
        "reasons": [SensitiveCategory.CHILDCARE],
        "note": "子どもが2人(3歳と0歳)います。",
    },
    "kenichi": {
        "profile": {
            "prefecture": "39",
            "municipality": "四万十市",
            "skills": ["経理", "請求書作成", "給与計算チェック"],
            "bio": "元経理担当です。母の介護をしながら、デイサービスの時間に作業しています。",
            "portfolio_links": [],
            "qualifications": ["日商簿記2級"],
        },
        "conditions": {"max_hours_per_week": 15, "min_block_minutes": 60, "accepts_voice": True},
        "windows": _week([0, 2, 4], ("10:00", "15:00")),
        "quiet": None,
        "reasons": [SensitiveCategory.CAREGIVING],
        "note": "母の介護のため、急に作業を中断することがあります。",
    },
    "misaki": {
        "profile": {
            "prefecture": "27",
            "municipality": "堺市",
            "skills": ["翻訳", "校正"],
            "bio": "英日翻訳と校正をしています。画面読み上げソフト(NVDA・VoiceOver)を使っています。連絡は文字でお願いします。",
            "portfolio_links": ["https://example.com/misaki-translation"],
            "qualifications": [],
        },
        "conditions": {
            "max_hours_per_week": 30,
            "min_block_minutes": 60,
            "accessibility_needs": [AccessibilityNeed.SCREEN_READER, AccessibilityNeed.KEYBOARD_ONLY],
            "show_accessibility_publicly": True,
            # She ticked the special-care consent box beside her accessibility needs.
            "consent_given": True,
        },
        "windows": _week([0, 1, 2, 3, 4], ("09:30", "12:00"), ("13:00", "17:00")),
        "quiet": None,
        "reasons": [SensitiveCategory.DISABILITY],
        "note": "",
    },
    "shota": {
        "profile": {
            "prefecture": "45",
            "municipality": "日南市",
            "skills": ["データ入力"],
            "bio": "日南市のクラウドワーカー育成講座で勉強中の初心者です。",
            "portfolio_links": [],
            "qualifications": [],
        },
        "conditions": {"max_hours_per_week": 20, "min_block_minutes": 60, "accepts_voice": True},
        "windows": _week([0, 1, 2, 3, 4], ("19:00", "22:00")),
        "quiet": None,
        "reasons": [],
        "note": "",
    },
}


# A client account that exists only so that 佐藤 美咲 has hidden someone (issue 10 item 7): she stopped
# its jobs and messages after it kept pressing her to talk off the platform. It never logs in.
PUSHY_CLIENT_EMAIL = "pushy-client@demo.hataraku.jp"


def _hidden_client(people: dict[str, Any]) -> None:
    misaki = people.get("misaki")
    if misaki is None:
        return
    User = get_user_model()
    pushy = User.objects.filter(email=PUSHY_CLIENT_EMAIL).first()
    if pushy is None:
        pushy = User.objects.create_user(
            PUSHY_CLIENT_EMAIL, None, display_name="スピード在宅ワーク事務局", is_client=True
        )
    for kind in ClientBlockKind.values:
        services.client_block_set(worker=misaki, client_id=pushy.pk, kind=kind)


def load(people: dict[str, Any]) -> None:
    _hidden_client(people)
    for key, spec in _PROFILES.items():
        user = people.get(key)
        if user is None:
            continue
        if not WorkerProfile.objects.filter(user=user).exists():
            services.profile_update(
                user=user, display_name=user.display_name, invoice_number="", **spec["profile"]
            )
        if not WorkConditions.objects.filter(user=user).exists():
            options = {
                "max_hours_per_week": None,
                "min_block_minutes": None,
                "accepts_voice": False,
                "accepts_video": False,
                "no_meetings": False,
                "accessibility_needs": [],
                "show_accessibility_publicly": False,
                **spec["conditions"],
            }
            quiet = spec["quiet"]
            services.conditions_update(
                user=user,
                quiet_start=_t(quiet[0]) if quiet else None,
                quiet_end=_t(quiet[1]) if quiet else None,
                **options,
            )
        if not AvailabilityWindow.objects.filter(user=user).exists():
            services.availability_replace(user=user, windows=spec["windows"])
        if spec["reasons"] and not SensitiveReasons.objects.filter(user=user).exists():
            services.sensitive_reasons_save(
                user=user, categories=spec["reasons"], note=spec["note"], consent_given=True
            )
    kenichi = people.get("kenichi")
    if kenichi is not None and not DateException.objects.filter(user=kenichi).exists():
        # Next week his mother's day-care days change: next Wednesday is a day off.
        today = clock.today()
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        services.date_exception_add(
            user=kenichi,
            date=next_monday + dt.timedelta(days=2),
            kind=ExceptionKind.DAY_OFF,
            note="デイサービスがお休みの日です",
        )

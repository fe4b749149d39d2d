"""Choices and the consent state machine of the profiles app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
MAX_HOURS_PER_WEEK = 168


class Weekday(models.IntegerChoices):
    # Monday = 0, as in `datetime.date.weekday()`, so dates map to windows without translation.
    MON = 0, _("月曜日")
    TUE = 1, _("火曜日")
    WED = 2, _("水曜日")
    THU = 3, _("木曜日")
    FRI = 4, _("金曜日")
    SAT = 5, _("土曜日")
    SUN = 6, _("日曜日")


# One-character names used in the week summary and the grid header.
WEEKDAY_SHORT = (_("月"), _("火"), _("水"), _("木"), _("金"), _("土"), _("日"))


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("お休み(終日働けません)")
    BUSY = "busy", _("予定あり(いつもの時間帯に働けないかもしれません)")


class SensitiveCategory(models.TextChoices):
    CHILDCARE = "childcare", _("育児")
    CAREGIVING = "caregiving", _("介護")
    DISABILITY = "disability", _("障害")
    ILLNESS = "illness", _("病気・通院")


class AccessibilityNeed(models.TextChoices):
    SCREEN_READER = "screen_reader", _("画面読み上げソフトを使っています")
    KEYBOARD_ONLY = "keyboard_only", _("キーボードだけで操作しています")
    LOW_VISION = "low_vision", _("弱視・ロービジョンです(拡大して使っています)")
    DEAF_HOH = "deaf_hoh", _("聞こえない・聞こえにくいです")


# Each accessibility need and the WorkConditions flag that stores it.
ACCESSIBILITY_FIELDS: dict[str, str] = {
    AccessibilityNeed.SCREEN_READER: "uses_screen_reader",
    AccessibilityNeed.KEYBOARD_ONLY: "keyboard_only",
    AccessibilityNeed.LOW_VISION: "low_vision",
    AccessibilityNeed.DEAF_HOH: "deaf_or_hard_of_hearing",
}


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("同意済み")
    WITHDRAWN = "withdrawn", _("撤回済み")


# A consent, once withdrawn, stays withdrawn: giving consent again creates a new row, so the history of
# what the person agreed to, and when, is never rewritten (APPI Art. 20(2) asks us to be able to show it).
CONSENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ConsentStatus.GIVEN: frozenset({ConsentStatus.WITHDRAWN}),
    ConsentStatus.WITHDRAWN: frozenset(),
}


def consent_can_move(current: str, target: str) -> bool:
    return target in CONSENT_TRANSITIONS.get(current, frozenset())

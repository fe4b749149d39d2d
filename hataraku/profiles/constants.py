"""Choices and the consent state machine of the profiles app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import state

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


# What one special-care consent can cover, besides the SensitiveCategory reasons themselves. The consent
# text on the 配慮が必要な理由 page names each of them.
CONSENT_ACCESSIBILITY = "accessibility"  # WorkConditions.accessibility_needs
CONSENT_ACCOMMODATION = "accommodation"  # SensitiveNote: the optional reason of an accommodation request


class CareReason(models.TextChoices):
    """The optional reason category of an accommodation request (contracts.AccommodationReason). Even
    "has a health reason" is special-care information: stored only encrypted, in a SensitiveNote."""

    CHILDCARE = "childcare", _("育児")
    CAREGIVING = "caregiving", _("介護")
    HEALTH = "health", _("体調・通院")
    OTHER = "other", _("その他")


class StaffReadPurpose(models.TextChoices):
    """Why a staff member opens someone's special-care information; stored in the audit row."""

    ACCOMMODATION = "accommodation", _("納期の延長・一時休止のお願いへの対応")
    DISPUTE = "dispute", _("紛争の仲介")
    INQUIRY = "inquiry", _("本人からの問い合わせへの対応")
    DISCLOSURE = "disclosure", _("本人からの開示・削除の請求への対応")


class ConsentStatus(models.TextChoices):
    GIVEN = "given", _("同意済み")
    WITHDRAWN = "withdrawn", _("撤回済み")


# A consent, once withdrawn, stays withdrawn: giving consent again creates a new row, so the history of
# what the person agreed to, and when, is never rewritten (APPI Art. 20(2) asks us to be able to show it).
CONSENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ConsentStatus.GIVEN: frozenset({ConsentStatus.WITHDRAWN}),
    ConsentStatus.WITHDRAWN: frozenset(),
}


CONSENT_MACHINE = state.StateMachine(
    model="profiles.sensitiveconsent",
    choices=ConsentStatus,
    table=CONSENT_TRANSITIONS,
    initial=ConsentStatus.GIVEN,
)


class ClientBlockKind(models.TextChoices):
    """What a worker stopped from one client (issue 10 item 7: she stays in control). Either also stops
    the client's invitations (スカウト) to her."""

    JOBS = "jobs", _("仕事を表示しない")
    MESSAGES = "messages", _("メッセージを止める")

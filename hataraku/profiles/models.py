"""Worker profile, work conditions and the 要配慮個人情報 (special-care personal information) models."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core.fields import EncryptedJSONField, EncryptedTextField
from hataraku.core.models import TimeStampedModel
from hataraku.core.prefectures import CHOICES as PREFECTURE_CHOICES

from .constants import ClientBlockKind, ConsentStatus, ExceptionKind, Weekday


class WorkerProfile(TimeStampedModel):
    """What a worker tells clients about themselves. The display name lives on accounts.User."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="worker_profile"
    )
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=PREFECTURE_CHOICES, blank=True)
    municipality = models.CharField(_("市区町村"), max_length=80, blank=True)
    skills = models.JSONField(_("スキル"), default=list, blank=True)
    bio = models.TextField(_("自己紹介"), max_length=2000, blank=True)
    portfolio_links = models.JSONField(_("ポートフォリオ"), default=list, blank=True)
    qualifications = models.JSONField(_("資格・検定"), default=list, blank=True)
    invoice_number = models.CharField(_("適格請求書発行事業者の登録番号"), max_length=14, blank=True)
    # Shown to clients on proposals (hours per week and 朝/昼/夕方/夜) unless she hides it.
    availability_hidden = models.BooleanField(_("働ける時間の目安を見せない"), default=False)
    # Left the worker directory clients invite from: she then never appears in it.
    directory_hidden = models.BooleanField(_("ワーカーの一覧に載せない"), default=False)

    class Meta:
        verbose_name = _("ワーカープロフィール")
        verbose_name_plural = _("ワーカープロフィール")

    def __str__(self) -> str:
        return f"{self.user}"

    @property
    def invoice_registered(self) -> bool:
        return bool(self.invoice_number)


class WorkConditions(TimeStampedModel):
    """How, and how much, a person can work. Every field is optional: an empty value means "no limit"
    or "not said", never "zero"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_conditions"
    )
    max_hours_per_week = models.PositiveSmallIntegerField(_("1週間に働ける時間の上限"), null=True, blank=True)
    min_block_minutes = models.PositiveSmallIntegerField(
        _("続けて作業できる最短の時間(分)"), null=True, blank=True
    )
    # Text is always possible on Hataraku; these say which other modes the person accepts.
    accepts_voice = models.BooleanField(_("音声通話"), default=False)
    accepts_video = models.BooleanField(_("ビデオ通話"), default=False)
    no_meetings = models.BooleanField(_("打ち合わせ(会議)なし"), default=False)
    quiet_start = models.TimeField(_("通知を控える時間(開始)"), null=True, blank=True)
    quiet_end = models.TimeField(_("通知を控える時間(終了)"), null=True, blank=True)
    # Accessibility needs (AccessibilityNeed values) can reveal a disability, which is special-care
    # information: stored encrypted, only with the person's special-care consent, and decrypted only for
    # her own pages, her own job ranking and — if she herself chose it — her public profile.
    accessibility_needs: Any = EncryptedJSONField(_("アクセシビリティ"), default=list, blank=True)
    show_accessibility_publicly = models.BooleanField(
        _("アクセシビリティの情報を公開プロフィールに表示する"), default=False
    )

    class Meta:
        verbose_name = _("働ける条件")
        verbose_name_plural = _("働ける条件")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_hours_per_week__isnull=True) | models.Q(max_hours_per_week__lte=168),
                name="profiles_max_hours_within_week",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}"

    @property
    def text_only(self) -> bool:
        return not (self.accepts_voice or self.accepts_video)

    def has_need(self, need: str) -> bool:
        return need in (self.accessibility_needs or [])


class AvailabilityWindow(models.Model):
    """One weekly window in Asia/Tokyo time. `end < start` means the window ends on the next day, and is
    only allowed with `crosses_midnight` (see availability.window_errors)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_windows"
    )
    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=Weekday.choices)
    start = models.TimeField(_("開始"))
    end = models.TimeField(_("終了"))
    crosses_midnight = models.BooleanField(_("日付をまたぐ"), default=False)

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("働ける時間帯")
        verbose_name_plural = _("働ける時間帯")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(start=models.F("end")), name="profiles_window_not_empty"
            ),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="profiles_window_weekday"),
        ]

    def __str__(self) -> str:
        from .availability import describe_window

        return describe_window(self)


class DateException(models.Model):
    """A date that differs from the usual week: a day off, or a day with other plans."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="date_exceptions"
    )
    date = models.DateField(_("日付"))
    kind = models.CharField(_("種類"), max_length=20, choices=ExceptionKind.choices)
    # A note such as 「デイサービスがお休みの日」 tells about family or health: encrypted, read only by her.
    note = EncryptedTextField(_("メモ"), blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日付ごとの予定")
        verbose_name_plural = _("日付ごとの予定")
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="profiles_one_exception_per_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class SensitiveConsent(models.Model):
    """The person's explicit prior consent (APPI Art. 20(2)) to our storing their 要配慮個人情報.

    One row per consent given; withdrawing marks the row and never deletes it, so we can show what was
    agreed and when. Even the categories are encrypted: "this person consented to storing a disability"
    is itself special-care information.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensitive_consents"
    )
    categories: Any = EncryptedJSONField(_("同意した項目"))
    given_at = models.DateTimeField(_("同意日時"))
    policy_version = models.CharField(_("同意した説明の版"), max_length=20)
    status = models.CharField(
        _("状態"), max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.GIVEN
    )
    withdrawn_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("要配慮個人情報の同意")
        verbose_name_plural = _("要配慮個人情報の同意")

    def __str__(self) -> str:
        return f"{self.user} {self.given_at:%Y-%m-%d} {self.get_status_display()}"


class SensitiveReasons(TimeStampedModel):
    """Why the person's time is limited (childcare, caregiving, disability, illness). Encrypted at rest
    under HATARAKU_FIELD_KEY; only the person, and staff through one audited view, can read it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sensitive_reasons"
    )
    consent = models.ForeignKey(SensitiveConsent, on_delete=models.PROTECT, related_name="+")
    categories: Any = EncryptedJSONField(_("理由"))
    note = EncryptedTextField(_("補足"), blank=True)

    class Meta:
        verbose_name = _("配慮が必要な理由")
        verbose_name_plural = _("配慮が必要な理由")

    def __str__(self) -> str:
        return f"{self.user}"


class SensitiveNote(TimeStampedModel):
    """A special-care reason the person attached to something in another app — today the optional reason
    of an accommodation request (contracts.AccommodationRequest.sensitive_reason). It lives here, beside
    the other special-care data, so that one consent covers it, one withdrawal erases it, and staff read it
    only through the audited view. `subject` names what it belongs to (e.g. "accommodation:12") and is
    not sensitive; `category` and `note` are encrypted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Null only for reasons written before consent was asked (migrated from plain text, issue 7).
    consent = models.ForeignKey(
        SensitiveConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("対象"), max_length=60)
    category = EncryptedTextField(_("理由の区分"), blank=True)
    note = EncryptedTextField(_("補足"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("配慮のお願いの理由")
        verbose_name_plural = _("配慮のお願いの理由")

    def __str__(self) -> str:
        return f"{self.user} {self.subject}"


class OnboardingChoice(models.Model):
    """A new worker's answer to the first-steps guide on the dashboard: only that she chose to hide it.
    Whether each step is done is read from the real data (availability saved, profile filled, identity
    check sent, a first proposal), never ticked here, so the guide resumes where she is."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    skipped_at = models.DateTimeField(_("はじめの手順を閉じた日時"))

    class Meta:
        verbose_name = _("はじめの手順")
        verbose_name_plural = _("はじめの手順")

    def __str__(self) -> str:
        return f"{self.user}"


class ClientBlock(models.Model):
    """A client whose jobs the worker hid, or whose messages she stopped (one row per kind). Here, low in
    the layers, so the job list excludes hidden clients in its own SQL and messaging and matching can ask
    too. The client is never told; he only sees that he cannot write or invite. Contract notices the
    Freelance Act requires (terms, delivery, payment) and a live contract's thread are never stopped
    (messaging.selectors.sending_blocked)."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("種類"), max_length=20, choices=ClientBlockKind.choices)
    created_at = models.DateTimeField(_("設定した日時"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("表示しないクライアント")
        verbose_name_plural = _("表示しないクライアント")
        constraints = [
            # Also the index the job list's "not hidden" subquery reads (worker, kind → client ids).
            models.UniqueConstraint(fields=["worker", "kind", "client"], name="profiles_one_block_per_kind"),
            models.CheckConstraint(
                condition=~models.Q(worker=models.F("client")), name="profiles_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} / {self.client} {self.kind}"

"""Contracts between a client and a worker: the Freelance Act written terms, milestones funded through
escrow, deliveries, hourly weeks, accommodation requests and disputes. Workflows live in services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core.clock import TOKYO
from hataraku.core.models import TimeStampedModel

from .constants import (
    ACCEPTANCE_DAYS,
    ACCOMMODATION_CLIENT_LABELS,
    PAYMENT_LIMIT_DAYS,
    AccommodationKind,
    AccommodationStatus,
    BonusStatus,
    CancellationStatus,
    ChangeRequestStatus,
    ContractKind,
    ContractStatus,
    DisputeStatus,
    MilestoneStatus,
    TimeCorrectionStatus,
    WeekStatus,
)

User = settings.AUTH_USER_MODEL


class Contract(TimeStampedModel):
    job = models.ForeignKey(
        "jobs.Job", verbose_name=_("仕事"), on_delete=models.PROTECT, related_name="contracts"
    )
    proposal = models.OneToOneField(
        "jobs.Proposal",
        verbose_name=_("応募"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contract",
    )
    client = models.ForeignKey(
        User, verbose_name=_("クライアント"), on_delete=models.PROTECT, related_name="client_contracts"
    )
    worker = models.ForeignKey(
        User, verbose_name=_("ワーカー"), on_delete=models.PROTECT, related_name="worker_contracts"
    )
    kind = models.CharField(_("報酬の形式"), max_length=10, choices=ContractKind.choices)
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=ContractStatus.choices,
        default=ContractStatus.OFFERED,
        db_index=True,
    )
    title = models.CharField(_("業務の名前"), max_length=200)
    description = models.TextField(_("業務の内容"), blank=True)
    total_amount = models.PositiveBigIntegerField(_("報酬の額(税込)"), default=0)
    hourly_rate = models.PositiveIntegerField(_("時間単価(税込)"), null=True, blank=True)
    weekly_hour_cap = models.PositiveSmallIntegerField(_("週の上限時間"), null=True, blank=True)
    acceptance_days = models.PositiveSmallIntegerField(_("検収期間(日)"), default=ACCEPTANCE_DAYS)
    # 源泉徴収: decided once at offer time from the client, the worker and the category, and shown in terms.
    withholding = models.BooleanField(_("源泉徴収の対象"), default=False)
    commissioned_on = models.DateField(_("委託をした日"), null=True, blank=True)
    agreed_by_client_at = models.DateTimeField(_("クライアントの合意日時"), null=True, blank=True)
    agreed_by_worker_at = models.DateTimeField(_("ワーカーの合意日時"), null=True, blank=True)
    # Set by the transition to active: the first day hourly time may be logged for.
    activated_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完了日時"), null=True, blank=True)
    offer_key = models.CharField(_("申し込みの重複防止キー"), max_length=100, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("契約")
        verbose_name_plural = _("契約")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(client=models.F("worker")), name="contract_client_is_not_worker"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("contracts:detail", args=[self.pk])

    @property
    def is_hourly(self) -> bool:
        return self.kind == ContractKind.HOURLY

    def current_terms(self) -> ContractTerms | None:
        return self.terms.order_by("-version").first()


class ContractTerms(models.Model):
    """One version of the written terms (フリーランス法 第3条の明示事項). Append-only: a change makes a new
    version, so each party's copy of what they agreed to stays readable."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="terms")
    version = models.PositiveSmallIntegerField(_("版"))
    data = models.JSONField(_("明示事項"))
    text = models.TextField(_("本文"))
    text_hash = models.CharField(_("本文のSHA-256"), max_length=64)
    created_at = models.DateTimeField(_("作成日時"))
    change_request = models.ForeignKey(
        "ChangeRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contract", "-version"]
        verbose_name = _("取引条件")
        verbose_name_plural = _("取引条件")
        constraints = [models.UniqueConstraint(fields=["contract", "version"], name="terms_version_unique")]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.version}"


class ChangeRequest(TimeStampedModel):
    """A proposal to change agreed terms. The proposer consents by proposing; the other party accepts or
    rejects. Only an accepted request produces a new terms version."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="change_requests")
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状態"), max_length=10, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    # {"milestones": {"<id>": {"due_date": "YYYY-MM-DD", "amount": int, "title": str}},
    #  "add": [{"title": str, "amount": int, "due_date": "YYYY-MM-DD"}]}  (milestones added to the contract)
    changes = models.JSONField(_("変更内容"))
    reason = models.TextField(_("理由"), blank=True)
    base_version = models.PositiveSmallIntegerField(_("元の版"))
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("条件変更の申し出")
        verbose_name_plural = _("条件変更の申し出")


class Milestone(TimeStampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("順番"))
    title = models.CharField(_("マイルストーン名"), max_length=200)
    amount = models.PositiveBigIntegerField(_("金額(税込)"))
    due_date = models.DateField(_("納期"))
    status = models.CharField(
        _("状態"),
        max_length=20,
        choices=MilestoneStatus.choices,
        default=MilestoneStatus.PENDING,
        db_index=True,
    )
    escrow = models.ForeignKey(
        "ledger.Escrow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_count = models.PositiveSmallIntegerField(_("差し戻し回数"), default=0)
    delivered_at = models.DateTimeField(_("納品日時"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("検収日時"), null=True, blank=True)
    auto_accepted = models.BooleanField(_("自動検収"), default=False)
    released_at = models.DateTimeField(_("支払日時"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "order"]
        verbose_name = _("マイルストーン")
        verbose_name_plural = _("マイルストーン")
        constraints = [models.UniqueConstraint(fields=["contract", "order"], name="milestone_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


def delivery_upload_to(instance: Any, filename: str) -> str:
    # Files live under MEDIA_ROOT, which is never served by URL; views stream them after access checks.
    return f"contracts/deliveries/{instance.delivery.milestone.contract_id}/{filename}"


class Delivery(TimeStampedModel):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="deliveries")
    delivered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(_("メッセージ"))
    return_reason = models.TextField(_("差し戻しの理由"), blank=True)
    returned_at = models.DateTimeField(_("差し戻し日時"), null=True, blank=True)

    class Meta:
        ordering = ["milestone", "created_at", "id"]
        verbose_name = _("納品")
        verbose_name_plural = _("納品")


class DeliveryFile(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("ファイル"), upload_to=delivery_upload_to, max_length=300)
    original_name = models.CharField(_("ファイル名"), max_length=200)
    size = models.PositiveBigIntegerField(_("サイズ"))

    class Meta:
        verbose_name = _("納品ファイル")
        verbose_name_plural = _("納品ファイル")

    def __str__(self) -> str:
        return self.original_name


class HourlyWeek(TimeStampedModel):
    """One Monday-based week (Asia/Tokyo) of an hourly contract, reviewed and billed as a unit."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="weeks")
    week_start = models.DateField(_("週の初日(月曜)"))
    status = models.CharField(_("状態"), max_length=10, choices=WeekStatus.choices, default=WeekStatus.OPEN)
    escrow = models.ForeignKey(
        "ledger.Escrow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the week was handed to the client (by the worker, or by the tick once logging closed): the
    # day of receipt (Freelance Act art. 4) and the start of the acceptance period.
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True, db_index=True)
    correction_count = models.PositiveSmallIntegerField(_("修正の依頼回数"), default=0)
    correction_note = models.TextField(_("修正の依頼の内容"), blank=True)
    billed_minutes = models.PositiveIntegerField(_("請求した分数"), default=0)
    billed_amount = models.PositiveBigIntegerField(_("請求額"), default=0)
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    # Set with the move to paid: billed is not yet paid while the client's money is still on its way.
    released_at = models.DateTimeField(_("支払日時"), null=True, blank=True)
    payment_reminded_at = models.DateTimeField(_("支払いの催促を送った日時"), null=True, blank=True)

    class Meta:
        ordering = ["contract", "-week_start"]
        verbose_name = _("週の稼働")
        verbose_name_plural = _("週の稼働")
        constraints = [models.UniqueConstraint(fields=["contract", "week_start"], name="week_unique")]

    @property
    def received_on(self) -> dt.date:
        """The day the week's work counts as received: the day it was submitted (Tokyo date). A week
        closed without a submission (an empty week when the contract ended, or one billed before weeks
        were submitted) counts from its Sunday, as the terms of that time said."""
        if self.submitted_at is not None:
            return self.submitted_at.astimezone(TOKYO).date()
        return self.week_start + dt.timedelta(days=6)

    @property
    def payment_limit(self) -> dt.date:
        """The last day the Freelance Act allows for paying this week (60 days, the receipt day is day 1)."""
        return self.received_on + dt.timedelta(days=PAYMENT_LIMIT_DAYS - 1)


class TimeEntry(TimeStampedModel):
    """Time the worker reports, with a memo. Deliberately nothing else: no screenshots, no activity
    tracking — the worker's own record is the record."""

    week = models.ForeignKey(HourlyWeek, on_delete=models.CASCADE, related_name="entries")
    work_date = models.DateField(_("作業日"))
    minutes = models.PositiveIntegerField(_("作業時間(分)"))
    memo = models.CharField(_("作業メモ"), max_length=500)

    class Meta:
        ordering = ["week", "work_date", "id"]
        verbose_name = _("作業時間の記録")
        verbose_name_plural = _("作業時間の記録")


class TimeCorrection(TimeStampedModel):
    """The worker asks to change the minutes of a week already submitted (a forgotten hour, a typo, or
    the answer to the client's request for a correction). Nothing changes until the client accepts: once a
    week is submitted, its minutes are the client's to agree to. Small on purpose rather than a terms
    ChangeRequest: the terms do not change, and one pending correction must not block a change of terms.

    `changes`: {"entries": {"<entry id>": {"from": int, "to": int, "work_date": str, "memo": str}},
    "add": [{"work_date": "YYYY-MM-DD", "minutes": int, "memo": str}]}; "to": 0 removes the entry. Kept
    after it is applied, so what was changed stays readable."""

    week = models.ForeignKey(HourlyWeek, on_delete=models.CASCADE, related_name="corrections")
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状態"), max_length=10, choices=TimeCorrectionStatus.choices, default=TimeCorrectionStatus.PENDING
    )
    changes = models.JSONField(_("修正の内容"))
    reason = models.TextField(_("理由"))
    minutes_before = models.PositiveIntegerField(_("修正前の分数"))
    minutes_after = models.PositiveIntegerField(_("修正後の分数"))
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("作業時間の修正の申し出")
        verbose_name_plural = _("作業時間の修正の申し出")
        constraints = [
            models.UniqueConstraint(
                fields=["week"],
                condition=models.Q(status="pending"),
                name="time_correction_one_pending_per_week",
            )
        ]


class AccommodationRequest(TimeStampedModel):
    """Freelance Act art. 13 (育児介護等と業務の両立への配慮): the worker asks for more time or a pause; no
    reason is required, and the client must answer within ACCOMMODATION_ANSWER_DAYS. The client sees only
    the kind and the dates (`client_summary`). A reason, if the worker gives one, is special-care
    information: it lives encrypted in profiles.SensitiveNote under her consent, and withdrawing the
    consent deletes it (this link becomes empty; the request stays)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="accommodations")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="accommodations"
    )
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("お願いの種類"), max_length=10, choices=AccommodationKind.choices)
    sensitive_reason = models.ForeignKey(
        "profiles.SensitiveNote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_due_date = models.DateField(_("希望する納期"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=AccommodationStatus.choices, default=AccommodationStatus.PENDING
    )
    answer_due_at = models.DateTimeField(_("回答期限"), db_index=True)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    answer_message = models.TextField(_("回答"), blank=True)
    previous_due_date = models.DateField(_("元の納期"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("配慮の申し出")
        verbose_name_plural = _("配慮の申し出")

    @property
    def client_summary(self) -> str:
        """All the client learns about the request besides its dates: that she asks for time or a pause."""
        return str(ACCOMMODATION_CLIENT_LABELS[self.kind])


class Dispute(TimeStampedModel):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="disputes")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    week = models.ForeignKey(HourlyWeek, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("申し立ての内容"))
    previous_status = models.CharField(max_length=12, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("決定日時"), null=True, blank=True)
    worker_amount = models.PositiveBigIntegerField(_("ワーカーへの支払額"), null=True, blank=True)
    client_amount = models.PositiveBigIntegerField(_("クライアントへの返金額"), null=True, blank=True)
    decision_note = models.TextField(_("決定の理由"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("紛争")
        verbose_name_plural = _("紛争")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(milestone__isnull=False, week__isnull=True)
                    | models.Q(milestone__isnull=True, week__isnull=False)
                ),
                name="dispute_has_one_subject",
            ),
        ]


class MilestoneCancellation(TimeStampedModel):
    """One party proposes to end a funded milestone early: `worker_amount` of its escrow to the worker (fee,
    tax and withholding taken from it as on any release), `client_amount` back to the client; the two add
    up to the milestone's amount. Nothing moves until the other party accepts (Freelance Act art. 5: the
    client may not cut an agreed fee on her own). At most one is pending per milestone."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="cancellations")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="cancellations")
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    worker_amount = models.PositiveBigIntegerField(_("ワーカーへの支払額"))
    client_amount = models.PositiveBigIntegerField(_("クライアントへの返金額"))
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状態"), max_length=10, choices=CancellationStatus.choices, default=CancellationStatus.PENDING
    )
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)
    settlement = models.ForeignKey(
        "ledger.Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("マイルストーンの取りやめの申し出")
        verbose_name_plural = _("マイルストーンの取りやめの申し出")
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=models.Q(status="pending"),
                name="cancellation_one_pending_per_milestone",
            )
        ]


class Bonus(TimeStampedModel):
    """A bonus the client adds to an active contract: paid into its own escrow (`bonus:<id>`) and released
    to the worker like any payment, with the platform fee, its consumption tax and withholding."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="bonuses")
    given_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("金額(税込)"))
    message = models.TextField(_("メッセージ"), blank=True)
    status = models.CharField(
        _("状態"), max_length=20, choices=BonusStatus.choices, default=BonusStatus.AWAITING_PAYMENT
    )
    escrow = models.ForeignKey(
        "ledger.Escrow", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("支払日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ボーナス")
        verbose_name_plural = _("ボーナス")

"""Double-entry ledger. Journal entries and their postings are append-only: a mistake is corrected by a
reversing entry (`services.entry_reverse`), never by editing a row. Balances are derived by SUM over
postings. Sign convention: a debit is positive and a credit negative (the same as Beancount), so every
entry's postings sum to zero and a liability we owe has a negative raw balance.

Guards against changing history: `save()`/`delete()` refuse existing rows and the queryset refuses
`update()`/`delete()`. On PostgreSQL, migration 0002 also adds triggers that forbid UPDATE/DELETE on
entries and postings and a deferred constraint trigger that checks, at commit, that each entry sums to
zero. On SQLite there are no such triggers: the service layer (`services._journal._post_entry`) is the guard.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import (
    AccountKind,
    AccountType,
    EntryKind,
    FeePlan,
    FundingSource,
    FundingStatus,
    HoldOutcome,
    SettlementKind,
)


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete a ledger row. This is a programming error, not a user error."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only; reverse instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only; reverse instead")


class Account(models.Model):
    code = models.CharField(_("勘定コード"), max_length=120, unique=True)
    name = models.CharField(_("名前"), max_length=200)
    type = models.CharField(_("種類"), max_length=20, choices=AccountType.choices)
    kind = models.CharField(_("用途"), max_length=40, choices=AccountKind.choices, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("持ち主"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    escrow = models.OneToOneField(
        "ledger.Escrow",
        verbose_name=_("仮払い"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_account",
    )
    provider = models.CharField(_("決済代行"), max_length=40, blank=True)
    opened_at = models.DateTimeField(_("開設日時"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("勘定")
        verbose_name_plural = _("勘定")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "owner"],
                condition=models.Q(owner__isnull=False),
                name="ledger_account_one_per_owner_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class IdempotencyKey(models.Model):
    """One row per money-moving request, written in the same transaction as its postings. A retry with the
    same key and the same parameters gets the first result back; different parameters are refused."""

    key = models.CharField(_("キー"), max_length=200)
    scope = models.CharField(_("処理"), max_length=60)
    fingerprint = models.CharField(_("内容のハッシュ"), max_length=64)
    result = models.JSONField(_("結果"), default=dict, blank=True)
    created_at = models.DateTimeField(_("作成日時"))

    class Meta:
        verbose_name = _("冪等キー")
        verbose_name_plural = _("冪等キー")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="ledger_idempotency_scope_key"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class JournalEntry(AppendOnlyModel):
    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    kind = models.CharField(_("種類"), max_length=30, choices=EntryKind.choices)
    memo = models.CharField(_("摘要"), max_length=300, blank=True)
    idempotency_key = models.ForeignKey(
        IdempotencyKey,
        verbose_name=_("冪等キー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("取り消す仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    escrow = models.ForeignKey(
        "ledger.Escrow",
        verbose_name=_("仮払い"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("仕訳")
        verbose_name_plural = _("仕訳")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.memo}"


class Posting(AppendOnlyModel):
    entry = models.ForeignKey(
        JournalEntry, verbose_name=_("仕訳"), on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("勘定"), on_delete=models.PROTECT, related_name="postings"
    )
    # Integer yen, debit positive / credit negative.
    amount = models.BigIntegerField(_("金額(円)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("明細")
        verbose_name_plural = _("明細")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.amount:+d}"


class FeeGroup(models.Model):
    """The unit fees are tiered on (a contract, "contract:7"). Its row is locked while a release computes
    its marginal fee, so two releases of one contract cannot both see the same cumulative amount."""

    key = models.CharField(_("キー"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("手数料の集計単位")
        verbose_name_plural = _("手数料の集計単位")

    def __str__(self) -> str:
        return self.key


class Escrow(models.Model):
    """Money a client has set aside for one milestone, hourly week, task batch or prize. What it holds is
    the balance of its own liability account (`held_account`)."""

    reference = models.CharField(_("対象"), max_length=120, unique=True)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("クライアント"),
        on_delete=models.PROTECT,
        related_name="escrows_as_client",
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escrows_as_worker",
    )
    fee_group = models.ForeignKey(
        FeeGroup, verbose_name=_("手数料の集計単位"), on_delete=models.PROTECT, related_name="escrows"
    )
    fee_plan = models.CharField(_("手数料の種類"), max_length=20, choices=FeePlan.choices)
    withholding = models.BooleanField(_("源泉徴収あり"), default=False)
    created_at = models.DateTimeField(_("作成日時"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("仮払い")
        verbose_name_plural = _("仮払い")

    def __str__(self) -> str:
        return f"E{self.pk} {self.reference}"

    @property
    def code(self) -> str:
        return f"E{self.pk}"


class Funding(models.Model):
    """A client's payment into an escrow. Pending until the bank transfer or the provider confirms it;
    only a posted funding has postings."""

    escrow = models.ForeignKey(
        Escrow, verbose_name=_("仮払い"), on_delete=models.PROTECT, related_name="fundings"
    )
    amount = models.BigIntegerField(_("金額(円)"))
    source = models.CharField(_("入金方法"), max_length=20, choices=FundingSource.choices)
    provider = models.CharField(_("決済代行"), max_length=40, blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=FundingStatus.choices, default=FundingStatus.PENDING
    )
    created_at = models.DateTimeField(_("作成日時"))
    decided_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    entry = models.OneToOneField(
        JournalEntry,
        verbose_name=_("仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding",
    )
    # A funding paid from the client's refundable balance sets that money aside when it is created
    # (refundable → reserved), so posting it later cannot fail for a balance spent in the meantime.
    reserve_entry = models.OneToOneField(
        JournalEntry,
        verbose_name=_("残高を取り置いた仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_reserved",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("入金")
        verbose_name_plural = _("入金")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="ledger_funding_positive"),
        ]

    def __str__(self) -> str:
        return f"F{self.pk} {self.amount}"


class Settlement(models.Model):
    """The breakdown of one release, refund or split. `entry` holds the postings; these columns are the
    same numbers kept for pages and the yearly payment record (支払調書)."""

    escrow = models.ForeignKey(
        Escrow, verbose_name=_("仮払い"), on_delete=models.PROTECT, related_name="settlements"
    )
    kind = models.CharField(_("種類"), max_length=10, choices=SettlementKind.choices)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_settlements",
    )
    worker_gross = models.BigIntegerField(_("ワーカーへの支払額"), default=0)
    fee = models.BigIntegerField(_("システム利用料"), default=0)
    fee_tax = models.BigIntegerField(_("利用料の消費税"), default=0)
    withholding = models.BigIntegerField(_("源泉徴収税額"), default=0)
    worker_net = models.BigIntegerField(_("ワーカーの受取額"), default=0)
    client_amount = models.BigIntegerField(_("クライアントへの返金額"), default=0)
    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    entry = models.OneToOneField(
        JournalEntry, verbose_name=_("仕訳"), on_delete=models.PROTECT, related_name="settlement"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("精算")
        verbose_name_plural = _("精算")

    def __str__(self) -> str:
        return f"S{self.pk} {self.kind}"


class PayoutHold(models.Model):
    """The ledger side of a worker's payout. `amount` leaves their available balance (the transfer fee
    included); the bank receives `amount - transfer_fee`. It has no status of its own: the payout's life is
    `payments.Payout.status`, and whether the hold is settled or failed is the kind of its `final_entry`
    (none yet: still reserved)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        on_delete=models.PROTECT,
        related_name="payout_holds",
    )
    amount = models.BigIntegerField(_("出金額(手数料込み)"))
    transfer_fee = models.BigIntegerField(_("振込手数料"))
    created_at = models.DateTimeField(_("申請日時"))
    decided_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    reserve_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="payout_reserved", verbose_name=_("申請の仕訳")
    )
    final_entry = models.OneToOneField(
        JournalEntry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_finished",
        verbose_name=_("確定の仕訳"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("出金")
        verbose_name_plural = _("出金")

    def __str__(self) -> str:
        return f"P{self.pk} {self.amount}"

    @property
    def net_amount(self) -> int:
        return self.amount - self.transfer_fee

    @property
    def outcome(self) -> HoldOutcome:
        """Reserved until a final entry is booked; then settled or failed by that entry's kind."""
        final = self.final_entry
        if final is None:
            return HoldOutcome.RESERVED
        return HoldOutcome.SETTLED if final.kind == EntryKind.PAYOUT_SETTLE else HoldOutcome.FAILED

    @property
    def is_open(self) -> bool:
        return self.final_entry_id is None

    @property
    def is_settled(self) -> bool:
        return self.outcome == HoldOutcome.SETTLED

    @property
    def is_failed(self) -> bool:
        return self.outcome == HoldOutcome.FAILED

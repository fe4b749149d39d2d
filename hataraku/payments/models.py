"""Bank accounts, payouts and their batches, provider fundings, processed webhook events and the
invoices/receipts we issue. Money itself lives in the ledger; these rows describe and link to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core.models import TimeStampedModel

from .constants import (
    AccountType,
    ClientWithdrawalStatus,
    DocumentKind,
    PayoutStatus,
    Provider,
    WithdrawalDestination,
)


class BankAccount(TimeStampedModel):
    """Where a worker's payouts go. One active row per worker; a change makes a new row so that the
    history of where money went stays readable (payouts also keep their own copy)."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        on_delete=models.CASCADE,
        related_name="bank_accounts",
    )
    bank_code = models.CharField(_("銀行コード"), max_length=4)
    bank_name = models.CharField(_("銀行名"), max_length=60)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    branch_name = models.CharField(_("支店名"), max_length=60)
    account_type = models.CharField(_("預金種目"), max_length=1, choices=AccountType.choices)
    account_number = models.CharField(_("口座番号"), max_length=7)
    holder_name = models.CharField(_("口座名義(カナ)"), max_length=60)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("振込先口座")
        verbose_name_plural = _("振込先口座")
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(is_active=True),
                name="payments_one_active_bank_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.branch_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return "***" + self.account_number[-4:]


class PayoutBatch(TimeStampedModel):
    """Payouts that go to the bank together in one Zengin file."""

    transfer_date = models.DateField(_("振込日"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作成者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    idempotency_key = models.CharField(_("冪等キー"), max_length=100, unique=True)
    downloaded_at = models.DateTimeField(_("ファイル取得日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("出金バッチ")
        verbose_name_plural = _("出金バッチ")

    def __str__(self) -> str:
        return f"B{self.pk} {self.transfer_date:%Y-%m-%d}"


class Payout(TimeStampedModel):
    """A worker's withdrawal. The amount was reserved in the ledger (`hold`) when it was asked for; the
    bank details are copied here because the worker may change their account before the transfer."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ワーカー"),
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    hold = models.OneToOneField(
        "ledger.PayoutHold", verbose_name=_("出金の引当"), on_delete=models.PROTECT, related_name="payout"
    )
    batch = models.ForeignKey(
        PayoutBatch,
        verbose_name=_("出金バッチ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    amount = models.BigIntegerField(_("出金額(手数料込み)"))
    transfer_fee = models.BigIntegerField(_("振込手数料"))
    status = models.CharField(
        _("状態"), max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    idempotency_key = models.CharField(_("冪等キー"), max_length=100, unique=True)
    bank_code = models.CharField(_("銀行コード"), max_length=4)
    bank_name = models.CharField(_("銀行名"), max_length=60)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    branch_name = models.CharField(_("支店名"), max_length=60)
    account_type = models.CharField(_("預金種目"), max_length=1, choices=AccountType.choices)
    account_number = models.CharField(_("口座番号"), max_length=7)
    holder_name = models.CharField(_("口座名義(カナ)"), max_length=60)
    decided_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    failure_reason = models.CharField(_("振込できなかった理由"), max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("出金")
        verbose_name_plural = _("出金")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payments_payout_positive"),
        ]

    def __str__(self) -> str:
        return f"P{self.pk} {self.amount}"

    @property
    def net_amount(self) -> int:
        return self.amount - self.transfer_fee

    @property
    def masked_number(self) -> str:
        return "***" + self.account_number[-4:]


class PayoutStatusChange(models.Model):
    """Every move of a payout, with the idempotency key that asked for it (a double-click or retry with
    the same key finds its row here and changes nothing)."""

    payout = models.ForeignKey(
        Payout, verbose_name=_("出金"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("変更前"), max_length=10, choices=PayoutStatus.choices, blank=True)
    to_status = models.CharField(_("変更後"), max_length=10, choices=PayoutStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実行者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("日時"))
    idempotency_key = models.CharField(_("冪等キー"), max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("出金の状態変更")
        verbose_name_plural = _("出金の状態変更")

    def __str__(self) -> str:
        return f"{self.payout_id}: {self.from_status} → {self.to_status}"


class ClientWithdrawal(TimeStampedModel):
    """A client's request to send her refundable balance back to her bank account. It travels in the staff's
    payout batches beside workers' payouts. The ledger set the amount aside when she asked
    (`reserve_entry`: refundable → reserved) and books the bank's answer once (`final_entry`: out of the
    bank when paid, back to refundable when failed). The bank details are copied, as for payouts. The
    platform bears the bank's charge, so she receives the whole `amount`."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("クライアント"),
        on_delete=models.PROTECT,
        related_name="client_withdrawals",
    )
    batch = models.ForeignKey(
        PayoutBatch,
        verbose_name=_("出金バッチ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_withdrawals",
    )
    amount = models.BigIntegerField(_("出金額"))
    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=ClientWithdrawalStatus.choices,
        default=ClientWithdrawalStatus.REQUESTED,
    )
    idempotency_key = models.CharField(_("冪等キー"), max_length=100, unique=True)
    reserve_entry = models.OneToOneField(
        "ledger.JournalEntry",
        verbose_name=_("申請の仕訳"),
        on_delete=models.PROTECT,
        related_name="client_withdrawal_reserved",
    )
    final_entry = models.OneToOneField(
        "ledger.JournalEntry",
        verbose_name=_("確定の仕訳"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="client_withdrawal_finished",
    )
    bank_code = models.CharField(_("銀行コード"), max_length=4)
    bank_name = models.CharField(_("銀行名"), max_length=60)
    branch_code = models.CharField(_("支店コード"), max_length=3)
    branch_name = models.CharField(_("支店名"), max_length=60)
    account_type = models.CharField(_("預金種目"), max_length=1, choices=AccountType.choices)
    account_number = models.CharField(_("口座番号"), max_length=7)
    holder_name = models.CharField(_("口座名義(カナ)"), max_length=60)
    decided_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    failure_reason = models.CharField(_("振込できなかった理由"), max_length=200, blank=True)
    # Where the money goes: her bank (the fields above) or the card she paid with (the fields below; the
    # bank fields stay empty).
    destination = models.CharField(
        _("返金先"), max_length=10, choices=WithdrawalDestination.choices, default=WithdrawalDestination.BANK
    )
    provider_funding = models.ForeignKey(
        "ProviderFunding",
        verbose_name=_("返金するカード払い"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="card_refunds",
    )
    external_id = models.CharField(_("決済代行の返金ID"), max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("返金可能残高の出金")
        verbose_name_plural = _("返金可能残高の出金")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_client_withdrawal_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"R{self.pk} {self.amount}"

    @property
    def net_amount(self) -> int:
        """What the bank sends her: the whole amount (the platform bears the bank's charge)."""
        return self.amount

    @property
    def masked_number(self) -> str:
        return "***" + self.account_number[-4:]


class ProviderFunding(TimeStampedModel):
    """How a client is paying one pending ledger funding: by our bank transfer (with a reference code to
    write as the transfer's name) or through a provider's payment (a Stripe Checkout Session id, or the
    PaymentIntent id of fundings started before Checkout). It has no status of its own: whether the money
    arrived is `funding.status` (the ledger's `Funding` is the one truth for a funding)."""

    funding = models.OneToOneField(
        "ledger.Funding", verbose_name=_("入金"), on_delete=models.PROTECT, related_name="provider_funding"
    )
    escrow = models.ForeignKey(
        "ledger.Escrow", verbose_name=_("仮払い"), on_delete=models.PROTECT, related_name="provider_fundings"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("クライアント"),
        on_delete=models.PROTECT,
        related_name="provider_fundings",
    )
    provider = models.CharField(_("支払い方法"), max_length=20, choices=Provider.choices)
    amount = models.BigIntegerField(_("金額(円)"))
    reference_code = models.CharField(_("お振込み名義の番号"), max_length=12, unique=True)
    external_id = models.CharField(_("決済代行のID"), max_length=100, blank=True, db_index=True)
    # Where the client pays (Stripe Checkout's hosted page); empty for bank transfers.
    action_url = models.URLField(_("支払いページ"), max_length=1000, blank=True)
    idempotency_key = models.CharField(_("冪等キー"), max_length=100, unique=True)
    decided_at = models.DateTimeField(_("確定日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("支払い手続き")
        verbose_name_plural = _("支払い手続き")

    def __str__(self) -> str:
        return f"{self.provider} {self.reference_code}"


class ProcessedWebhookEvent(models.Model):
    """Provider events already handled. Providers deliver at least once, so the same event may arrive
    again; its id here means "done, post nothing"."""

    provider = models.CharField(_("決済代行"), max_length=20, choices=Provider.choices)
    event_id = models.CharField(_("イベントID"), max_length=100)
    event_type = models.CharField(_("イベントの種類"), max_length=100)
    received_at = models.DateTimeField(_("受信日時"))

    class Meta:
        verbose_name = _("処理済みの通知")
        verbose_name_plural = _("処理済みの通知")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_webhook_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class DocumentSequence(models.Model):
    """The last number issued per issuer prefix and year; locked while a number is taken, so numbers are
    gap-free and never repeat."""

    prefix = models.CharField(_("接頭辞"), max_length=10)
    year = models.PositiveIntegerField(_("年"))
    last = models.PositiveIntegerField(_("最後の番号"), default=0)

    class Meta:
        verbose_name = _("書類番号")
        verbose_name_plural = _("書類番号")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="payments_document_sequence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class InvoiceDocument(models.Model):
    """A qualified invoice (適格請求書) or a receipt (領収書). Everything printed is stored here when the
    document is issued, so rendering it again, years later, gives the same document."""

    kind = models.CharField(_("種類"), max_length=10, choices=DocumentKind.choices)
    number = models.CharField(_("番号"), max_length=30, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("宛先"),
        on_delete=models.PROTECT,
        related_name="payment_documents",
    )
    recipient_name = models.CharField(_("宛名"), max_length=200)
    issuer_name = models.CharField(_("発行者"), max_length=200)
    issuer_registration_number = models.CharField(_("登録番号"), max_length=14)
    issued_on = models.DateField(_("発行日"))
    transaction_date = models.DateField(_("取引日"))
    description = models.CharField(_("内容"), max_length=200)
    taxable_amount = models.BigIntegerField(_("税抜金額(10%対象)"))
    tax_amount = models.BigIntegerField(_("消費税額(10%)"))
    tax_rate_percent = models.PositiveSmallIntegerField(_("税率(%)"), default=10)
    source_type = models.CharField(_("元の記録"), max_length=40)
    source_id = models.CharField(_("元の記録のID"), max_length=40)
    created_at = models.DateTimeField(_("作成日時"))

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("請求書・領収書")
        verbose_name_plural = _("請求書・領収書")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"], name="payments_document_once_per_source"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def total_amount(self) -> int:
        return self.taxable_amount + self.tax_amount

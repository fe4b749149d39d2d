"""Ledger constants: account kinds, funding sources, fee plans, the funding state machine and the outcomes of
a payout hold. Amounts that are policy (the transfer fee, the payout minimum) live here and nowhere else."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import state

# A payout costs the worker this much (the bank's charge for one domestic transfer, passed on at cost).
PAYOUT_TRANSFER_FEE = 250
# Smallest payout a worker may ask for, fee included.
PAYOUT_MINIMUM = 1_000


class AccountType(models.TextChoices):
    ASSET = "asset", _("資産")
    LIABILITY = "liability", _("負債")
    EQUITY = "equity", _("純資産")
    INCOME = "income", _("収益")
    EXPENSE = "expense", _("費用")


class AccountKind(models.TextChoices):
    """What an account is for. System accounts exist once; the others once per owner, escrow or provider."""

    PLATFORM_BANK = "platform_bank", _("プラットフォーム銀行口座")
    PROVIDER_CLEARING = "provider_clearing", _("決済代行の未収金")
    ESCROW_HELD = "escrow_held", _("仮払い預り金")
    WORKER_PAYABLE = "worker_payable", _("ワーカーへの未払金")
    WORKER_IN_TRANSIT = "worker_in_transit", _("振込手続き中")
    CLIENT_REFUNDABLE = "client_refundable", _("クライアント返金可能残高")
    # Part of a client's refundable balance set aside for a funding she asked to pay from it, until the
    # funding is posted (→ escrow) or voided (→ back to refundable). Like a payout's in-transit account.
    CLIENT_RESERVED = "client_reserved", _("仮払いに充てる予定の返金可能残高")
    FEE_INCOME = "fee_income", _("システム利用料収入")
    TRANSFER_FEE_INCOME = "transfer_fee_income", _("振込手数料収入")
    CONSUMPTION_TAX_PAYABLE = "consumption_tax_payable", _("仮受消費税")
    WITHHOLDING_PAYABLE = "withholding_payable", _("源泉所得税預り金")
    BANK_FEES_EXPENSE = "bank_fees_expense", _("支払手数料")


# Liability accounts that belong to one person or one escrow: their credit balance is money we owe,
# and it may never turn into a debit (we never owe less than nothing).
NON_NEGATIVE_KINDS = frozenset(
    {
        AccountKind.ESCROW_HELD,
        AccountKind.WORKER_PAYABLE,
        AccountKind.WORKER_IN_TRANSIT,
        AccountKind.CLIENT_REFUNDABLE,
        AccountKind.CLIENT_RESERVED,
    }
)

KIND_TYPE: dict[str, str] = {
    AccountKind.PLATFORM_BANK: AccountType.ASSET,
    AccountKind.PROVIDER_CLEARING: AccountType.ASSET,
    AccountKind.ESCROW_HELD: AccountType.LIABILITY,
    AccountKind.WORKER_PAYABLE: AccountType.LIABILITY,
    AccountKind.WORKER_IN_TRANSIT: AccountType.LIABILITY,
    AccountKind.CLIENT_REFUNDABLE: AccountType.LIABILITY,
    AccountKind.CLIENT_RESERVED: AccountType.LIABILITY,
    AccountKind.FEE_INCOME: AccountType.INCOME,
    AccountKind.TRANSFER_FEE_INCOME: AccountType.INCOME,
    AccountKind.CONSUMPTION_TAX_PAYABLE: AccountType.LIABILITY,
    AccountKind.WITHHOLDING_PAYABLE: AccountType.LIABILITY,
    AccountKind.BANK_FEES_EXPENSE: AccountType.EXPENSE,
}


class FundingSource(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("銀行振込")
    PROVIDER = "provider", _("決済代行(カードなど)")
    CLIENT_BALANCE = "client_balance", _("返金可能残高")


class FeePlan(models.TextChoices):
    PROJECT_TIERED = "project_tiered", _("プロジェクト形式(段階制)")
    TASK_FLAT = "task_flat", _("タスク形式(定率)")


class FundingStatus(models.TextChoices):
    PENDING = "pending", _("入金待ち")
    POSTED = "posted", _("入金済み")
    VOIDED = "voided", _("取り消し")


FUNDING_TRANSITIONS: dict[str, frozenset[str]] = {
    FundingStatus.PENDING: frozenset({FundingStatus.POSTED, FundingStatus.VOIDED}),
    FundingStatus.POSTED: frozenset(),
    FundingStatus.VOIDED: frozenset(),
}

# `ledger.Funding.status` is the one truth of whether a client's money arrived (payments' provider fundings
# read it, they keep no status of their own for it).
FUNDING_MACHINE = state.StateMachine(
    model="ledger.funding", choices=FundingStatus, table=FUNDING_TRANSITIONS, initial=FundingStatus.PENDING
)


class HoldOutcome(models.TextChoices):
    """Where a payout hold stands, read from its journal entries (`PayoutHold.outcome`), never stored: the
    payout's life (requested → batched → paid/failed) is `payments.Payout.status`; the ledger only needs to
    know whether the hold's money has been finally booked, and that is whether it has a final entry."""

    RESERVED = "reserved", _("振込手続き中")
    SETTLED = "settled", _("振込済み")
    FAILED = "failed", _("振込できませんでした")


class SettlementKind(models.TextChoices):
    RELEASE = "release", _("支払い")
    REFUND = "refund", _("返金")
    SPLIT = "split", _("分割(紛争の決定)")


class EntryKind(models.TextChoices):
    FUNDING = "funding", _("仮払い入金")
    FUNDING_RESERVE = "funding_reserve", _("返金可能残高からの仮払いの予約")
    FUNDING_UNRESERVE = "funding_unreserve", _("仮払いの予約の取り消し")
    RELEASE = "release", _("支払い")
    REFUND = "refund", _("返金")
    SPLIT = "split", _("分割")
    CLIENT_MONEY_OUT = "client_money_out", _("クライアントへの払い戻し")
    CLIENT_WITHDRAWAL_RESERVE = "client_withdrawal_reserve", _("返金可能残高の出金申請")
    CLIENT_WITHDRAWAL_FAIL = "client_withdrawal_fail", _("返金可能残高の出金失敗")
    PAYOUT_RESERVE = "payout_reserve", _("出金申請")
    PAYOUT_SETTLE = "payout_settle", _("出金完了")
    PAYOUT_FAIL = "payout_fail", _("出金失敗")
    REVERSAL = "reversal", _("取消仕訳")

"""Choices, limits and the payout state machine of the payments app, kept in one place."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import state
from hataraku.ledger import constants as ledger_constants

# Payout policy amounts are the ledger's (one place for the minimum and the transfer fee); re-exported
# here so that forms and templates of this app have one import.
PAYOUT_MINIMUM = ledger_constants.PAYOUT_MINIMUM
PAYOUT_TRANSFER_FEE = ledger_constants.PAYOUT_TRANSFER_FEE


class AccountType(models.TextChoices):
    # The values are the 預金種目 codes of the Zengin format, so the file writer needs no table.
    ORDINARY = "1", _("普通")
    CURRENT = "2", _("当座")
    SAVINGS = "4", _("貯蓄")


class PayoutStatus(models.TextChoices):
    # A suspended worker's request waits for staff review before it can be batched (issue 10, item 8);
    # its money is reserved all the same, so it cannot be spent twice meanwhile.
    HELD = "held", _("運営の確認待ち")
    REQUESTED = "requested", _("申請済み")
    BATCHED = "batched", _("振込準備中")
    PAID = "paid", _("振込完了")
    FAILED = "failed", _("振込できませんでした")


# Allowed moves. A failed payout is final: its money has gone back to the balance and the worker asks again.
PAYOUT_TRANSITIONS: dict[str, frozenset[str]] = {
    PayoutStatus.HELD: frozenset({PayoutStatus.REQUESTED}),
    PayoutStatus.REQUESTED: frozenset({PayoutStatus.BATCHED}),
    PayoutStatus.BATCHED: frozenset({PayoutStatus.PAID, PayoutStatus.FAILED}),
    PayoutStatus.PAID: frozenset(),
    PayoutStatus.FAILED: frozenset(),
}


# A payout's life; its ledger hold has no status of its own, so this is the one truth for a payout.
PAYOUT_MACHINE = state.StateMachine(
    model="payments.payout",
    choices=PayoutStatus,
    table=PAYOUT_TRANSITIONS,
    initial=(PayoutStatus.REQUESTED, PayoutStatus.HELD),
)


class ClientWithdrawalStatus(models.TextChoices):
    REQUESTED = "requested", _("申請済み")
    BATCHED = "batched", _("振込準備中")
    # A refund to her card: asked of the card company, waiting for its answer (webhook or its reply).
    PROVIDER = "provider", _("カード会社で返金手続き中")
    PAID = "paid", _("振込完了")
    FAILED = "failed", _("振込できませんでした")


class WithdrawalDestination(models.TextChoices):
    """Where a client's refundable balance goes back to: her bank account (in the staff's payout batches),
    or the card she paid with (a refund asked of the card company through the provider adapter)."""

    BANK = "bank", _("銀行口座")
    CARD = "card", _("お支払いに使ったカード")


# A client's withdrawal of her refundable balance goes through the same staff batches as workers' payouts,
# so it moves the same way. A failed one is final: the money is back in her refundable balance.
CLIENT_WITHDRAWAL_TRANSITIONS: dict[str, frozenset[str]] = {
    # To her bank: requested → batched → paid | failed. To her card: requested → provider → paid | failed.
    ClientWithdrawalStatus.REQUESTED: frozenset(
        {ClientWithdrawalStatus.BATCHED, ClientWithdrawalStatus.PROVIDER}
    ),
    ClientWithdrawalStatus.BATCHED: frozenset({ClientWithdrawalStatus.PAID, ClientWithdrawalStatus.FAILED}),
    ClientWithdrawalStatus.PROVIDER: frozenset({ClientWithdrawalStatus.PAID, ClientWithdrawalStatus.FAILED}),
    ClientWithdrawalStatus.PAID: frozenset(),
    ClientWithdrawalStatus.FAILED: frozenset(),
}

CLIENT_WITHDRAWAL_MACHINE = state.StateMachine(
    model="payments.clientwithdrawal",
    choices=ClientWithdrawalStatus,
    table=CLIENT_WITHDRAWAL_TRANSITIONS,
    initial=ClientWithdrawalStatus.REQUESTED,
)

# The bank's charge for sending a client's refundable balance back to her. The platform bears it (the money
# is hers, returned because the work did not happen); it is booked as the platform's bank fees.
CLIENT_WITHDRAWAL_BANK_CHARGE = PAYOUT_TRANSFER_FEE


class Provider(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("銀行振込")
    STRIPE = "stripe", _("クレジットカード(Stripe)")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("適格請求書")
    RECEIPT = "receipt", _("領収書")
    # 適格返還請求書 (消費税法 57条の4 第3項): issued when a fee we invoiced is given back.
    RETURN = "return", _("適格返還請求書")


# The consumption tax rate printed on documents, as a whole percent (our services are all at 10 %).
DOCUMENT_TAX_RATE_PERCENT = 10

# Stripe events that move money; every other event type is acknowledged and ignored.
STRIPE_EVENTS_SUCCEEDED = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded", "payment_intent.succeeded"}
)
STRIPE_EVENTS_FAILED = frozenset({"checkout.session.expired", "checkout.session.async_payment_failed"})
# Ends only a funding that is itself this PaymentIntent (one started before Checkout).
STRIPE_EVENT_INTENT_CANCELED = "payment_intent.canceled"
# A refund to a client's card changed state (succeeded, failed, canceled); matched by the withdrawal id in
# its metadata.
STRIPE_EVENTS_REFUND = frozenset({"refund.updated", "refund.failed", "charge.refund.updated"})

# Years a payment record (支払調書) can be asked for; outside them the API answers 422, the CSV 404.
PAYMENT_RECORD_YEAR_MIN = 2000
PAYMENT_RECORD_YEAR_MAX = 2100

"""A client's refundable balance leaves the platform: back to her bank account (a withdrawal that travels in
the staff's payout batches beside workers' payouts), or into her next milestone or week (a funding paid from
the balance).

`payments.ClientWithdrawal` is the one truth for a withdrawal's state (`CLIENT_WITHDRAWAL_MACHINE`); the
ledger holds the money (`ledger.services.client_withdrawal_*`: refundable → reserved → out of the bank, or
back to refundable). Lock order: client (a request) or withdrawal → (ledger: accounts); a funding from the
balance: provider funding → escrow → funding → accounts, as staff confirming a bank transfer do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, NotFound
from hataraku.core.money import format_yen
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingSource, FundingStatus
from hataraku.ledger.idempotency import idempotent, scoped_key
from hataraku.ledger.models import Escrow, Funding
from hataraku.ledger.selectors import client_balances

from ..constants import (
    CLIENT_WITHDRAWAL_BANK_CHARGE,
    ClientWithdrawalStatus,
    Provider,
    WithdrawalDestination,
)
from ..models import BankAccount, ClientWithdrawal, PayoutBatch, ProviderFunding
from ..notices import (
    CARD_REFUND_FAILED,
    CARD_REFUND_PAID,
    REFUND_WITHDRAWAL_FAILED,
    REFUND_WITHDRAWAL_PAID,
)
from ..providers import Outcome, PaymentProvider, RefundAnswer, get_provider
from .fundings import funding_ask, funding_cancel

logger = logging.getLogger(__name__)


def _check_yen(amount: Any) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("金額は円単位の数字で入力してください。"), field="amount"
        )
    if amount < 1:
        raise DomainError(ErrorCode.INVALID_AMOUNT, _("金額は1円以上で入力してください。"), field="amount")


# --- back to her bank account -----------------------------------------------------------------------------


def client_withdrawal_request(*, client: User, amount: int, idempotency_key: str) -> ClientWithdrawal:
    """A client asks for `amount` of her refundable balance to be sent to her active bank account. The
    ledger sets it aside at once, so neither a second request nor a funding from the balance can count on
    the same yen. The same key again (a double click, a retry, two requests at once) returns the first
    withdrawal and changes nothing; the same key with another amount is a `Conflict`.

    Locks the client's row first (then the ledger's accounts): her requests run one after another, so a
    replay finds the first withdrawal committed instead of being refused for the money it reserved."""
    _check_yen(amount)
    key = scoped_key(client, idempotency_key)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=client.pk).first()
        return idempotent(
            scope="payments.client_withdrawal_request",
            key=key,
            params={"client": client.pk, "amount": amount},
            body=lambda _idem: _withdrawal_create(client=client, amount=amount, key=key),
        )


def _withdrawal_create(*, client: User, amount: int, key: str) -> ClientWithdrawal:
    if not getattr(client, "is_client", False):
        raise NotFound()
    account = BankAccount.objects.filter(worker=client, is_active=True).first()
    if account is None:
        raise DomainError(ErrorCode.NO_BANK_ACCOUNT, _("出金の前に、振込先の口座を登録してください。"))
    _check_refundable(client, amount)
    entry = ledger.client_withdrawal_reserve(
        client=client, amount=amount, actor=client, idempotency_key=f"payments.client_withdrawal:{key}"
    )
    withdrawal = ClientWithdrawal.objects.create(
        client=client,
        amount=amount,
        idempotency_key=key,
        reserve_entry=entry,
        bank_code=account.bank_code,
        bank_name=account.bank_name,
        branch_code=account.branch_code,
        branch_name=account.branch_name,
        account_type=account.account_type,
        account_number=account.account_number,
        holder_name=account.holder_name,
    )
    audit_record(
        actor=client,
        action="payments.client_withdrawal_request",
        target=withdrawal,
        data={"amount": amount, "entry": entry.pk},
    )
    return withdrawal


def _move(
    withdrawal: ClientWithdrawal,
    target: str,
    *,
    actor: User | None,
    action: str,
    fields: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> ClientWithdrawal:
    return state.transition(
        withdrawal,
        target=target,
        actor=actor,
        action=action,
        fields=fields,
        data=data,
        refusal=_("この出金は「%(current)s」のため、「%(target)s」にはできません。"),
        locked=True,
    )


def client_withdrawals_batch(*, batch: PayoutBatch, actor: User | None) -> list[ClientWithdrawal]:
    """Put every requested client withdrawal to a bank account into `batch` (called by
    `payout_batch_create`, inside its transaction, so one Zengin file carries workers' payouts and clients'
    withdrawals alike). Refunds to a card never travel in a batch."""
    rows = list(
        ClientWithdrawal.objects.select_for_update()
        .filter(
            status=ClientWithdrawalStatus.REQUESTED,
            batch__isnull=True,
            destination=WithdrawalDestination.BANK,
        )
        .order_by("pk")
    )
    for row in rows:
        _move(
            row,
            ClientWithdrawalStatus.BATCHED,
            actor=actor,
            action="payments.client_withdrawal_batched",
            fields={"batch": batch},
            data={"batch": batch.pk},
        )
    return rows


def _decide(
    *, withdrawal: ClientWithdrawal, key: str, target: str, body: Callable[[Any], ClientWithdrawal]
) -> ClientWithdrawal:
    """Paid and failed share one scope: the same key for the other decision is a `Conflict`; the same
    decision again returns the withdrawal unchanged."""
    return idempotent(
        scope="payments.client_withdrawal_decide",
        key=key,
        params={"withdrawal": withdrawal.pk, "status": str(target)},
        body=body,
    )


def _lock(withdrawal: ClientWithdrawal) -> ClientWithdrawal:
    return (
        ClientWithdrawal.objects.select_for_update(of=("self",))
        .select_related("client", "provider_funding")
        .get(pk=withdrawal.pk)
    )


def _lock_bank(withdrawal: ClientWithdrawal) -> ClientWithdrawal:
    """A withdrawal to her bank, locked; a refund to her card is decided by the card company only."""
    locked = _lock(withdrawal)
    if locked.destination != WithdrawalDestination.BANK:
        raise NotFound()
    return locked


def client_withdrawal_mark_paid(
    *, withdrawal: ClientWithdrawal, actor: User | None, idempotency_key: str
) -> ClientWithdrawal:
    """The bank confirmed the transfer: the money leaves the platform's bank in the ledger."""
    key = scoped_key(actor, idempotency_key)

    def body(_idem: Any) -> ClientWithdrawal:
        locked = _lock_bank(withdrawal)
        # The transition checks the move first, so a second answer never books the money twice.
        _move(
            locked,
            ClientWithdrawalStatus.PAID,
            actor=actor,
            action="payments.client_withdrawal_paid",
            fields={"decided_at": clock.now()},
            data={"amount": locked.amount},
        )
        locked.final_entry = ledger.client_withdrawal_settle(
            client=locked.client,
            amount=locked.amount,
            bank_charge=CLIENT_WITHDRAWAL_BANK_CHARGE,
            actor=actor,
            idempotency_key=f"payments.client_withdrawal_paid:{locked.pk}",
        )
        locked.save(update_fields=["final_entry"])
        notices.notify(
            user=locked.client,
            code=REFUND_WITHDRAWAL_PAID,
            params={"amount": f"{locked.amount:,}", "bank": f"{locked.bank_name} {locked.masked_number}"},
            url=reverse("payments:client_refunds"),
        )
        return locked

    return _decide(withdrawal=withdrawal, key=key, target=ClientWithdrawalStatus.PAID, body=body)


def client_withdrawal_mark_failed(
    *, withdrawal: ClientWithdrawal, actor: User | None, idempotency_key: str, reason: str = ""
) -> ClientWithdrawal:
    """The bank returned the transfer: the whole amount goes back to her refundable balance."""
    key = scoped_key(actor, idempotency_key)
    reason = (reason or "").strip()
    limits.check_length(reason, limit=limits.PAYOUT_FAILURE_REASON, field="reason")

    def body(_idem: Any) -> ClientWithdrawal:
        locked = _lock_bank(withdrawal)
        _fail(
            locked,
            actor=actor,
            action="payments.client_withdrawal_failed",
            reason=reason,
            code=REFUND_WITHDRAWAL_FAILED,
        )
        return locked

    return _decide(withdrawal=withdrawal, key=key, target=ClientWithdrawalStatus.FAILED, body=body)


# --- back to the card she paid with ------------------------------------------------------------------------


def card_refund_room(client: User) -> list[tuple[ProviderFunding, int]]:
    """Her card payments that can still take a refund, newest first, each with how much: what she paid by
    card less what was already refunded to it (refunds that failed do not count)."""
    rows = []
    payments = (
        ProviderFunding.objects.filter(
            client=client, funding__status=FundingStatus.POSTED, external_id__gt=""
        )
        .exclude(provider=Provider.BANK_TRANSFER)
        .order_by("-pk")
    )
    for pf in payments:
        refunded = sum(w.amount for w in pf.card_refunds.all() if w.status != ClientWithdrawalStatus.FAILED)
        if pf.amount - refunded > 0:
            rows.append((pf, pf.amount - refunded))
    return rows


def client_card_refund_request(
    *, client: User, amount: int, idempotency_key: str, provider: PaymentProvider | None = None
) -> ClientWithdrawal:
    """A client asks for `amount` of her refundable balance back to the card she paid with. The ledger sets
    it aside at once (refundable → reserved, as for her bank), then the card company is asked through the
    provider adapter, outside the transaction (`client_card_refund_send`). The money leaves the ledger
    only when the provider confirms the refund (its answer, or the `refund.*` webhook); a refusal puts it
    back in her refundable balance. The same key again returns the first withdrawal and asks nothing more.

    The refund goes to one card payment that still has room for it (a card refund can never exceed what
    that payment charged)."""
    _check_yen(amount)
    key = scoped_key(client, idempotency_key)
    if provider is None:
        room = card_refund_room(client)
        if room:
            # Card refunds switched off: refused before anything is set aside.
            provider = get_provider(room[0][0].provider)
            provider.check_available()
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=client.pk).first()
        withdrawal = idempotent(
            scope="payments.client_card_refund_request",
            key=key,
            params={"client": client.pk, "amount": amount},
            body=lambda _idem: _card_refund_create(client=client, amount=amount, key=key),
        )
    return client_card_refund_send(withdrawal=withdrawal, provider=provider)


def _card_refund_create(*, client: User, amount: int, key: str) -> ClientWithdrawal:
    if not getattr(client, "is_client", False):
        raise NotFound()
    room = card_refund_room(client)
    payment = next((pf for pf, left in room if left >= amount), None)
    if payment is None:
        most = max((left for _pf, left in room), default=0)
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _(
                "カードに返金できるのは、1回のカード払いにつき%(most)sまでです。"
                "金額を減らすか、銀行口座への返金をお選びください。"
            )
            % {"most": format_yen(most)},
            field="amount",
        )
    _check_refundable(client, amount)
    entry = ledger.client_withdrawal_reserve(
        client=client, amount=amount, actor=client, idempotency_key=f"payments.client_withdrawal:{key}"
    )
    withdrawal = ClientWithdrawal.objects.create(
        client=client,
        amount=amount,
        idempotency_key=key,
        reserve_entry=entry,
        destination=WithdrawalDestination.CARD,
        provider_funding=payment,
    )
    audit_record(
        actor=client,
        action="payments.client_card_refund_request",
        target=withdrawal,
        data={"amount": amount, "entry": entry.pk, "payment": payment.pk},
    )
    return withdrawal


def client_card_refund_send(
    *, withdrawal: ClientWithdrawal, provider: PaymentProvider | None = None
) -> ClientWithdrawal:
    """Ask the card company for a requested card refund, outside any transaction, and record its answer.
    A refund already asked for is left as it is (its webhook will tell). If the provider cannot be
    reached, the refund stays requested with the money set aside, and asking again is safe (the provider
    sees the same Idempotency-Key)."""
    if withdrawal.status != ClientWithdrawalStatus.REQUESTED or withdrawal.provider_funding is None:
        return withdrawal
    adapter = provider or get_provider(withdrawal.provider_funding.provider)
    try:
        answer = adapter.refund(withdrawal)
    except DomainError as exc:  # the adapter cannot refund at all: the money goes back to her balance
        answer = RefundAnswer(external_id="", outcome=Outcome.CANCELLED, reason=str(exc.message)[:200])
    except Exception:  # the network: tried again with the same key; nothing was booked
        logger.exception("card refund %s: the provider could not be reached", withdrawal.pk)
        return withdrawal
    return client_card_refund_record(withdrawal=withdrawal, answer=answer)


def card_refunds_send_due(*, limit: int = 100) -> int:
    """Periodic: card refunds still only requested (the provider could not be reached when she asked) are
    asked again, with the same provider key, so none waits on a page view. A no-op while card payments
    are off. Returns how many the provider has now answered."""
    if not settings.STRIPE_SECRET_KEY:
        return 0
    answered = 0
    waiting = ClientWithdrawal.objects.filter(
        destination=WithdrawalDestination.CARD, status=ClientWithdrawalStatus.REQUESTED
    ).select_related("provider_funding")[:limit]
    for withdrawal in waiting:
        if client_card_refund_send(withdrawal=withdrawal).status != ClientWithdrawalStatus.REQUESTED:
            answered += 1
    return answered


def client_card_refund_record(*, withdrawal: ClientWithdrawal, answer: RefundAnswer) -> ClientWithdrawal:
    """Book what the card company answered, once: PAID takes the reserved money out of the provider's
    clearing account; CANCELLED puts it back in her refundable balance; OPEN waits (at the card company).
    A second answer for a refund already decided changes nothing. Lock order: withdrawal → (ledger)."""
    with transaction.atomic():
        locked = _lock(withdrawal)
        if locked.destination != WithdrawalDestination.CARD:
            raise NotFound()
        if locked.status in (ClientWithdrawalStatus.PAID, ClientWithdrawalStatus.FAILED):
            return locked
        if locked.status == ClientWithdrawalStatus.REQUESTED:
            _move(
                locked,
                ClientWithdrawalStatus.PROVIDER,
                actor=None,
                action="payments.client_card_refund_sent",
                fields={"external_id": answer.external_id},
                data={"refund": answer.external_id},
            )
        elif answer.external_id and not locked.external_id:
            locked.external_id = answer.external_id
            locked.save(update_fields=["external_id", "updated_at"])
        if answer.outcome == Outcome.PAID:
            _card_refund_paid(locked)
        elif answer.outcome == Outcome.CANCELLED:
            _card_refund_failed(locked, answer.reason)
    withdrawal.refresh_from_db()
    return withdrawal


def _card_refund_paid(locked: ClientWithdrawal) -> None:
    assert locked.provider_funding is not None
    _move(
        locked,
        ClientWithdrawalStatus.PAID,
        actor=None,
        action="payments.client_card_refund_paid",
        fields={"decided_at": clock.now()},
        data={"amount": locked.amount, "refund": locked.external_id},
    )
    locked.final_entry = ledger.client_withdrawal_settle(
        client=locked.client,
        amount=locked.amount,
        bank_charge=0,
        provider=locked.provider_funding.provider,
        actor=None,
        idempotency_key=f"payments.client_withdrawal_paid:{locked.pk}",
    )
    locked.save(update_fields=["final_entry"])
    notices.notify(
        user=locked.client,
        code=CARD_REFUND_PAID,
        params={"amount": f"{locked.amount:,}"},
        url=reverse("payments:client_refunds"),
    )


def _card_refund_failed(locked: ClientWithdrawal, reason: str) -> None:
    _fail(
        locked,
        actor=None,
        action="payments.client_card_refund_failed",
        reason=reason,
        code=CARD_REFUND_FAILED,
        stored_reason=(reason or "")[:200],
    )


def _fail(
    locked: ClientWithdrawal,
    *,
    actor: User | None,
    action: str,
    reason: str,
    code: str,
    stored_reason: str | None = None,
) -> None:
    """A withdrawal (to her bank or her card) that did not reach her: the money goes back to her refundable
    balance, once (the ledger's key), and she is told. The caller holds the row's lock."""
    _move(
        locked,
        ClientWithdrawalStatus.FAILED,
        actor=actor,
        action=action,
        fields={
            "decided_at": clock.now(),
            "failure_reason": reason if stored_reason is None else stored_reason,
        },
        data={"reason": reason},
    )
    locked.final_entry = ledger.client_withdrawal_fail(
        client=locked.client,
        amount=locked.amount,
        actor=actor,
        idempotency_key=f"payments.client_withdrawal_failed:{locked.pk}",
    )
    locked.save(update_fields=["final_entry"])
    notices.notify(
        user=locked.client,
        code=code,
        params={"amount": f"{locked.amount:,}"},
        url=reverse("payments:client_refunds"),
    )


# --- into her next milestone or week -----------------------------------------------------------------------


def funding_from_balance(*, client: User, escrow: Escrow, amount: int, idempotency_key: str) -> Funding:
    """Pay what `escrow` asks for now from the client's refundable balance, at once: the ledger sets the
    money aside and posts it to the escrow in one transaction (it is already ours, there is nothing to
    wait for), and the escrow's owner hears `FundingPosted` after commit as for any funding.

    A bank transfer still awaited for this escrow is cancelled in the same transaction (she pays from the
    balance instead; the page tells her not to transfer as well). A card payment in progress is refused:
    it may already be paid on the provider's page. `amount` is the amount the page showed and must still
    be the ask. No receipt is issued: the money was received, and receipted, when she first paid it.
    Lock order: provider funding → escrow → funding → accounts."""
    _check_yen(amount)
    key = scoped_key(client, idempotency_key)

    def body(_idem: Any) -> Funding:
        if escrow.client_id != client.pk:
            raise NotFound()
        waiting = (
            ProviderFunding.objects.filter(escrow=escrow, funding__status=FundingStatus.PENDING)
            .order_by("pk")
            .first()
        )
        if waiting is not None:
            if waiting.provider != Provider.BANK_TRANSFER:
                raise DomainError(
                    ErrorCode.FUNDING_PENDING,
                    _(
                        "この仮払いはカードでのお支払いの途中です。カードの手続きが終わるか取り消されてから、"
                        "返金可能残高でお支払いください。"
                    ),
                )
            funding_cancel(provider_funding=waiting, actor=client)
        locked = Escrow.objects.select_for_update(of=("self",)).get(pk=escrow.pk)
        if Funding.objects.filter(escrow=locked, status=FundingStatus.PENDING).exists():
            raise DomainError(
                ErrorCode.FUNDING_PENDING,
                _("この仮払いには、入金をお待ちしている手続きがすでにあります。"),
            )
        ask = funding_ask(locked)
        if ask is None:
            raise DomainError(
                ErrorCode.FUNDING_NOT_ASKED, _("この仮払いには、いまお支払いいただく金額はありません。")
            )
        if ask.amount != amount:
            raise DomainError(
                ErrorCode.FUNDING_AMOUNT_MISMATCH,
                _(
                    "お支払いいただく金額は%(amount)sです。金額が変わった可能性があります。"
                    "ページを開き直して、金額を確かめてからお進みください。"
                )
                % {"amount": format_yen(ask.amount)},
                field="amount",
            )
        refundable = client_balances(client).refundable
        if amount > refundable:
            raise DomainError(
                ErrorCode.INSUFFICIENT_BALANCE,
                _(
                    "返金可能残高(%(refundable)s)が、お支払いいただく金額(%(amount)s)に足りません。"
                    "銀行振込かカードでお支払いください。"
                )
                % {"refundable": format_yen(refundable), "amount": format_yen(amount)},
            )
        funding = ledger.escrow_fund(
            escrow=locked,
            amount=amount,
            source=FundingSource.CLIENT_BALANCE,
            actor=client,
            idempotency_key=f"payments.funding_balance:{key}",
        )
        funding = ledger.funding_post(
            funding=funding, actor=client, idempotency_key=f"payments.funding_balance_post:{key}"
        )
        audit_record(
            actor=client,
            action="payments.funding_from_balance",
            target=funding,
            data={"escrow": locked.pk, "amount": amount, "replaced": waiting.pk if waiting else None},
        )
        return funding

    return idempotent(
        scope="payments.funding_balance",
        key=key,
        params={"escrow": escrow.pk, "amount": amount},
        body=body,
    )


def _check_refundable(client: User, amount: int) -> None:
    """Refuse an amount above what the client may take back (her refundable balance), naming the most."""
    refundable = client_balances(client).refundable
    if amount > refundable:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("返金可能残高(%(refundable)s)を超えています。%(refundable)s以下で入力してください。")
            % {"refundable": format_yen(refundable)},
            field="amount",
        )

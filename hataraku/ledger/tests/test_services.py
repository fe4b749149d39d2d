"""Ledger services: escrow, fundings, settlements, payouts, reversals, idempotency and the append-only
guarantees."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from hataraku.core.errors import Conflict, DomainError, ErrorCode, InvalidTransition
from hataraku.core.models import AuditEvent
from hataraku.ledger import selectors, services
from hataraku.ledger.constants import AccountKind, FeePlan, FundingSource, FundingStatus, HoldOutcome
from hataraku.ledger.models import (
    Account,
    AppendOnlyError,
    Escrow,
    Funding,
    IdempotencyKey,
    JournalEntry,
    PayoutHold,
    Posting,
    Settlement,
)
from hataraku.ledger.services import _journal
from hataraku.ledger.services import accounts as _accounts

from .factories import ClientFactory, WorkerFactory, fund, funded_escrow, key, open_escrow

pytestmark = pytest.mark.django_db


def balance(code: str) -> int:
    account = Account.objects.filter(code=code).first()
    return selectors.account_balance(account) if account else 0


def assert_balanced() -> None:
    assert sum(selectors.trial_balance().values()) == 0
    for entry in JournalEntry.objects.all():
        assert sum(p.amount for p in entry.postings.all()) == 0


# --- escrow and fundings --------------------------------------------------------------------------------


def test_escrow_open_creates_its_held_account_and_audits(frozen_clock: Any) -> None:
    # given a client and a worker
    client, worker = ClientFactory(), WorkerFactory()
    # when an escrow is opened
    escrow = services.escrow_open(
        client=client,
        worker=worker,
        reference="milestone:1",
        fee_group="contract:1",
        fee_plan=FeePlan.PROJECT_TIERED,
        withholding=False,
        actor=client,
        idempotency_key="open-1",
    )
    # then it has its own liability account holding nothing, and an audit row
    assert escrow.held_account.code == f"Liabilities:Escrow:E{escrow.pk}"
    assert selectors.escrow_held(escrow) == 0
    assert AuditEvent.objects.filter(action="ledger.escrow_open", target_id=str(escrow.pk)).exists()


def test_escrow_open_refuses_a_second_escrow_for_the_same_reference() -> None:
    # given an escrow for milestone:1
    escrow = open_escrow()
    # when another is opened for the same reference with a new key
    with pytest.raises(DomainError, match="すでにあります"):
        services.escrow_open(
            client=escrow.client,
            reference=escrow.reference,
            fee_group="contract:x",
            fee_plan=FeePlan.PROJECT_TIERED,
            withholding=False,
            actor=None,
            idempotency_key=key(),
        )
    # then nothing new exists
    assert Escrow.objects.count() == 1


def test_funding_is_pending_until_posted() -> None:
    # given an escrow
    escrow = open_escrow()
    # when a bank-transfer funding is recorded
    funding = services.escrow_fund(
        escrow=escrow, amount=50_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    # then nothing is held yet and no postings exist
    assert funding.status == FundingStatus.PENDING
    assert selectors.escrow_held(escrow) == 0
    assert selectors.escrow_pending_funding(escrow) == 50_000
    assert not Posting.objects.exists()
    # when it is posted
    services.funding_post(funding=funding, actor=None, idempotency_key=key())
    # then the escrow holds it and the bank has it
    assert selectors.escrow_held(escrow) == 50_000
    assert balance("Assets:Platform:Bank") == 50_000
    assert_balanced()


def test_funding_through_a_provider_uses_its_clearing_account() -> None:
    # given / when a card payment through stripe is posted
    escrow = open_escrow()
    fund(escrow, 12_000, source=FundingSource.PROVIDER, provider="stripe")
    # then the provider owes us the money until it pays out
    assert balance("Assets:Clearing:Stripe") == 12_000


def test_funding_can_be_posted_or_voided_only_once() -> None:
    # given a posted funding and a voided one
    escrow = open_escrow()
    posted = fund(escrow, 1_000)
    pending = services.escrow_fund(
        escrow=escrow, amount=2_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    voided = services.funding_void(funding=pending, actor=None, idempotency_key=key())
    # when either is posted or voided again with new keys / then a clear error, nothing moves
    for call in (services.funding_post, services.funding_void):
        for funding in (posted, voided):
            with pytest.raises(InvalidTransition, match="もう変更できません"):
                call(funding=funding, actor=None, idempotency_key=key())
    assert selectors.escrow_held(escrow) == 1_000
    assert voided.status == FundingStatus.VOIDED and voided.entry is None


def test_funding_from_the_client_balance_needs_enough_balance() -> None:
    # given a client with ¥3,000 refunded from an earlier escrow
    first = funded_escrow(3_000)
    services.escrow_refund(escrow=first, amount=3_000, actor=None, idempotency_key=key())
    second = open_escrow(client=first.client)
    # when they fund ¥5,000 from that balance / then it is refused kindly, at once, and nothing moves
    with pytest.raises(DomainError, match="返金可能残高"):
        services.escrow_fund(
            escrow=second,
            amount=5_000,
            source=FundingSource.CLIENT_BALANCE,
            actor=None,
            idempotency_key=key(),
        )
    assert not Funding.objects.filter(escrow=second).exists()
    assert selectors.client_balances(first.client).refundable == 3_000
    # when they fund ¥3,000 / then it moves from their balance into the escrow
    ok = services.escrow_fund(
        escrow=second, amount=3_000, source=FundingSource.CLIENT_BALANCE, actor=None, idempotency_key=key()
    )
    services.funding_post(funding=ok, actor=None, idempotency_key=key())
    assert selectors.escrow_held(second) == 3_000
    assert selectors.client_balances(first.client).refundable == 0


@pytest.mark.parametrize("amount", [0, -5, 1.5, "100", True])
def test_bad_amounts_are_refused_and_nothing_saved(amount: Any) -> None:
    # given an escrow / when funded with a bad amount / then a Japanese error and no funding
    escrow = open_escrow()
    with pytest.raises(DomainError, match="円"):
        services.escrow_fund(
            escrow=escrow,
            amount=amount,
            source=FundingSource.BANK_TRANSFER,
            actor=None,
            idempotency_key=key(),
        )
    assert not Funding.objects.exists()
    assert not IdempotencyKey.objects.filter(scope="escrow_fund").exists()


# --- settlements ----------------------------------------------------------------------------------------


def test_release_pays_the_worker_net_of_fee_tax_and_withholding(frozen_clock: Any) -> None:
    # given ¥100,000 held for a withholding-liable contract
    worker = WorkerFactory()
    escrow = funded_escrow(100_000, worker=worker, withholding=True)
    # when it is all released
    s = services.escrow_release(
        escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key()
    )
    # then fee 20 %, tax 10 % of the fee, withholding 10.21 % of the payment, and the rest is theirs
    assert (s.fee, s.fee_tax, s.withholding) == (20_000, 2_000, 10_210)
    assert s.worker_net == 100_000 - 20_000 - 2_000 - 10_210
    assert selectors.escrow_held(escrow) == 0
    assert balance("Income:Fees:Platform") == -20_000
    assert balance("Liabilities:Tax:Consumption") == -2_000
    assert balance("Liabilities:Tax:Withholding") == -10_210
    b = selectors.worker_balances(worker)
    assert (b.pending, b.available, b.withheld, b.paid) == (0, s.worker_net, 10_210, 0)
    assert_balanced()


def test_partial_releases_are_tiered_on_the_contract_total() -> None:
    # given two escrows (milestones) of one contract
    worker = WorkerFactory()
    one = funded_escrow(150_000, worker=worker, fee_group="contract:77")
    two = funded_escrow(100_000, client=one.client, worker=worker, fee_group="contract:77")
    # when 150,000 then 100,000 are released
    a = services.escrow_release(escrow=one, amount=150_000, worker=worker, actor=None, idempotency_key=key())
    b = services.escrow_release(escrow=two, amount=100_000, worker=worker, actor=None, idempotency_key=key())
    # then the fees are marginal: 25,000 for the first, and 35,000 − 25,000 − ... for the second
    assert a.fee == 25_000
    assert b.fee == (30_000 + 2_500) - 25_000
    assert a.fee + b.fee == 32_500  # fee of ¥250,000 released at once


def test_release_beyond_what_is_held_is_refused_and_saves_nothing() -> None:
    # given ¥10,000 held
    worker = WorkerFactory()
    escrow = funded_escrow(10_000, worker=worker)
    before = (Posting.objects.count(), AuditEvent.objects.count(), IdempotencyKey.objects.count())
    # when ¥10,001 is released / then a Japanese error and nothing was written
    with pytest.raises(DomainError, match="仮払いの残高"):
        services.escrow_release(
            escrow=escrow, amount=10_001, worker=worker, actor=None, idempotency_key=key()
        )
    assert (Posting.objects.count(), AuditEvent.objects.count(), IdempotencyKey.objects.count()) == before
    assert not Settlement.objects.exists()


def test_release_to_another_worker_is_refused() -> None:
    # given an escrow linked to one worker / when released to another / then refused
    escrow = funded_escrow(10_000, worker=WorkerFactory())
    with pytest.raises(DomainError, match="別のワーカー"):
        services.escrow_release(
            escrow=escrow, amount=1_000, worker=WorkerFactory(), actor=None, idempotency_key=key()
        )


def test_task_plan_fee_is_flat() -> None:
    # given a task-batch escrow
    worker = WorkerFactory()
    escrow = funded_escrow(300_000, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    # when released / then 20 % flat, no tiers
    s = services.escrow_release(
        escrow=escrow, amount=300_000, worker=worker, actor=None, idempotency_key=key()
    )
    assert (s.fee, s.fee_tax) == (60_000, 6_000)


def test_refund_goes_to_the_client_refundable_balance_then_out() -> None:
    # given ¥8,000 held
    escrow = funded_escrow(8_000)
    # when ¥5,000 is refunded
    s = services.escrow_refund(escrow=escrow, amount=5_000, actor=None, idempotency_key=key())
    # then the client may use or withdraw it
    assert s.client_amount == 5_000
    assert selectors.client_balances(escrow.client).refundable == 5_000
    assert selectors.escrow_held(escrow) == 3_000
    # when it is sent back to the card / then it is money out of the provider clearing account
    services.client_money_out(
        client=escrow.client,
        amount=5_000,
        destination=FundingSource.PROVIDER,
        provider="stripe",
        actor=None,
        idempotency_key=key(),
    )
    assert selectors.client_balances(escrow.client).refundable == 0
    assert balance("Assets:Clearing:Stripe") == -5_000
    with pytest.raises(DomainError, match="返金可能残高"):
        services.client_money_out(
            client=escrow.client,
            amount=1,
            destination=FundingSource.BANK_TRANSFER,
            actor=None,
            idempotency_key=key(),
        )
    assert_balanced()


def test_split_releases_and_refunds_in_one_entry() -> None:
    # given ¥30,000 held in a dispute
    worker = WorkerFactory()
    escrow = funded_escrow(30_000, worker=worker)
    # when the decision gives ¥20,000 to the worker and ¥10,000 back
    s = services.escrow_split(
        escrow=escrow,
        worker=worker,
        worker_amount=20_000,
        client_amount=10_000,
        actor=None,
        idempotency_key=key(),
    )
    # then one entry does both
    assert s.entry.postings.count() == 5  # held, payable, fee, tax, refundable
    assert (s.worker_gross, s.fee, s.fee_tax, s.client_amount) == (20_000, 4_000, 400, 10_000)
    assert selectors.escrow_held(escrow) == 0
    assert selectors.worker_balances(worker).available == 15_600
    assert selectors.client_balances(escrow.client).refundable == 10_000


def test_split_of_nothing_is_refused() -> None:
    escrow = funded_escrow(1_000)
    with pytest.raises(DomainError, match="分ける金額"):
        services.escrow_split(
            escrow=escrow,
            worker=WorkerFactory(),
            worker_amount=0,
            client_amount=0,
            actor=None,
            idempotency_key=key(),
        )


# --- payouts ---------------------------------------------------------------------------------------------


def _worker_with(available: int) -> Any:
    worker = WorkerFactory()
    gross = available * 100 // 78  # 20 % fee + 2 % tax
    escrow = funded_escrow(gross + 100, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    services.escrow_release(escrow=escrow, amount=gross, worker=worker, actor=None, idempotency_key=key())
    return worker


def test_payout_reserve_then_settle() -> None:
    # given a worker with money available
    worker = _worker_with(10_000)
    available = selectors.worker_balances(worker).available
    # when they ask for ¥5,000 and the transfer succeeds
    hold = services.payout_reserve(
        worker=worker, amount=5_000, transfer_fee=250, actor=worker, idempotency_key=key()
    )
    mid = selectors.worker_balances(worker)
    services.payout_settle(hold=hold, actor=None, idempotency_key=key())
    # then it leaves available at once, is in transit, then paid (minus the fee)
    assert (mid.available, mid.in_transit) == (available - 5_000, 5_000)
    after = selectors.worker_balances(worker)
    assert (after.available, after.in_transit, after.paid) == (available - 5_000, 0, 4_750)
    assert balance("Expenses:BankFees") == 250
    assert balance("Income:Fees:Transfer") == -250
    assert_balanced()


def test_a_hold_reads_its_outcome_from_its_final_entry_and_is_booked_once() -> None:
    # given a reserved hold: open, no final entry
    worker = _worker_with(10_000)
    hold = services.payout_reserve(
        worker=worker, amount=5_000, transfer_fee=250, actor=worker, idempotency_key=key()
    )
    assert (hold.outcome, hold.is_open, hold.is_settled) == (HoldOutcome.RESERVED, True, False)
    # when it is settled
    services.payout_settle(hold=hold, actor=None, idempotency_key=key())
    # then it reads as settled from the entry's kind, and neither a second settle nor a fail moves money
    settled = PayoutHold.objects.get(pk=hold.pk)
    assert settled.outcome == HoldOutcome.SETTLED and settled.is_settled and not settled.is_failed
    before = selectors.worker_balances(worker)
    for call in (services.payout_settle, services.payout_fail):
        with pytest.raises(InvalidTransition, match="「振込済み」のため、もう変更できません"):
            call(hold=hold, actor=None, idempotency_key=key())
    assert selectors.worker_balances(worker) == before
    assert_balanced()


def test_failed_payout_returns_everything_including_the_fee() -> None:
    # given a reserved payout
    worker = _worker_with(10_000)
    available = selectors.worker_balances(worker).available
    hold = services.payout_reserve(
        worker=worker, amount=3_000, transfer_fee=250, actor=worker, idempotency_key=key()
    )
    # when the bank rejects it
    failed = services.payout_fail(hold=hold, actor=None, idempotency_key=key())
    # then the whole ¥3,000 is available again, and it cannot be settled afterwards
    assert failed.outcome == HoldOutcome.FAILED and failed.is_failed and not failed.is_open
    assert selectors.worker_balances(worker).available == available
    with pytest.raises(InvalidTransition, match="「振込できませんでした」のため、もう変更できません"):
        services.payout_settle(hold=hold, actor=None, idempotency_key=key())


@pytest.mark.parametrize(("amount", "message"), [(999, "¥1,000から"), (10**7, "出金できる残高")])
def test_payout_limits(amount: int, message: str) -> None:
    # given a worker with about ¥10,000 / when they ask for too little or too much / then refused, nothing saved
    worker = _worker_with(10_000)
    with pytest.raises(DomainError, match=message):
        services.payout_reserve(
            worker=worker, amount=amount, transfer_fee=250, actor=worker, idempotency_key=key()
        )
    assert not PayoutHold.objects.exists()


def test_payout_minimum_is_allowed() -> None:
    worker = _worker_with(10_000)
    hold = services.payout_reserve(
        worker=worker, amount=1_000, transfer_fee=250, actor=worker, idempotency_key=key()
    )
    assert hold.net_amount == 750


# --- idempotency, for every money-moving service ---------------------------------------------------------


def _scenario() -> dict[str, Any]:
    worker = WorkerFactory()
    escrow = funded_escrow(500_000, worker=worker)
    refunded = funded_escrow(5_000)
    services.escrow_refund(escrow=refunded, amount=5_000, actor=None, idempotency_key=key())
    pending = services.escrow_fund(
        escrow=escrow, amount=1_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    pending2 = services.escrow_fund(
        escrow=escrow, amount=2_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    services.escrow_release(escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key())
    holds = [
        services.payout_reserve(
            worker=worker, amount=2_000, transfer_fee=250, actor=None, idempotency_key=key()
        )
        for _ in range(2)
    ]
    return {
        "worker": worker,
        "escrow": escrow,
        "client": refunded.client,
        "pending": pending,
        "pending2": pending2,
        "holds": holds,
    }


CALLS: dict[
    str,
    tuple[
        Callable[..., Any],
        Callable[[dict[str, Any]], dict[str, Any]],
        Callable[[dict[str, Any]], dict[str, Any]],
    ],
] = {
    "escrow_open": (
        services.escrow_open,
        lambda s: {
            "client": s["client"],
            "reference": "task:1",
            "fee_group": "task:1",
            "fee_plan": FeePlan.TASK_FLAT,
            "withholding": False,
        },
        lambda s: {
            "client": s["client"],
            "reference": "task:2",
            "fee_group": "task:2",
            "fee_plan": FeePlan.TASK_FLAT,
            "withholding": False,
        },
    ),
    "escrow_fund": (
        services.escrow_fund,
        lambda s: {"escrow": s["escrow"], "amount": 1_000, "source": FundingSource.BANK_TRANSFER},
        lambda s: {"escrow": s["escrow"], "amount": 1_001, "source": FundingSource.BANK_TRANSFER},
    ),
    "funding_post": (
        services.funding_post,
        lambda s: {"funding": s["pending"]},
        lambda s: {"funding": s["pending2"]},
    ),
    "funding_void": (
        services.funding_void,
        lambda s: {"funding": s["pending"]},
        lambda s: {"funding": s["pending2"]},
    ),
    "escrow_release": (
        services.escrow_release,
        lambda s: {"escrow": s["escrow"], "amount": 10_000, "worker": s["worker"]},
        lambda s: {"escrow": s["escrow"], "amount": 10_001, "worker": s["worker"]},
    ),
    "escrow_refund": (
        services.escrow_refund,
        lambda s: {"escrow": s["escrow"], "amount": 10_000},
        lambda s: {"escrow": s["escrow"], "amount": 9_999},
    ),
    "escrow_split": (
        services.escrow_split,
        lambda s: {
            "escrow": s["escrow"],
            "worker": s["worker"],
            "worker_amount": 5_000,
            "client_amount": 5_000,
        },
        lambda s: {
            "escrow": s["escrow"],
            "worker": s["worker"],
            "worker_amount": 6_000,
            "client_amount": 4_000,
        },
    ),
    "client_money_out": (
        services.client_money_out,
        lambda s: {"client": s["client"], "amount": 1_000, "destination": FundingSource.BANK_TRANSFER},
        lambda s: {"client": s["client"], "amount": 2_000, "destination": FundingSource.BANK_TRANSFER},
    ),
    "payout_reserve": (
        services.payout_reserve,
        lambda s: {"worker": s["worker"], "amount": 1_000, "transfer_fee": 250},
        lambda s: {"worker": s["worker"], "amount": 1_500, "transfer_fee": 250},
    ),
    "payout_settle": (
        services.payout_settle,
        lambda s: {"hold": s["holds"][0]},
        lambda s: {"hold": s["holds"][1]},
    ),
    "payout_fail": (
        services.payout_fail,
        lambda s: {"hold": s["holds"][0]},
        lambda s: {"hold": s["holds"][1]},
    ),
    "entry_reverse": (
        services.entry_reverse,
        lambda s: {"entry": Settlement.objects.get(kind="refund").entry},
        lambda s: {"entry": Settlement.objects.get(kind="release").entry},
    ),
}


def _counts() -> tuple[int, ...]:
    return (
        JournalEntry.objects.count(),
        Posting.objects.count(),
        AuditEvent.objects.count(),
        IdempotencyKey.objects.count(),
        Escrow.objects.count(),
        Funding.objects.count(),
        Settlement.objects.count(),
        PayoutHold.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(CALLS))
def test_same_key_same_params_returns_the_first_result(name: str) -> None:
    # given a scenario and one successful call
    call, params, _ = CALLS[name]
    s = _scenario()
    first = call(**params(s), actor=None, idempotency_key="same-key")
    counts = _counts()
    # when the very same request is retried
    again = call(**params(s), actor=None, idempotency_key="same-key")
    # then the first result comes back and nothing new is written
    assert (type(again), again.pk) == (type(first), first.pk)
    assert _counts() == counts


@pytest.mark.parametrize("name", sorted(CALLS))
def test_same_key_other_params_is_refused(name: str) -> None:
    # given one successful call
    call, params, other = CALLS[name]
    s = _scenario()
    call(**params(s), actor=None, idempotency_key="same-key")
    counts = _counts()
    # when the key is reused for a different request / then a Conflict with the one mismatch code, a kind
    # Japanese message, and nothing written
    with pytest.raises(Conflict, match="別の内容で受け付けています") as info:
        call(**other(s), actor=None, idempotency_key="same-key")
    assert info.value.code == ErrorCode.IDEMPOTENCY_MISMATCH
    assert _counts() == counts


def test_a_failed_request_does_not_burn_its_key() -> None:
    # given a release refused for want of money
    worker = WorkerFactory()
    escrow = funded_escrow(1_000, worker=worker)
    with pytest.raises(DomainError):
        services.escrow_release(escrow=escrow, amount=2_000, worker=worker, actor=None, idempotency_key="k")
    # when it is retried with the same key after more money arrived / then it goes through
    fund(escrow, 1_000)
    s = services.escrow_release(escrow=escrow, amount=2_000, worker=worker, actor=None, idempotency_key="k")
    assert s.worker_gross == 2_000


# --- corrections and append-only ----------------------------------------------------------------------


def test_entry_reverse_posts_the_opposite_once() -> None:
    # given a refund entry
    escrow = funded_escrow(4_000)
    s = services.escrow_refund(escrow=escrow, amount=4_000, actor=None, idempotency_key=key())
    # when it is reversed
    reversal = services.entry_reverse(entry=s.entry, actor=None, idempotency_key=key())
    # then the money is back in the escrow, the original is untouched and cannot be reversed twice
    assert reversal.reverses_id == s.entry.pk
    assert selectors.escrow_held(escrow) == 4_000
    assert selectors.client_balances(escrow.client).refundable == 0
    with pytest.raises(DomainError, match="すでに取り消されています"):
        services.entry_reverse(entry=s.entry, actor=None, idempotency_key=key())
    with pytest.raises(DomainError, match="さらに取り消せません"):
        services.entry_reverse(entry=reversal, actor=None, idempotency_key=key())
    assert_balanced()


def test_reversing_a_release_already_paid_out_is_refused() -> None:
    # given a release whose money was reserved for payout
    worker = WorkerFactory()
    escrow = funded_escrow(10_000, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    s = services.escrow_release(
        escrow=escrow, amount=10_000, worker=worker, actor=None, idempotency_key=key()
    )
    services.payout_reserve(worker=worker, amount=7_800, transfer_fee=250, actor=None, idempotency_key=key())
    # when it is reversed / then refused: the worker payable would go below zero
    with pytest.raises(DomainError, match="出金できる残高"):
        services.entry_reverse(entry=s.entry, actor=None, idempotency_key=key())


def test_ledger_rows_refuse_update_and_delete() -> None:
    # given a posted entry
    escrow = funded_escrow(1_000)
    entry = JournalEntry.objects.get()
    posting = entry.postings.first()
    assert posting is not None
    # when code tries to change or delete it / then refused every way
    posting.amount = 5
    with pytest.raises(AppendOnlyError):
        posting.save()
    with pytest.raises(AppendOnlyError):
        posting.delete()
    with pytest.raises(AppendOnlyError):
        Posting.objects.filter(pk=posting.pk).update(amount=5)
    with pytest.raises(AppendOnlyError):
        JournalEntry.objects.all().delete()
    assert selectors.escrow_held(escrow) == 1_000


@pytest.mark.django_db(transaction=True)
def test_internal_writer_refuses_to_run_outside_a_transaction() -> None:
    # given no surrounding transaction / when the posting writer is called directly / then refused
    bank = services.system_account(AccountKind.PLATFORM_BANK)
    with pytest.raises(services.LedgerOutsideTransaction):
        _journal._post_entry(kind="funding", lines=[(bank, 1), (bank, -1)])


def test_crash_after_the_postings_are_written_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # given ¥50,000 held, and a posting writer that writes all of an entry's postings (one INSERT) and
    # then fails, before the settlement, the audit row and the key's result are written
    worker = WorkerFactory()
    escrow = funded_escrow(50_000, worker=worker, withholding=True)
    counts = _counts()
    real = _journal._write_postings
    written: list[list[int]] = []

    def crash_after(entry: JournalEntry, lines: Any) -> list[Posting]:
        postings = real(entry, lines)
        written.append([p.amount for p in postings])
        assert Posting.objects.filter(entry=entry).count() == len(lines)  # really in the database
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_journal, "_write_postings", crash_after)
    # when a release crashes right after its postings landed
    with pytest.raises(RuntimeError):
        services.escrow_release(
            escrow=escrow, amount=50_000, worker=worker, actor=None, idempotency_key="crash"
        )
    # then no entry, posting, settlement, key or audit row survives, and the money is still held
    assert written and written[0][0] == 50_000 and sum(written[0]) == 0
    assert _counts() == counts
    assert not IdempotencyKey.objects.filter(key="crash").exists()
    assert selectors.escrow_held(escrow) == 50_000


def test_crash_before_the_postings_leaves_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # given ¥50,000 held, and a posting writer that fails once the entry row exists but before its postings
    worker = WorkerFactory()
    escrow = funded_escrow(50_000, worker=worker)
    counts = _counts()

    def crash(entry: JournalEntry, lines: Any) -> list[Posting]:
        assert JournalEntry.objects.filter(pk=entry.pk).exists()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(_journal, "_write_postings", crash)
    # when a release crashes between its entry and its postings
    with pytest.raises(RuntimeError):
        services.escrow_release(
            escrow=escrow, amount=50_000, worker=worker, actor=None, idempotency_key="crash-early"
        )
    # then nothing of it remains
    assert _counts() == counts
    assert not IdempotencyKey.objects.filter(key="crash-early").exists()
    assert selectors.escrow_held(escrow) == 50_000


# --- PostgreSQL's own guards ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_triggers_forbid_update_and_delete() -> None:
    # given a posting
    funded_escrow(1_000)
    posting = Posting.objects.first()
    assert posting is not None
    # when raw SQL tries to change or delete it / then the database refuses
    for sql in (
        "UPDATE ledger_posting SET amount = 5 WHERE id = %s",
        "DELETE FROM ledger_posting WHERE id = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [posting.pk])


@pytest.mark.postgres
def test_postgres_deferred_trigger_rejects_an_unbalanced_entry() -> None:
    # given an entry
    funded_escrow(1_000)
    entry = JournalEntry.objects.first()
    assert entry is not None
    bank = services.system_account(AccountKind.PLATFORM_BANK)
    # when an extra one-sided posting is inserted and the deferred check runs (as at COMMIT)
    with (
        pytest.raises(Exception, match="does not balance"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO ledger_posting (entry_id, account_id, amount) VALUES (%s, %s, 7)",
            [entry.pk, bank.pk],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # then it is gone
    assert not Posting.objects.filter(amount=7).exists()


# --- yearly payment record ----------------------------------------------------------------------------------


def test_payment_record_totals_by_calendar_year_in_japan(frozen_clock: Any) -> None:
    import datetime as dt

    from hataraku.core.clock import TOKYO

    # given releases on 2026-12-31 23:30 and 2027-01-01 00:30 Japan time
    worker = WorkerFactory()
    escrow = funded_escrow(300_000, worker=worker, withholding=True)
    frozen_clock.set(dt.datetime(2026, 12, 31, 23, 30, tzinfo=TOKYO))
    services.escrow_release(escrow=escrow, amount=100_000, worker=worker, actor=None, idempotency_key=key())
    frozen_clock.set(dt.datetime(2027, 1, 1, 0, 30, tzinfo=TOKYO))
    services.escrow_release(escrow=escrow, amount=200_000, worker=worker, actor=None, idempotency_key=key())
    # when the records are read / then each year has its own totals
    r2026 = selectors.payment_record(year=2026, worker=worker, client=escrow.client)
    r2027 = selectors.payment_record(year=2027, worker=worker, client=escrow.client)
    assert (r2026.paid, r2026.withheld) == (100_000, 10_210)
    assert (r2027.paid, r2027.withheld) == (200_000, 20_420)
    assert selectors.payment_record(year=2025, worker=worker, client=escrow.client).paid == 0


def test_a_stale_cached_system_account_is_noticed_and_looked_up_afresh(frozen_clock: Any) -> None:
    # given the fee income account cached by this process from a transaction that then rolled back
    # (what a test's rollback or a flushed database does under a long-lived process)
    worker = WorkerFactory()
    escrow = funded_escrow(50_000, worker=worker)
    _accounts._CACHE.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        _accounts._system(AccountKind.FEE_INCOME)
        raise RuntimeError("rolled back")
    stale = _accounts._system(AccountKind.FEE_INCOME)
    assert not Account.objects.filter(pk=stale.pk, code=stale.code).exists()
    # when a release books its fee
    settlement = services.escrow_release(
        escrow=escrow, amount=50_000, worker=worker, actor=None, idempotency_key=key()
    )
    # then the fee lands on the real fee income account, and the cache now holds that one
    fee_income = Account.objects.get(code="Income:Fees:Platform")
    assert settlement.entry.postings.get(account=fee_income).amount == -settlement.fee
    assert _accounts._system(AccountKind.FEE_INCOME).pk == fee_income.pk
    assert sum(selectors.trial_balance().values()) == 0

"""The ledger under random sequences of everything people and banks can do.

A Hypothesis state machine opens escrows, funds them (pending), posts or voids fundings, releases whole
or in part, refunds, splits, reserves payouts and settles or fails them, sends refunds back out, and
retries requests with the same idempotency key. A simple model (expected yen held per escrow) runs
beside it. After every step these invariants must hold:

1. Double entry: every journal entry's postings sum to zero, so total debits = total credits.
2. Nothing below zero: no escrow held, worker payable, in-transit or client refundable account has a
   debit balance (we never owe less than nothing).
3. Money in = money out + held. Precisely, with
     money in  = posted fundings paid from outside (bank transfer or provider; not from a client's
                 refundable balance, which is money already inside),
     money out = settled payouts (the whole amount: net to the worker's bank plus the bank's charge)
                 + refunds sent back to a client's card or bank,
     held      = escrow held + worker payables + payouts in transit + client refundable
                 + consumption tax payable + withholding payable + fee income + transfer-fee income
                 − bank fees expense,
   money in − money out = held, to the yen.
4. The model: each escrow holds exactly what the model expects.

In CI it runs derandomised (fixed seed) and small; `bench/ledger_stateful.py` runs it long and keeps
statistics (env LEDGER_STATEFUL_EXAMPLES / LEDGER_STATEFUL_STEPS / LEDGER_STATEFUL_STATS).
"""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from hataraku.core.errors import DomainError, InvalidTransition
from hataraku.ledger import selectors, services
from hataraku.ledger.constants import (
    NON_NEGATIVE_KINDS,
    AccountKind,
    EntryKind,
    FeePlan,
    FundingSource,
    FundingStatus,
)
from hataraku.ledger.models import Escrow, Funding, JournalEntry, PayoutHold, Posting

from .factories import ClientFactory, WorkerFactory

EXAMPLES = int(os.environ.get("LEDGER_STATEFUL_EXAMPLES", "20"))
STEPS = int(os.environ.get("LEDGER_STATEFUL_STEPS", "30"))
STATS_FILE = os.environ.get("LEDGER_STATEFUL_STATS", "")

_keys = itertools.count(1)
amounts = st.integers(min_value=1, max_value=400_000)


def new_key() -> str:
    return f"sm-{next(_keys)}"


class LedgerMachine(RuleBasedStateMachine):
    people: dict[str, list[Any]] = {}
    stats: Counter[str] = Counter()

    escrows = Bundle("escrows")
    fundings = Bundle("fundings")
    holds = Bundle("holds")

    def __init__(self) -> None:
        super().__init__()
        # Each example runs in a savepoint that is rolled back at teardown, so examples never see each
        # other's money.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.expected_held: dict[int, int] = {}
        self.escrow_objects: dict[int, Escrow] = {}
        self.available: Counter[int] = Counter()  # worker pk → expected payable
        self.refundable: Counter[int] = Counter()  # client pk → expected refundable balance
        self.last_call: tuple[Any, dict[str, Any]] | None = None
        type(self).stats["examples"] += 1

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _call(self, name: str, fn: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("idempotency_key", new_key())
        try:
            result = fn(actor=None, **kwargs)
        except DomainError as exc:
            type(self).stats[f"{name}:refused:{exc.code}"] += 1
            raise
        type(self).stats[f"{name}:ok"] += 1
        self.last_call = (fn, kwargs)
        return result

    # --- rules ---------------------------------------------------------------------------------------

    @rule(
        target=escrows,
        client=st.integers(0, 1),
        worker=st.integers(0, 1),
        plan=st.sampled_from([FeePlan.PROJECT_TIERED, FeePlan.TASK_FLAT]),
        withholding=st.booleans(),
        group=st.integers(0, 2),
    )
    def open(self, client: int, worker: int, plan: str, withholding: bool, group: int) -> Escrow:
        escrow = self._call(
            "open",
            services.escrow_open,
            client=self.people["clients"][client],
            worker=self.people["workers"][worker],
            reference=f"milestone:{new_key()}",
            fee_group=f"contract:{worker}-{group}",
            fee_plan=plan,
            withholding=withholding,
        )
        self.expected_held[escrow.pk] = 0
        self.escrow_objects[escrow.pk] = escrow
        return escrow

    @rule(
        target=fundings, escrow=escrows, amount=amounts, source=st.sampled_from(["bank", "stripe", "balance"])
    )
    def fund(self, escrow: Escrow, amount: int, source: str) -> Any:
        kwargs: dict[str, Any] = {"source": FundingSource.BANK_TRANSFER}
        if source == "stripe":
            kwargs = {"source": FundingSource.PROVIDER, "provider": "stripe"}
        elif source == "balance":
            kwargs = {"source": FundingSource.CLIENT_BALANCE}
        try:
            funding = self._call("fund", services.escrow_fund, escrow=escrow, amount=amount, **kwargs)
        except DomainError as exc:
            # only a funding from the balance can be refused, and only for more than the balance holds
            assert exc.code == "insufficient_balance" and source == "balance"
            assert amount > self.refundable[escrow.client_id]
            return multiple()
        if source == "balance":
            # set aside at once: two fundings can never count on the same yen
            self.refundable[escrow.client_id] -= amount
        return funding

    @rule(target=fundings, escrow=escrows, amount=amounts)
    def fund_and_post(self, escrow: Escrow, amount: int) -> Funding:
        funding = self._call(
            "fund", services.escrow_fund, escrow=escrow, amount=amount, source=FundingSource.BANK_TRANSFER
        )
        self.post(funding)
        return funding  # type: ignore[no-any-return]

    @rule(funding=fundings)
    def post(self, funding: Funding) -> None:
        funding.refresh_from_db()
        try:
            self._call("post", services.funding_post, funding=funding)
        except InvalidTransition:
            assert funding.status != FundingStatus.PENDING
            return
        # a pending funding always posts: money from the balance was set aside when it was made
        self.expected_held[funding.escrow_id] += funding.amount

    @rule(funding=fundings)
    def void(self, funding: Funding) -> None:
        funding.refresh_from_db()
        try:
            self._call("void", services.funding_void, funding=funding)
        except InvalidTransition:
            assert funding.status != FundingStatus.PENDING
            return
        if funding.source == FundingSource.CLIENT_BALANCE:
            self.refundable[funding.escrow.client_id] += funding.amount

    def _settle(self, name: str, fn: Any, escrow: Escrow, total: int, **kwargs: Any) -> None:
        held = self.expected_held[escrow.pk]
        try:
            settlement = self._call(name, fn, escrow=escrow, **kwargs)
        except DomainError as exc:
            assert exc.code == "insufficient_balance" and total > held, (exc, total, held)
            return
        assert total <= held
        self.expected_held[escrow.pk] = held - total
        if settlement.worker_id is not None:
            self.available[settlement.worker_id] += settlement.worker_net
        self.refundable[escrow.client_id] += settlement.client_amount
        assert settlement.worker_net + settlement.fee + settlement.fee_tax + settlement.withholding == (
            settlement.worker_gross
        )

    def _pick(self, escrow: Escrow, data: st.DataObject) -> Escrow:
        """Mostly an escrow that holds money (random bundle draws are usually empty escrows)."""
        funded = sorted(pk for pk, held in self.expected_held.items() if held > 0)
        if funded and data.draw(st.integers(0, 4)) > 0:
            return self.escrow_objects[data.draw(st.sampled_from(funded))]
        return escrow

    @rule(escrow=escrows, data=st.data())
    def release(self, escrow: Escrow, data: st.DataObject) -> None:
        escrow = self._pick(escrow, data)
        amount = self._draw_amount(escrow, data)
        self._settle("release", services.escrow_release, escrow, amount, amount=amount, worker=escrow.worker)

    @rule(escrow=escrows, data=st.data())
    def refund(self, escrow: Escrow, data: st.DataObject) -> None:
        escrow = self._pick(escrow, data)
        amount = self._draw_amount(escrow, data)
        self._settle("refund", services.escrow_refund, escrow, amount, amount=amount)

    def _draw_amount(self, escrow: Escrow, data: st.DataObject) -> int:
        """Whole, part, or any amount (often more than is held)."""
        held = self.expected_held[escrow.pk]
        choice = data.draw(st.sampled_from(["whole", "part", "any"]))
        if held and choice == "whole":
            return held
        if held and choice == "part":
            return data.draw(st.integers(1, held))
        return data.draw(amounts)

    @rule(escrow=escrows, data=st.data())
    def split(self, escrow: Escrow, data: st.DataObject) -> None:
        escrow = self._pick(escrow, data)
        held = self.expected_held[escrow.pk]
        worker_amount = data.draw(st.integers(0, max(held, 1)))
        client_amount = data.draw(st.sampled_from([held - worker_amount, 1]) | st.integers(0, 200_000))
        if worker_amount + client_amount <= 0:
            return
        self._settle(
            "split",
            services.escrow_split,
            escrow,
            worker_amount + client_amount,
            worker=escrow.worker,
            worker_amount=worker_amount,
            client_amount=client_amount,
        )

    @precondition(lambda self: any(v >= 1_000 for v in self.available.values()))
    @rule(target=holds, worker=st.integers(0, 1), data=st.data())
    def reserve(self, worker: int, data: st.DataObject) -> Any:
        person = self.people["workers"][worker]
        if self.available[person.pk] < 1_000:  # mostly ask as the worker who has money
            person = self.people["workers"][1 - worker]
        available = self.available[person.pk]
        amount = data.draw(st.sampled_from([available, 999, 1_000]) | st.integers(500, max(available, 1_000)))
        try:
            hold = self._call(
                "reserve", services.payout_reserve, worker=person, amount=amount, transfer_fee=250
            )
        except DomainError as exc:
            assert amount < 1_000 or amount > available, (exc, amount, available)
            return None
        assert 1_000 <= amount <= available
        self.available[person.pk] -= amount
        return hold

    @rule(hold=holds, settle=st.booleans())
    def finish_payout(self, hold: PayoutHold | None, settle: bool) -> None:
        if hold is None:
            return
        hold.refresh_from_db()
        fn = services.payout_settle if settle else services.payout_fail
        try:
            self._call("settle" if settle else "fail", fn, hold=hold)
        except InvalidTransition:
            assert not hold.is_open
            return
        if not settle:
            self.available[hold.worker_id] += hold.amount

    @precondition(lambda self: any(v > 0 for v in self.refundable.values()))
    @rule(client=st.integers(0, 1), data=st.data())
    def money_out(self, client: int, data: st.DataObject) -> None:
        person = self.people["clients"][client]
        if not self.refundable[person.pk]:
            person = self.people["clients"][1 - client]
        available = self.refundable[person.pk]
        amount = data.draw(
            st.sampled_from([available or 1, available + 1]) | st.integers(1, max(available, 1))
        )
        try:
            self._call(
                "money_out",
                services.client_money_out,
                client=person,
                amount=amount,
                destination=FundingSource.BANK_TRANSFER,
            )
        except DomainError:
            assert amount > available
            return
        self.refundable[person.pk] -= amount

    @precondition(lambda self: self.last_call is not None)
    @rule()
    def retry_same_request(self) -> None:
        assert self.last_call is not None
        fn, kwargs = self.last_call
        before = Posting.objects.count()
        fn(actor=None, **kwargs)
        assert Posting.objects.count() == before
        type(self).stats["retry:ok"] += 1

    # --- invariants -------------------------------------------------------------------------------------

    @invariant()
    def every_entry_balances(self) -> None:
        unbalanced = Posting.objects.values("entry_id").annotate(total=Sum("amount")).exclude(total=0).count()
        assert unbalanced == 0
        assert (Posting.objects.aggregate(t=Sum("amount"))["t"] or 0) == 0

    @invariant()
    def nothing_below_zero(self) -> None:
        negative = (
            Posting.objects.filter(account__kind__in=NON_NEGATIVE_KINDS)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .filter(total__gt=0)
            .count()
        )
        assert negative == 0

    @invariant()
    def money_in_equals_money_out_plus_held(self) -> None:
        money_in = int(
            Funding.objects.filter(status=FundingStatus.POSTED)
            .exclude(source=FundingSource.CLIENT_BALANCE)
            .aggregate(t=Sum("amount"))["t"]
            or 0
        )
        settled = int(
            PayoutHold.objects.filter(final_entry__kind=EntryKind.PAYOUT_SETTLE).aggregate(t=Sum("amount"))[
                "t"
            ]
            or 0
        )
        sent_back = int(
            Posting.objects.filter(entry__kind=EntryKind.CLIENT_MONEY_OUT, amount__gt=0).aggregate(
                t=Sum("amount")
            )["t"]
            or 0
        )
        totals = selectors.platform_totals()
        held = (
            totals[AccountKind.ESCROW_HELD]
            + totals[AccountKind.WORKER_PAYABLE]
            + totals[AccountKind.WORKER_IN_TRANSIT]
            + totals[AccountKind.CLIENT_REFUNDABLE]
            + totals[AccountKind.CLIENT_RESERVED]
            + totals[AccountKind.CONSUMPTION_TAX_PAYABLE]
            + totals[AccountKind.WITHHOLDING_PAYABLE]
            + totals[AccountKind.FEE_INCOME]
            + totals[AccountKind.TRANSFER_FEE_INCOME]
            - totals[AccountKind.BANK_FEES_EXPENSE]
        )
        assert money_in - settled - sent_back == held

    @invariant()
    def balances_match_the_model(self) -> None:
        for pk, expected in self.expected_held.items():
            assert selectors.escrow_held(Escrow(pk=pk)) == expected
        for person in self.people["workers"]:
            assert selectors.worker_balances(person).available == self.available[person.pk]
        for person in self.people["clients"]:
            assert selectors.client_balances(person).refundable == self.refundable[person.pk]
        assert JournalEntry.objects.filter(kind=EntryKind.REVERSAL).count() == 0


@pytest.mark.django_db
def test_ledger_state_machine(frozen_clock: Any) -> None:
    # given two clients and two workers (made once; each example rolls its own money back)
    LedgerMachine.people = {
        "clients": [ClientFactory(), ClientFactory()],
        "workers": [WorkerFactory(), WorkerFactory()],
    }
    LedgerMachine.stats = Counter()
    # when random sequences run / then the invariants hold after every step (checked by the machine)
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            derandomize=not STATS_FILE,
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    stats = LedgerMachine.stats
    assert stats["examples"] >= EXAMPLES // 2
    assert stats["release:ok"] > 0 and stats["post:ok"] > 0
    if STATS_FILE:
        Path(STATS_FILE).write_text(json.dumps(dict(sorted(stats.items())), ensure_ascii=False, indent=2))

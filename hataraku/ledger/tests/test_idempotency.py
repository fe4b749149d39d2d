"""One idempotency scheme (issue 8, item 5): `hataraku.ledger.idempotency.idempotent` is the one helper —
parameter fingerprint, replay of the first result, a `Conflict` on a changed body — used by the ledger, the
payments services and the API; one code per meaning; forms always carry a key, and a missing key is a
kind "reload the page" error, never a made-up key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services as contracts
from hataraku.contracts.constants import DisputeStatus, MilestoneStatus, WeekStatus
from hataraku.contracts.forms import DisputeDecisionForm
from hataraku.contracts.models import Contract, HourlyWeek
from hataraku.contracts.tests.factories import StaffFactory, active_contract, funded_milestone
from hataraku.core.errors import Conflict, DomainError, ErrorCode
from hataraku.core.forms import IdempotentForm
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory
from hataraku.ledger import services as ledger
from hataraku.ledger.idempotency import idempotent, require_key
from hataraku.ledger.models import IdempotencyKey, JournalEntry
from hataraku.payments import services as payments
from hataraku.payments.forms import PayoutRequestForm
from hataraku.payments.models import Payout, PayoutBatch
from hataraku.payments.tests.factories import BankAccountFactory, WorkerFactory, give_balance, key

pytestmark = pytest.mark.django_db

RELOAD = "処理の識別キーがありません。ページを開き直してからお試しください。"
MISMATCH = "この操作はすでに別の内容で受け付けています。ページを開き直してからお試しください。"


def _worker_with_money() -> Any:
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    return worker


# --- the helper -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", [None, "", "   "])
def test_a_missing_key_has_one_code_and_one_kind_message(missing: Any) -> None:
    # when a key is missing / then one code and one message, wherever it was asked for
    with pytest.raises(DomainError) as info:
        require_key(missing)
    assert (info.value.code, info.value.message) == (ErrorCode.IDEMPOTENCY_KEY_MISSING, RELOAD)


@pytest.mark.parametrize(
    "call",
    [
        lambda w: ledger.payout_reserve(
            worker=w, amount=5_000, transfer_fee=250, actor=w, idempotency_key=""
        ),
        lambda w: payments.payout_request(worker=w, amount=5_000, idempotency_key=""),
    ],
    ids=["ledger", "payments"],
)
def test_ledger_and_payments_refuse_a_missing_key_with_the_same_code(call: Any, frozen_clock: Any) -> None:
    # given a worker with money
    worker = _worker_with_money()
    entries = JournalEntry.objects.count()
    # when a money-moving service gets no key / then the same code as everywhere ("key_missing" is gone)
    with pytest.raises(DomainError) as info:
        call(worker)
    assert info.value.code == ErrorCode.IDEMPOTENCY_KEY_MISSING == "idempotency_key_missing"
    assert JournalEntry.objects.count() == entries


def test_the_helper_replays_the_first_result_and_refuses_a_changed_body(frozen_clock: Any) -> None:
    # given one run of a body under a key
    runs: list[int] = []

    def body(idem: IdempotencyKey) -> IdempotencyKey:
        runs.append(1)
        return idem

    first = idempotent(scope="test", key="k", params={"amount": 1}, body=body)
    # when the same key comes with the same parameters / then the first result, and the body ran once
    assert idempotent(scope="test", key="k", params={"amount": 1}, body=body) == first
    assert runs == [1]
    # when it comes with other parameters / then a Conflict with the one mismatch code, and no run
    with pytest.raises(Conflict) as info:
        idempotent(scope="test", key="k", params={"amount": 2}, body=body)
    assert (info.value.code, info.value.message) == (ErrorCode.IDEMPOTENCY_MISMATCH, MISMATCH)
    assert runs == [1]


# --- payments use the helper --------------------------------------------------------------------------------


def test_payout_request_with_the_same_key_and_another_amount_is_the_helpers_conflict(
    frozen_clock: Any,
) -> None:
    # given a payout asked for with a key
    worker = _worker_with_money()
    first = payments.payout_request(worker=worker, amount=5_000, idempotency_key="mine")
    # then its key is the helper's, stored with its sender
    assert IdempotencyKey.objects.filter(scope="payments.payout_request", key=f"u{worker.pk}:mine").exists()
    # when the same key comes again / then the first payout
    assert payments.payout_request(worker=worker, amount=5_000, idempotency_key="mine") == first
    # when it comes with another amount / then the helper's conflict, and still one payout
    with pytest.raises(Conflict) as info:
        payments.payout_request(worker=worker, amount=6_000, idempotency_key="mine")
    assert info.value.code == ErrorCode.IDEMPOTENCY_MISMATCH
    assert Payout.objects.count() == 1


def test_payout_decisions_and_batches_replay_and_refuse_through_the_helper(frozen_clock: Any) -> None:
    # given two requested payouts gathered in a batch
    staff = StaffFactory()
    one = payments.payout_request(worker=_worker_with_money(), amount=5_000, idempotency_key=key())
    two = payments.payout_request(worker=_worker_with_money(), amount=5_000, idempotency_key=key())
    day = dt.date(2026, 12, 10)
    batch = payments.payout_batch_create(actor=staff, transfer_date=day, idempotency_key="batch")
    # when the batch is asked for again with its key / then the same batch, nothing new
    assert payments.payout_batch_create(actor=staff, transfer_date=day, idempotency_key="batch") == batch
    assert PayoutBatch.objects.count() == 1
    # when one payout is marked paid, and the same key is sent again / then one decision
    payments.payout_mark_paid(payout=one, actor=staff, idempotency_key="decide")
    assert payments.payout_mark_paid(payout=one, actor=staff, idempotency_key="decide").status == "paid"
    # when the same key comes for another payout, or for the other decision / then the helper's conflict
    with pytest.raises(Conflict) as info:
        payments.payout_mark_paid(payout=two, actor=staff, idempotency_key="decide")
    assert info.value.code == ErrorCode.IDEMPOTENCY_MISMATCH
    with pytest.raises(Conflict):
        payments.payout_mark_failed(payout=one, actor=staff, idempotency_key="decide", reason="")
    two.refresh_from_db()
    assert two.status == "batched"


# --- forms always carry a key ---------------------------------------------------------------------------------


def test_a_drawn_form_carries_a_key_and_a_sent_form_without_one_asks_to_reload() -> None:
    # given a drawn form / then it carries a fresh key
    assert PayoutRequestForm().initial["idempotency_key"]
    # when a form arrives without its key / then it is invalid with the kind "reload" error at the top
    form = PayoutRequestForm(data={"amount": "5000"})
    assert not form.is_valid()
    assert form.non_field_errors() == [RELOAD]
    # and every money form shares that rule, the staff dispute decision too
    assert issubclass(DisputeDecisionForm, IdempotentForm)


def test_a_week_approved_without_a_key_is_refused_and_nothing_changes(client: Any, frozen_clock: Any) -> None:
    # given a submitted hourly week
    contract = active_contract(hourly=True, amount=1_200, weekly_hour_cap=10)
    contracts.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=90, memo="入力"
    )
    frozen_clock.advance(dt.timedelta(days=6))
    week = HourlyWeek.objects.get()
    contracts.week_submit(week=week, actor=contract.worker)
    # when the client's approval arrives without its key (an old tab, a hand-made request)
    login_as(client, contract.client)
    url = reverse("contracts:week_approve", args=[contract.pk, week.pk])
    response = client.post(url, {}, follow=True)
    # then the week is still waiting and the page asks to reload (no key was made up to approve it)
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert RELOAD in response.content.decode()


def test_a_dispute_decided_without_a_key_is_a_form_error_and_nothing_moves(client: Any) -> None:
    # given an open dispute on a delivered milestone
    m = funded_milestone(amount=10_000)
    contracts.milestone_deliver(milestone=m, actor=m.contract.worker, message="納品")
    dispute = contracts.dispute_open(
        contract=m.contract, actor=m.contract.worker, reason="返事がない", milestone=m
    )
    # when staff send the decision without its key
    login_as(client, StaffFactory())
    url = reverse("contracts:staff_dispute", args=[dispute.pk])
    response = client.post(url, {"worker_amount": 10_000, "note": "納品は契約どおり"})
    # then the form comes back with the data and the "reload" error; the money has not moved
    assert response.status_code == 200
    assert RELOAD in response.content.decode() and "納品は契約どおり" in response.content.decode()
    m.refresh_from_db()
    dispute.refresh_from_db()
    assert m.status != MilestoneStatus.RELEASED and dispute.status == DisputeStatus.OPEN


def test_an_offer_sent_without_a_key_makes_no_contract_and_asks_to_reload(
    client: Any, frozen_clock: Any
) -> None:
    # given a client looking at a proposal on their job
    job = JobFactory()
    proposal = ProposalFactory(job=job)
    login_as(client, job.client)
    # when the offer arrives without its key
    response = client.post(
        reverse("jobs:proposal_offer", args=[proposal.pk]), {"confirmed": "yes"}, follow=True
    )
    # then no contract is made and the page asks to reload; with the key the offer is made
    assert not Contract.objects.exists()
    assert RELOAD in response.content.decode()
    client.post(
        reverse("jobs:proposal_offer", args=[proposal.pk]), {"idempotency_key": "offer-1", "confirmed": "yes"}
    )
    assert Contract.objects.count() == 1

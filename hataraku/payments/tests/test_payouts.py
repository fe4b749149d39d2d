from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hataraku.core.errors import Conflict, DomainError, InvalidTransition
from hataraku.core.models import AuditEvent
from hataraku.ledger.constants import EntryKind
from hataraku.ledger.selectors import worker_balances
from hataraku.payments import services
from hataraku.payments.constants import PAYOUT_TRANSFER_FEE, PayoutStatus
from hataraku.payments.models import Payout, PayoutBatch, PayoutStatusChange

from .factories import BankAccountFactory, give_balance, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def earning_worker(worker):
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    return worker


def test_request_reserves_the_amount_and_copies_the_bank_account(earning_worker, frozen_clock):
    # given a worker with an available balance and a bank account
    before = worker_balances(earning_worker).available
    # when they ask for ¥10,000
    payout = services.payout_request(worker=earning_worker, amount=10_000, idempotency_key=key())
    # then the ledger holds it, the bank details are copied and the fee is the ledger's
    assert payout.status == PayoutStatus.REQUESTED
    assert payout.hold.amount == 10_000 and payout.hold.final_entry is None
    assert payout.transfer_fee == PAYOUT_TRANSFER_FEE
    assert payout.net_amount == 10_000 - PAYOUT_TRANSFER_FEE
    assert (payout.bank_code, payout.account_number, payout.holder_name) == (
        "0143",
        "1234567",
        "ナカムラ\u3000サクラ",
    )
    assert worker_balances(earning_worker).available == before - 10_000
    assert AuditEvent.objects.filter(action="payments.payout_request", target_id=str(payout.pk)).exists()


def test_same_key_twice_makes_one_payout(earning_worker):
    k = key()
    first = services.payout_request(worker=earning_worker, amount=5_000, idempotency_key=k)
    again = services.payout_request(worker=earning_worker, amount=5_000, idempotency_key=k)
    assert first.pk == again.pk
    assert Payout.objects.count() == 1
    with pytest.raises(Conflict):
        services.payout_request(worker=earning_worker, amount=6_000, idempotency_key=k)


def test_below_minimum_is_refused_and_nothing_saved(earning_worker):
    with pytest.raises(DomainError) as info:
        services.payout_request(worker=earning_worker, amount=999, idempotency_key=key())
    assert info.value.message == "出金は¥1,000からお申し込みいただけます。"
    assert not Payout.objects.exists()


def test_above_available_is_refused_with_the_balance(earning_worker):
    available = worker_balances(earning_worker).available
    with pytest.raises(DomainError) as info:
        services.payout_request(worker=earning_worker, amount=available + 1, idempotency_key=key())
    assert f"¥{available:,}" in info.value.message and "超えています" in info.value.message
    assert not Payout.objects.exists()
    assert worker_balances(earning_worker).available == available


def test_without_bank_account_is_refused(worker):
    give_balance(worker, 50_000)
    with pytest.raises(DomainError) as info:
        services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    assert info.value.code == "no_bank_account"
    assert not Payout.objects.exists()


def _batched(worker, staff, amount=10_000):
    payout = services.payout_request(worker=worker, amount=amount, idempotency_key=key())
    batch = services.payout_batch_create(
        actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=key()
    )
    payout.refresh_from_db()
    return payout, batch


def test_batch_groups_every_requested_payout(earning_worker, staff, frozen_clock):
    # given two requests
    a = services.payout_request(worker=earning_worker, amount=3_000, idempotency_key=key())
    b = services.payout_request(worker=earning_worker, amount=4_000, idempotency_key=key())
    # when staff make a batch (twice with the same key)
    k = key()
    batch = services.payout_batch_create(actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=k)
    again = services.payout_batch_create(actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=k)
    # then one batch holds both, both are batched
    assert batch.pk == again.pk and PayoutBatch.objects.count() == 1
    assert set(batch.payouts.values_list("pk", flat=True)) == {a.pk, b.pk}
    assert set(batch.payouts.values_list("status", flat=True)) == {PayoutStatus.BATCHED}
    # and a new batch with nothing requested is refused
    with pytest.raises(DomainError):
        services.payout_batch_create(actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=key())


def test_batch_date_in_the_past_is_refused(earning_worker, staff, frozen_clock):
    services.payout_request(worker=earning_worker, amount=3_000, idempotency_key=key())
    with pytest.raises(DomainError):
        services.payout_batch_create(actor=staff, transfer_date=dt.date(2026, 11, 30), idempotency_key=key())
    assert not PayoutBatch.objects.exists()


def test_mark_paid_settles_the_hold(earning_worker, staff, frozen_clock):
    payout, _batch = _batched(earning_worker, staff)
    k = key()
    paid = services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=k)
    assert paid.status == PayoutStatus.PAID
    paid.hold.refresh_from_db()
    assert paid.hold.final_entry is not None and paid.hold.final_entry.kind == EntryKind.PAYOUT_SETTLE
    # a replay with the same key changes nothing; a different move is refused
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=k)
    assert PayoutStatusChange.objects.filter(payout=payout, to_status=PayoutStatus.PAID).count() == 1
    with pytest.raises(InvalidTransition):
        services.payout_mark_failed(payout=payout, actor=staff, idempotency_key=key())


def test_mark_failed_returns_the_money(earning_worker, staff, frozen_clock):
    available = worker_balances(earning_worker).available
    payout, _batch = _batched(earning_worker, staff)
    assert worker_balances(earning_worker).available == available - 10_000
    failed = services.payout_mark_failed(
        payout=payout, actor=staff, idempotency_key=key(), reason="口座番号違い"
    )
    assert failed.status == PayoutStatus.FAILED and failed.failure_reason == "口座番号違い"
    assert worker_balances(earning_worker).available == available


def test_requested_payout_cannot_be_marked_paid(earning_worker, staff):
    payout = services.payout_request(worker=earning_worker, amount=3_000, idempotency_key=key())
    with pytest.raises(InvalidTransition):
        services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=key())
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REQUESTED
    assert payout.hold.final_entry is None


def test_zengin_file_for_a_batch_uses_net_amounts(earning_worker, staff, frozen_clock):
    from hataraku.payments.zengin import build_transfer_file

    payout, batch = _batched(earning_worker, staff, amount=10_000)
    body = build_transfer_file(
        batch,
        company_code="1234567890",
        company_name_kana="ハタラク（カ",
        transfer_date=batch.transfer_date,
        bank_code="0005",
        branch_code="123",
        account_type="1",
        account_number="7654321",
    )
    records = body[:-2].split(b"\r\n")
    assert [len(r) for r in records] == [120] * 4
    assert int(records[1][80:90]) == payout.net_amount == 10_000 - PAYOUT_TRANSFER_FEE
    assert int(records[2][7:19]) == payout.net_amount


def test_the_worker_is_told_once_when_her_payout_is_paid(earning_worker, staff, frozen_clock):
    from hataraku.messaging.models import Notification
    from hataraku.payments.notices import PAYOUT_PAID

    # given a batched payout of ¥10,000
    payout, _batch = _batched(earning_worker, staff)
    # when staff mark it paid, and the same answer arrives again
    k = key()
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=k)
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=k)
    # then she has one notice with what reached her bank (the amount less the transfer fee)
    notices = Notification.objects.filter(user=earning_worker, code=PAYOUT_PAID)
    assert notices.count() == 1
    notice = notices.get()
    assert notice.params["amount"] == f"{10_000 - PAYOUT_TRANSFER_FEE:,}"
    assert notice.url == reverse("payments:payout_list")
    assert "振り込みました" in notice.display_title


def test_the_worker_is_told_when_her_payout_comes_back(earning_worker, staff, frozen_clock):
    from hataraku.messaging.models import Notification
    from hataraku.payments.notices import PAYOUT_FAILED, PAYOUT_PAID

    # given a batched payout of ¥10,000
    payout, _batch = _batched(earning_worker, staff)
    # when the bank returns it
    services.payout_mark_failed(payout=payout, actor=staff, idempotency_key=key(), reason="口座番号違い")
    # then she is told the whole amount is back in her balance, and nothing says it was paid
    notice = Notification.objects.get(user=earning_worker, code=PAYOUT_FAILED)
    assert notice.params["amount"] == "10,000"
    assert "残高に戻しました" in notice.display_body
    assert not Notification.objects.filter(user=earning_worker, code=PAYOUT_PAID).exists()

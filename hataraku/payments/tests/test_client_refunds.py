"""A client's refundable balance leaves the platform: to her bank through the staff's payout batches, or into
her next funding. Also the return documents (適格返還請求書) and the payment records after refunds."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services as contracts
from hataraku.contracts.tests.factories import active_contract
from hataraku.core.errors import Conflict, DomainError, InvalidTransition
from hataraku.core.models import AuditEvent
from hataraku.core.privacy import deletion_blockers
from hataraku.ledger import selectors as ledger_selectors
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import AccountKind, EntryKind, FundingSource, FundingStatus
from hataraku.ledger.models import Funding, JournalEntry
from hataraku.ledger.selectors import client_balances, escrow_held, payment_record
from hataraku.messaging.models import Notification
from hataraku.payments import selectors, services
from hataraku.payments.constants import (
    CLIENT_WITHDRAWAL_BANK_CHARGE,
    CLIENT_WITHDRAWAL_MACHINE,
    ClientWithdrawalStatus,
    DocumentKind,
    PayoutStatus,
)
from hataraku.payments.models import ClientWithdrawal, InvoiceDocument, PayoutBatch, ProviderFunding
from hataraku.payments.services import fundings
from hataraku.payments.zengin import build_transfer_file

from .factories import (
    BankAccountFactory,
    ClientFactory,
    StaffFactory,
    WorkerFactory,
    give_balance,
    key,
    open_escrow,
)

pytestmark = pytest.mark.django_db

S = ClientWithdrawalStatus


def give_refund(client: Any, amount: int) -> Any:
    """A posted bank-transfer funding of `amount`, refunded whole: her refundable balance grows by it."""
    escrow = open_escrow(client=client)
    funding = ledger.escrow_fund(
        escrow=escrow, amount=amount, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    ledger.funding_post(funding=funding, actor=None, idempotency_key=key())
    return ledger.escrow_refund(escrow=escrow, amount=amount, actor=None, idempotency_key=key())


@pytest.fixture
def refunded_client(db: Any) -> Any:
    person = ClientFactory()
    BankAccountFactory(worker=person, holder_name="カ)ヒダマリシユツパン")
    give_refund(person, 30_000)
    return person


def _bank() -> int:
    return ledger_selectors.platform_totals()[AccountKind.PLATFORM_BANK]


def _batch(staff: Any) -> PayoutBatch:
    return services.payout_batch_create(
        actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=key()
    )


def _export_and_check(tmp_path: Path) -> None:
    """The Beancount export of the whole ledger loads and bean-check accepts it (its balance assertions
    are our trial balance)."""
    path = tmp_path / "ledger.beancount"
    call_command("ledger_export", str(path))
    bean_check = Path(sys.executable).parent / "bean-check"
    if not bean_check.exists():
        found = shutil.which("bean-check")
        assert found, "bean-check is a dev dependency (PyPI beancount) and must be installed"
        bean_check = Path(found)
    result = subprocess.run([str(bean_check), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the state machine -----------------------------------------------------------------------------------


def test_withdrawal_machine_table_is_exactly_this():
    assert {k: set(v) for k, v in CLIENT_WITHDRAWAL_MACHINE.table.items()} == {
        S.REQUESTED: {S.BATCHED, S.PROVIDER},
        S.BATCHED: {S.PAID, S.FAILED},
        S.PROVIDER: {S.PAID, S.FAILED},
        S.PAID: set(),
        S.FAILED: set(),
    }
    assert CLIENT_WITHDRAWAL_MACHINE.initial == {S.REQUESTED}


def test_paying_a_withdrawal_not_yet_batched_is_refused(refunded_client, frozen_clock):
    # given a withdrawal that no batch carries yet
    staff = StaffFactory()
    w = services.client_withdrawal_request(client=refunded_client, amount=10_000, idempotency_key=key())
    # when staff mark it paid, then the machine refuses and no money moves
    with pytest.raises(InvalidTransition):
        services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=key())
    w.refresh_from_db()
    assert w.status == S.REQUESTED and w.final_entry is None


# --- asking for it -----------------------------------------------------------------------------------------


def test_request_sets_the_money_aside_and_copies_the_bank_account(refunded_client, frozen_clock):
    # given a client with ¥30,000 refundable and a bank account
    bank_before = _bank()
    # when she asks for ¥12,000
    w = services.client_withdrawal_request(client=refunded_client, amount=12_000, idempotency_key=key())
    # then the ledger moved it from refundable to reserved; the bank still has it (not yet sent)
    assert w.status == S.REQUESTED
    assert client_balances(refunded_client).refundable == 18_000
    assert selectors.client_withdrawals_in_transit(refunded_client) == 12_000
    assert w.reserve_entry.kind == EntryKind.CLIENT_WITHDRAWAL_RESERVE
    assert _bank() == bank_before
    assert (w.bank_code, w.account_number, w.holder_name) == ("0143", "1234567", "カ)ヒダマリシユツパン")
    assert AuditEvent.objects.filter(
        action="payments.client_withdrawal_request", target_id=str(w.pk)
    ).exists()


def test_same_key_twice_makes_one_withdrawal(refunded_client):
    k = key()
    first = services.client_withdrawal_request(client=refunded_client, amount=5_000, idempotency_key=k)
    again = services.client_withdrawal_request(client=refunded_client, amount=5_000, idempotency_key=k)
    assert first.pk == again.pk and ClientWithdrawal.objects.count() == 1
    assert client_balances(refunded_client).refundable == 25_000
    with pytest.raises(Conflict):
        services.client_withdrawal_request(client=refunded_client, amount=6_000, idempotency_key=k)


@pytest.mark.parametrize(
    ("amount", "code"), [(30_001, "insufficient_balance"), (0, "invalid_amount"), (-5, "invalid_amount")]
)
def test_bad_amounts_are_refused_and_nothing_moves(refunded_client, amount, code):
    with pytest.raises(DomainError) as info:
        services.client_withdrawal_request(client=refunded_client, amount=amount, idempotency_key=key())
    assert info.value.code == code
    assert not ClientWithdrawal.objects.exists()
    assert client_balances(refunded_client).refundable == 30_000


def test_without_a_bank_account_is_refused():
    person = ClientFactory()
    give_refund(person, 5_000)
    with pytest.raises(DomainError) as info:
        services.client_withdrawal_request(client=person, amount=5_000, idempotency_key=key())
    assert info.value.code == "no_bank_account"
    assert client_balances(person).refundable == 5_000


# --- the staff's batch and the bank's answer ----------------------------------------------------------


def test_refund_withdraw_batch_paid_and_the_export_still_balances(refunded_client, frozen_clock, tmp_path):
    # given a client's withdrawal and a worker's payout waiting
    staff = StaffFactory()
    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 20_000)
    payout = services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    w = services.client_withdrawal_request(client=refunded_client, amount=30_000, idempotency_key=key())
    bank_before = _bank()
    # when staff make a batch, download the file and mark both paid
    batch = _batch(staff)
    body = build_transfer_file(
        batch,
        transfer_date=batch.transfer_date,
        company_code="1234567890",
        company_name_kana="ハタラク",
        bank_code="0001",
        branch_code="001",
        account_type="1",
        account_number="7654321",
    )
    services.payout_mark_paid(payout=payout, actor=staff, idempotency_key=key())
    w.refresh_from_db()
    services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=key())
    # then the file carries both transfers (the client's for the whole amount, no fee taken)
    records = body.split(b"\r\n")
    data = [r for r in records if r.startswith(b"2")]
    assert len(data) == 2
    trailer = next(r for r in records if r.startswith(b"8"))
    assert trailer[1:7] == b"000002"
    assert int(trailer[7:19]) == payout.net_amount + 30_000
    # and the money left the bank: her whole amount plus the bank's charge the platform bears
    w.refresh_from_db()
    assert w.status == S.PAID and w.batch_id == batch.pk
    assert w.final_entry is not None and w.final_entry.kind == EntryKind.CLIENT_MONEY_OUT
    assert client_balances(refunded_client).refundable == 0
    assert selectors.client_withdrawals_in_transit(refunded_client) == 0
    assert _bank() == bank_before - 30_000 - CLIENT_WITHDRAWAL_BANK_CHARGE - payout.amount
    assert ledger_selectors.platform_totals()[AccountKind.CLIENT_RESERVED] == 0
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    # and the Beancount export still balances
    _export_and_check(tmp_path)


def test_a_failed_transfer_returns_the_money_to_refundable(refunded_client, frozen_clock, tmp_path):
    # given a batched withdrawal
    staff = StaffFactory()
    w = services.client_withdrawal_request(client=refunded_client, amount=10_000, idempotency_key=key())
    bank_before = _bank()
    _batch(staff)
    # when the bank returns it
    services.client_withdrawal_mark_failed(
        withdrawal=w, actor=staff, idempotency_key=key(), reason="口座が解約されていました"
    )
    # then all of it is refundable again, the bank never lost it, and she may ask again
    w.refresh_from_db()
    assert w.status == S.FAILED and w.failure_reason == "口座が解約されていました"
    assert w.final_entry is not None and w.final_entry.kind == EntryKind.CLIENT_WITHDRAWAL_FAIL
    assert client_balances(refunded_client).refundable == 30_000
    assert _bank() == bank_before
    # and she is told, in words, that it is back in her balance
    notice = Notification.objects.filter(user=refunded_client).latest("id")
    assert notice.code == "payments.refund_withdrawal_failed" and notice.params["amount"] == "10,000"
    # and a second answer from the bank is refused, moving nothing
    with pytest.raises(InvalidTransition):
        services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=key())
    assert client_balances(refunded_client).refundable == 30_000
    _export_and_check(tmp_path)


def test_a_batch_of_client_withdrawals_alone_is_made(refunded_client, frozen_clock):
    # given only a client's withdrawal waiting (no worker payout)
    staff = StaffFactory()
    services.client_withdrawal_request(client=refunded_client, amount=1, idempotency_key=key())
    # when staff make a batch, then it carries the withdrawal
    batch = _batch(staff)
    assert batch.client_withdrawals.count() == 1 and batch.payouts.count() == 0


def test_the_same_decision_again_is_a_replay(refunded_client, frozen_clock):
    staff = StaffFactory()
    w = services.client_withdrawal_request(client=refunded_client, amount=10_000, idempotency_key=key())
    _batch(staff)
    k = key()
    services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=k)
    services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=k)
    assert JournalEntry.objects.filter(kind=EntryKind.CLIENT_MONEY_OUT).count() == 1
    with pytest.raises(Conflict):
        services.client_withdrawal_mark_failed(withdrawal=w, actor=staff, idempotency_key=k)


# --- paying a funding from the balance ---------------------------------------------------------------------


@pytest.fixture
def asks_20000(monkeypatch):
    def ask(escrow):
        return (
            services.FundingAsk(amount=20_000, label="テストの仮払い") if escrow_held(escrow) == 0 else None
        )

    monkeypatch.setitem(fundings._ASKERS, "payments-test", ask)


def test_balance_pays_the_next_milestone_at_once(refunded_client, frozen_clock, asks_20000):
    # given a new escrow asking ¥20,000, with a bank transfer already awaited for it
    escrow = open_escrow(client=refunded_client)
    waiting = services.funding_start(
        client=refunded_client, escrow=escrow, provider="bank_transfer", idempotency_key=key()
    )
    # when she pays it from her refundable balance instead
    funding = services.funding_from_balance(
        client=refunded_client, escrow=escrow, amount=20_000, idempotency_key=key()
    )
    # then the escrow holds it now, her balance went down, and the awaited transfer was cancelled
    assert funding.status == FundingStatus.POSTED and funding.source == FundingSource.CLIENT_BALANCE
    assert escrow_held(escrow) == 20_000
    assert client_balances(refunded_client).refundable == 10_000
    assert Funding.objects.get(pk=waiting.funding_id).status == FundingStatus.VOIDED
    # and no second receipt is offered for money already receipted
    assert funding not in list(selectors.posted_fundings_for_client(refunded_client))
    with pytest.raises(DomainError):
        services.receipt_issue(funding=funding, actor=None)


def test_balance_short_of_the_ask_is_refused(frozen_clock, asks_20000):
    person = ClientFactory()
    give_refund(person, 5_000)
    escrow = open_escrow(client=person)
    with pytest.raises(DomainError) as info:
        services.funding_from_balance(client=person, escrow=escrow, amount=20_000, idempotency_key=key())
    assert info.value.code == "insufficient_balance"
    assert escrow_held(escrow) == 0 and client_balances(person).refundable == 5_000


def test_balance_cannot_pay_while_a_card_payment_is_open(refunded_client, frozen_clock, asks_20000):
    # given an escrow with a card payment under way (it may be paid on Stripe's page right now)
    escrow = open_escrow(client=refunded_client)
    funding = ledger.escrow_fund(
        escrow=escrow,
        amount=20_000,
        source=FundingSource.PROVIDER,
        provider="stripe",
        actor=None,
        idempotency_key=key(),
    )
    ProviderFunding.objects.create(
        funding=funding,
        escrow=escrow,
        client=refunded_client,
        provider="stripe",
        amount=20_000,
        reference_code="7654321",
        idempotency_key=key(),
    )
    # when she tries the balance, then it is refused and nothing moves
    with pytest.raises(DomainError) as info:
        services.funding_from_balance(
            client=refunded_client, escrow=escrow, amount=20_000, idempotency_key=key()
        )
    assert info.value.code == "funding_pending"
    assert client_balances(refunded_client).refundable == 30_000


def test_a_withdrawal_and_a_funding_cannot_both_count_on_the_same_yen(
    refunded_client, frozen_clock, asks_20000
):
    # given ¥30,000 refundable, of which ¥15,000 is asked to be sent back
    services.client_withdrawal_request(client=refunded_client, amount=15_000, idempotency_key=key())
    escrow = open_escrow(client=refunded_client)
    # when she tries to pay ¥20,000 from the rest, then it is refused
    with pytest.raises(DomainError):
        services.funding_from_balance(
            client=refunded_client, escrow=escrow, amount=20_000, idempotency_key=key()
        )
    assert client_balances(refunded_client).refundable == 15_000


# --- return documents and payment records ----------------------------------------------------------------


def test_a_returned_fee_gets_a_return_document(frozen_clock, settings):
    # given a payment to a worker whose fee was invoiced, then corrected by a reversing entry
    worker = WorkerFactory()
    settlement = give_balance(worker, 100_000)
    services.invoices_issue_due()
    invoice = InvoiceDocument.objects.get(kind=DocumentKind.INVOICE)
    ledger.entry_reverse(entry=settlement.entry, actor=None, idempotency_key=key())
    # when the clock issues due documents
    services.invoices_issue_due()
    # then a return document carries what the invoice rules ask for
    doc = InvoiceDocument.objects.get(kind=DocumentKind.RETURN)
    assert doc.recipient == worker
    assert doc.issuer_registration_number == settings.HATARAKU_INVOICE_REGISTRATION_NUMBER
    assert (doc.taxable_amount, doc.tax_amount, doc.tax_rate_percent) == (
        settlement.fee,
        settlement.fee_tax,
        10,
    )
    assert invoice.number in doc.description
    assert doc.transaction_date == dt.date(2026, 12, 1)
    # and it is issued once
    services.invoices_issue_due()
    assert InvoiceDocument.objects.filter(kind=DocumentKind.RETURN).count() == 1


def test_no_return_document_for_a_fee_never_invoiced_or_a_refund():
    # given a payment reversed before its invoice, and a client refund (clients pay no fee)
    worker = WorkerFactory()
    settlement = give_balance(worker, 100_000)
    ledger.entry_reverse(entry=settlement.entry, actor=None, idempotency_key=key())
    give_refund(ClientFactory(), 10_000)
    # when the clock runs, then nothing is issued
    services.invoices_issue_due()
    assert not InvoiceDocument.objects.filter(kind=DocumentKind.RETURN).exists()


def test_payment_records_follow_splits_refunds_and_corrections(frozen_clock):
    # given one client and worker: a ¥50,000 split 30,000 / 20,000, a full refund, and a reversed release
    person, worker = ClientFactory(), WorkerFactory()

    def funded(amount: int) -> Any:
        escrow = open_escrow(client=person, worker=worker)
        funding = ledger.escrow_fund(
            escrow=escrow,
            amount=amount,
            source=FundingSource.BANK_TRANSFER,
            actor=None,
            idempotency_key=key(),
        )
        ledger.funding_post(funding=funding, actor=None, idempotency_key=key())
        return escrow

    ledger.escrow_split(
        escrow=funded(50_000),
        worker=worker,
        worker_amount=30_000,
        client_amount=20_000,
        actor=None,
        idempotency_key=key(),
    )
    ledger.escrow_refund(escrow=funded(40_000), amount=40_000, actor=None, idempotency_key=key())
    corrected = ledger.escrow_release(
        escrow=funded(10_000), amount=10_000, worker=worker, actor=None, idempotency_key=key()
    )
    ledger.entry_reverse(entry=corrected.entry, actor=None, idempotency_key=key())
    # when the year's record is read, then only the worker's part of the split counts
    record = payment_record(year=frozen_clock.now().year, worker=worker, client=person)
    assert record.paid == 30_000


# --- pages ------------------------------------------------------------------------------------------------


def test_money_page_states_the_policy_and_takes_a_request(client, refunded_client, frozen_clock):
    client.force_login(refunded_client)
    page = client.get("/payments/refunds/").content.decode()
    assert "有効期限はありません" in page and "資金決済法" in page and "¥30,000" in page
    response = client.post("/payments/refunds/", {"amount": "30000", "idempotency_key": key()})
    assert response.status_code == 302
    assert ClientWithdrawal.objects.get().amount == 30_000
    # a second press with another key finds nothing left, and says so in Japanese
    page = client.post("/payments/refunds/", {"amount": "30000", "idempotency_key": key()}).content.decode()
    assert "返金可能残高(¥0)を超えています" in page
    assert ClientWithdrawal.objects.count() == 1


def test_funding_page_says_what_happens_to_the_balance(client, refunded_client, frozen_clock):
    services.client_withdrawal_request(client=refunded_client, amount=5_000, idempotency_key=key())
    client.force_login(refunded_client)
    page = client.get("/money/funding/").content.decode()
    assert "返金可能残高に有効期限はありません" in page
    assert "¥5,000 を振込の手続き中です" in page
    assert "/payments/refunds/" in page


def test_a_form_without_its_key_moves_nothing(client, refunded_client):
    client.force_login(refunded_client)
    response = client.post("/payments/refunds/", {"amount": "1000"})
    assert response.status_code == 200
    assert not ClientWithdrawal.objects.exists()


def test_refund_pages_are_for_clients_only(client):
    client.force_login(WorkerFactory())
    assert client.get("/payments/refunds/").status_code == 404
    assert client.get("/payments/refunds/bank-account/").status_code == 404


def test_a_client_registers_the_account_her_refunds_go_to(client):
    person = ClientFactory()
    client.force_login(person)
    response = client.post(
        "/payments/refunds/bank-account/",
        {
            "bank_code": "0143",
            "bank_name": "八十二銀行",
            "branch_code": "001",
            "branch_name": "本店営業部",
            "account_type": "1",
            "account_number": "1234567",
            "holder_name": "ナカムラ サクラ",
        },
    )
    assert response.status_code == 302
    assert selectors.active_bank_account(person) is not None


def test_funding_page_offers_the_balance_and_pays_with_it(client, refunded_client, frozen_clock, asks_20000):
    escrow = open_escrow(client=refunded_client)
    client.force_login(refunded_client)
    page = client.get(f"/payments/escrows/{escrow.pk}/fund/").content.decode()
    assert "返金可能残高で支払う" in page
    response = client.post(
        f"/payments/escrows/{escrow.pk}/fund-from-balance/", {"amount": "20000", "idempotency_key": key()}
    )
    assert response.status_code == 302
    assert escrow_held(escrow) == 20_000


def test_staff_see_and_decide_client_withdrawals_in_the_batch(client, refunded_client, frozen_clock):
    staff = StaffFactory()
    w = services.client_withdrawal_request(client=refunded_client, amount=8_000, idempotency_key=key())
    batch = _batch(staff)
    login_as(client, staff)
    page = client.get(f"/payments/staff/batches/{batch.pk}/").content.decode()
    assert f"R{w.pk}" in page
    response = client.post(
        f"/payments/staff/client-withdrawals/{w.pk}/failed/",
        {f"rfailed{w.pk}-idempotency_key": key(), f"rfailed{w.pk}-reason": "名義が違いました"},
    )
    assert response.status_code == 302
    w.refresh_from_db()
    assert w.status == S.FAILED
    assert client_balances(refunded_client).refundable == 30_000


def test_a_return_document_downloads_only_for_its_recipient(client, frozen_clock):
    worker = WorkerFactory()
    settlement = give_balance(worker, 100_000)
    services.invoices_issue_due()
    ledger.entry_reverse(entry=settlement.entry, actor=None, idempotency_key=key())
    services.invoices_issue_due()
    doc = InvoiceDocument.objects.get(kind=DocumentKind.RETURN)
    client.force_login(worker)
    assert "適格返還請求書" in client.get("/payments/invoices/").content.decode()
    response = client.get(f"/payments/return-documents/{doc.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(WorkerFactory())
    assert client.get(f"/payments/return-documents/{doc.pk}/pdf/").status_code == 404


# --- the API ----------------------------------------------------------------------------------------------


def test_api_takes_a_refund_withdrawal_once_per_key(client, refunded_client, frozen_clock):
    # given a signed-in client with ¥30,000 refundable
    client.force_login(refunded_client)

    def post(amount: Any, idem: str) -> Any:
        return client.post(
            "/api/money/refund-withdrawals",
            data={"amount": amount},
            content_type="application/json",
            headers={"Idempotency-Key": idem},
        )

    # when the same request is sent twice, then one withdrawal exists and both answers are the same
    first, again = post(10_000, "api-r-1"), post(10_000, "api-r-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and first.json()["status"] == "requested"
    assert ClientWithdrawal.objects.count() == 1
    # and more than is left is 422 in the error shape, moving nothing
    over = post(25_000, "api-r-2")
    assert over.status_code == 422 and over.json()["code"] == "insufficient_balance"
    assert client_balances(refunded_client).refundable == 20_000
    listed = client.get("/api/money/refund-withdrawals").json()
    assert [row["amount"] for row in listed] == [10_000]


def test_api_refund_withdrawals_are_for_clients_only(client):
    client.force_login(WorkerFactory())
    assert client.get("/api/money/refund-withdrawals").status_code == 404


def test_a_refund_funds_her_next_milestone_of_a_real_contract(
    refunded_client, frozen_clock, django_capture_on_commit_callbacks, tmp_path
):
    # given an active contract of hers whose first milestone (¥10,000) waits for a bank transfer
    contract = active_contract(client=refunded_client, milestones=2, amount=20_000)
    milestone: Any = contract.milestones.order_by("order").first()
    contracts.milestone_fund(milestone=milestone, actor=refunded_client, idempotency_key=key())
    milestone.refresh_from_db()
    ask = services.funding_ask(milestone.escrow)
    assert ask is not None
    # when she pays it from her refundable balance
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_from_balance(
            client=refunded_client, escrow=milestone.escrow, amount=ask.amount, idempotency_key=key()
        )
    # then the milestone is funded (the worker may start), her balance paid for it, and the books balance
    milestone.refresh_from_db()
    assert milestone.status == "funded"
    assert client_balances(refunded_client).refundable == 30_000 - ask.amount
    _export_and_check(tmp_path)


def test_an_account_with_a_refund_on_its_way_cannot_be_deleted_yet(refunded_client, frozen_clock):
    # given her whole balance asked to be sent back, not yet confirmed by the bank
    services.client_withdrawal_request(client=refunded_client, amount=30_000, idempotency_key=key())
    # when she asks why the account cannot be deleted, then the transfer under way is named
    reasons = deletion_blockers(refunded_client)
    assert any("振込の手続き中の返金が ¥30,000" in r for r in reasons)
    # and once the bank confirmed it, nothing of hers is left to strand
    staff = StaffFactory()
    w = ClientWithdrawal.objects.get()
    _batch(staff)
    services.client_withdrawal_mark_paid(withdrawal=w, actor=staff, idempotency_key=key())
    assert deletion_blockers(refunded_client) == []

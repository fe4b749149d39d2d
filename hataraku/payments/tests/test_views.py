from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.models import AuditEvent
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.selectors import escrow_held, worker_balances
from hataraku.payments import providers, services
from hataraku.payments.constants import PAYOUT_TRANSFER_FEE, PayoutStatus
from hataraku.payments.models import BankAccount, Payout, PayoutBatch, ProviderFunding
from hataraku.payments.services import fundings

from .factories import (
    BankAccountFactory,
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    WorkerFactory,
    give_balance,
    key,
    open_escrow,
)
from .stripe_fakes import client_with, fixture

pytestmark = pytest.mark.django_db

RELOAD_KEY = "処理の識別キーがありません。"


@dataclass
class World:
    people: dict[str, Any]
    urls: dict[str, str]


@pytest.fixture
def world(frozen_clock) -> World:
    worker = WorkerFactory(display_name="中村 さくら")
    client = ClientFactory()
    staff = StaffFactory()
    BankAccountFactory(worker=worker)
    settlement = give_balance(worker, 50_000, client=client)
    services.payout_request(worker=worker, amount=5_000, idempotency_key=key())
    batch = services.payout_batch_create(
        actor=staff, transfer_date=dt.date(2026, 12, 4), idempotency_key=key()
    )
    escrow = open_escrow(client=client, worker=worker)
    pf = services.funding_request(
        client=client, escrow=escrow, amount=20_000, provider="bank_transfer", idempotency_key=key()
    )
    posted = settlement.escrow.fundings.get()
    # The clock issues the invoice for the fee; the receipt comes with the payment's confirmation.
    services.invoice_issue(settlement=settlement, actor=None)
    services.receipt_issue(funding=posted, actor=None)
    people = {
        "anonymous": None,
        "worker": worker,
        "other_worker": WorkerFactory(),
        "client": client,
        "other_client": ClientFactory(),
        "municipal": MunicipalFactory(),
        "staff": staff,
    }
    urls = {
        "bank_account": "/payments/bank-account/",
        "payout_list": "/payments/payouts/",
        "payout_request": "/payments/payouts/new/",
        "invoice_list": "/payments/invoices/",
        "invoice_pdf": f"/payments/invoices/{settlement.pk}/pdf/",
        "funding_start": f"/payments/escrows/{escrow.pk}/fund/",
        "funding_detail": f"/payments/fundings/{pf.pk}/",
        "receipt_list": "/payments/receipts/",
        "receipt_pdf": f"/payments/receipts/{posted.pk}/pdf/",
        "staff_transfer_queue": "/payments/staff/transfers/",
        "staff_batches": "/payments/staff/batches/",
        "staff_batch_detail": f"/payments/staff/batches/{batch.pk}/",
    }
    return World(people, urls)


WORKER_OWN = {"bank_account", "payout_list", "payout_request", "invoice_list"}
CLIENT_OWN = {"funding_start", "funding_detail", "receipt_list", "receipt_pdf"}
# The payout file is a POST (it marks the batch downloaded): see test_zengin_download.py.
STAFF_ONLY = {"staff_transfer_queue", "staff_batches", "staff_batch_detail"}
ALLOWED = {
    "worker": WORKER_OWN | {"invoice_pdf"},
    # another worker has the worker pages (their own, empty) but never this worker's invoice
    "other_worker": WORKER_OWN,
    "client": CLIENT_OWN,
    "other_client": {"receipt_list"},
    "municipal": set(),
    "staff": STAFF_ONLY,
}
ROUTES = sorted(WORKER_OWN | CLIENT_OWN | STAFF_ONLY | {"invoice_pdf"})


@pytest.mark.parametrize(
    "role", ["anonymous", "worker", "other_worker", "client", "other_client", "municipal", "staff"]
)
@pytest.mark.parametrize("route", ROUTES)
def test_access_matrix(client, world, role, route):
    # given a person in `role`
    user = world.people[role]
    if user is not None:
        login_as(client, user)
    # when they open the route
    response = client.get(world.urls[route])
    # then: anonymous → log in; allowed → 200; anyone else → 404 (same as missing)
    if user is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif route in ALLOWED[role]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ["worker", "client", "municipal"])
def test_staff_posts_are_404_for_others(client, world, role):
    login_as(client, world.people[role])
    pf = ProviderFunding.objects.get()
    payout = Payout.objects.get()
    for url in [
        f"/payments/staff/transfers/{pf.pk}/confirm/",
        f"/payments/staff/transfers/{pf.pk}/void/",
        f"/payments/staff/payouts/{payout.pk}/paid/",
        f"/payments/staff/payouts/{payout.pk}/failed/",
    ]:
        assert client.post(url).status_code == 404
    pf.refresh_from_db()
    payout.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING and payout.status == PayoutStatus.BATCHED


def test_missing_objects_are_404(client, world):
    login_as(client, world.people["staff"])
    assert client.get("/payments/staff/batches/9999/").status_code == 404
    login_as(client, world.people["client"])
    assert client.get("/payments/fundings/9999/").status_code == 404
    assert client.get("/payments/escrows/9999/fund/").status_code == 404


def test_bank_account_form_saves_and_shows_errors_without_saving(client, frozen_clock):
    worker: Any = WorkerFactory()
    client.force_login(worker)
    bad = client.post(
        "/payments/bank-account/",
        {
            "bank_code": "12",
            "bank_name": "八十二銀行",
            "branch_code": "001",
            "branch_name": "本店営業部",
            "account_type": "1",
            "account_number": "1234567",
            "holder_name": "なかむら",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 200
    assert "銀行コードは4桁の数字で入力してください。" in html and "入力内容を確認してください" in html
    assert not BankAccount.objects.exists()
    good = client.post(
        "/payments/bank-account/",
        {
            "bank_code": "0143",
            "bank_name": "八十二銀行",
            "branch_code": "001",
            "branch_name": "本店営業部",
            "account_type": "1",
            "account_number": "1234567",
            "holder_name": "ﾅｶﾑﾗ ｻｸﾗ",
        },
    )
    assert good.status_code == 302
    assert BankAccount.objects.get(worker=worker).holder_name == "ナカムラ\u3000サクラ"


def test_payout_form_round_trip(client, frozen_clock):
    worker: Any = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    client.force_login(worker)
    page = client.get("/payments/payouts/new/").content.decode()
    assert 'name="idempotency_key"' in page and "残高に有効期限はありません" in page
    k = key()
    too_small = client.post("/payments/payouts/new/", {"amount": "500", "idempotency_key": k})
    assert "出金は¥1,000からお申し込みいただけます。" in too_small.content.decode()
    assert not Payout.objects.exists()
    summary = client.post("/payments/payouts/new/", {"amount": "3000", "idempotency_key": k})
    assert summary.status_code == 200 and "出金を申し込む前の確認" in summary.content.decode()
    assert not Payout.objects.exists()  # the first press only shows the summary
    confirm = {"amount": "3000", "idempotency_key": k, "confirmed": "yes"}
    ok = client.post("/payments/payouts/new/", confirm)
    again = client.post("/payments/payouts/new/", confirm)
    assert ok.status_code == 302 and again.status_code == 302
    assert Payout.objects.filter(worker=worker).count() == 1


def test_a_payout_sent_without_its_key_can_be_sent_again_from_the_error_page(client, frozen_clock):
    # given a worker with money and an account, whose payout form arrives without its hidden key
    worker: Any = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    client.force_login(worker)
    first = client.post("/payments/payouts/new/", {"amount": "5000", "confirmed": "yes"})
    # then the form comes back with the typed amount, the kind error and a fresh key
    page = first.content.decode()
    assert first.status_code == 200 and RELOAD_KEY in page and 'value="5000"' in page
    fresh = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert fresh and not Payout.objects.exists()
    # when they press again from that page
    confirm = {"amount": "5000", "idempotency_key": fresh.group(1), "confirmed": "yes"}
    again = client.post("/payments/payouts/new/", confirm)
    # then the payout is made once, and a replay with the same key replays it
    assert again.status_code == 302
    assert client.post("/payments/payouts/new/", confirm).status_code == 302
    assert Payout.objects.filter(worker=worker).count() == 1


def test_payout_without_bank_account_says_so(client, frozen_clock):
    worker: Any = WorkerFactory()
    give_balance(worker, 30_000)
    client.force_login(worker)
    response = client.post("/payments/payouts/new/", {"amount": "3000", "idempotency_key": key()})
    assert "出金の前に、振込先の口座を登録してください。" in response.content.decode()
    assert not Payout.objects.exists()


def test_staff_confirm_and_void_from_the_queue(client, world):
    staff = world.people["staff"]
    login_as(client, staff)
    pf = ProviderFunding.objects.get()
    assert pf.reference_code in client.get("/payments/staff/transfers/").content.decode()
    assert client.post(f"/payments/staff/transfers/{pf.pk}/confirm/").status_code == 302
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.POSTED
    # a decided funding leaves the queue; a different decision on it is refused kindly (no money moves)
    refused = client.post(f"/payments/staff/transfers/{pf.pk}/void/", follow=True)
    assert refused.redirect_chain[-1][0] == "/payments/staff/transfers/"
    assert "入金済み" in refused.content.decode()
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.POSTED


@pytest.mark.parametrize(
    ("decision", "status", "said"),
    [
        ("confirm", FundingStatus.POSTED, "この入金はすでに確認済みです"),
        ("void", FundingStatus.VOIDED, "この入金待ちはすでに取り消し済みです"),
    ],
)
def test_staff_double_post_of_a_transfer_decision_says_it_is_done(client, world, decision, status, said):
    # given a staff member who has just decided a bank transfer
    staff = world.people["staff"]
    login_as(client, staff)
    pf = ProviderFunding.objects.get()
    url = f"/payments/staff/transfers/{pf.pk}/{decision}/"
    assert client.post(url).status_code == 302
    held = escrow_held(pf.escrow)
    audits = AuditEvent.objects.count()
    # when the same form is posted again (a double click, a resent request)
    again = client.post(url, follow=True)
    # then it lands back on the queue with a message that it is already done, and nothing moves twice
    assert again.status_code == 200
    assert again.redirect_chain[-1][0] == "/payments/staff/transfers/"
    assert said in again.content.decode()
    pf.refresh_from_db()
    assert pf.funding.status == status
    assert escrow_held(pf.escrow) == held
    assert AuditEvent.objects.count() == audits


def test_staff_batch_flow_download_and_mark(client, world):
    staff = world.people["staff"]
    worker = world.people["worker"]
    login_as(client, staff)
    batch = PayoutBatch.objects.get()
    payout = Payout.objects.get()
    zengin = client.post(f"/payments/staff/batches/{batch.pk}/zengin/")
    assert zengin.status_code == 200 and zengin["Content-Type"].startswith("text/plain")
    records = zengin.content[:-2].split(b"\r\n")
    assert [len(r) for r in records] == [120, 120, 120, 120]
    batch.refresh_from_db()
    assert batch.downloaded_at is not None
    available = worker_balances(worker).available
    response = client.post(
        f"/payments/staff/payouts/{payout.pk}/failed/",
        {f"failed{payout.pk}-idempotency_key": key(), f"failed{payout.pk}-reason": "口座なし"},
    )
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert worker_balances(worker).available == available + payout.amount


def test_staff_batch_create_from_the_page(client, frozen_clock):
    worker: Any = WorkerFactory()
    staff = StaffFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    services.payout_request(worker=worker, amount=3_000, idempotency_key=key())
    login_as(client, staff)
    response = client.post(
        "/payments/staff/batches/", {"transfer_date": "2026-12-04", "idempotency_key": key()}
    )
    assert response.status_code == 302
    assert PayoutBatch.objects.get().payouts.count() == 1


@pytest.fixture
def asks_33000(monkeypatch):
    """The test escrows (reference "payments-test:N") ask for ¥33,000 until they hold it, as a milestone
    waiting for its funding would."""

    def ask(escrow):
        return (
            services.FundingAsk(amount=33_000, label="テストの仮払い") if escrow_held(escrow) == 0 else None
        )

    monkeypatch.setitem(fundings._ASKERS, "payments-test", ask)


def test_client_funding_page_starts_a_bank_transfer(client, frozen_clock, asks_33000):
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    client.force_login(owner)
    page = client.get(f"/payments/escrows/{escrow.pk}/fund/?amount=33000").content.decode()
    assert 'value="33000"' in page
    response = client.post(
        f"/payments/escrows/{escrow.pk}/fund/",
        {"provider": "bank_transfer", "amount": "33000", "idempotency_key": key()},
        follow=True,
    )
    pf = ProviderFunding.objects.get()
    assert pf.reference_code in response.content.decode()
    assert "次の口座にお振り込みください" in response.content.decode()


@override_settings(
    HATARAKU_PAYMENT_PROVIDER="stripe",
    STRIPE_SECRET_KEY="sk_test_recorded",
    HATARAKU_SITE_URL="https://h.example.jp",
)
def test_card_payment_goes_to_checkout_and_the_return_page_only_reads(
    client, frozen_clock, monkeypatch, asks_33000, django_capture_on_commit_callbacks
):
    # given a client whose escrow is to be funded by card, and Stripe answering with recorded responses
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    client.force_login(owner)
    stripe_client, http = client_with(
        (200, fixture("checkout_session_created.json")),
        (200, fixture("checkout_session_paid.json")),
        (200, fixture("checkout_session_paid.json")),
    )
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: stripe_client)
    # when they choose the card for ¥33,000 (Stripe is asked once the pending funding has committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/payments/escrows/{escrow.pk}/fund/",
            {"provider": "stripe", "amount": "33000", "idempotency_key": key()},
        )
    # then the page links to Stripe's own payment page, and nothing is held yet
    pf = ProviderFunding.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert f'href="{pf.action_url}"' in page and pf.action_url.startswith("https://checkout.stripe.com/")
    assert "カード番号は Hataraku には送られず" in page
    assert escrow_held(escrow) == 0
    # when they come back from a paid Checkout, before any webhook
    back = client.get(f"/payments/fundings/{pf.pk}/?checkout=done").content.decode()
    # then the page only shows what it knows: Stripe was not asked and nothing moved
    assert len(http.calls) == 1
    assert "お支払いの結果を確認しています" in back and escrow_held(escrow) == 0
    # when the client presses the button to check now
    client.post(f"/payments/fundings/{pf.pk}/check/")
    # then Stripe was asked, the money is held, and the page says so
    assert http.calls[-1]["url"].endswith(f"/v1/checkout/sessions/{pf.external_id}")
    assert escrow_held(escrow) == 33_000
    assert "入金を確認しました" in client.get(f"/payments/fundings/{pf.pk}/").content.decode()


@override_settings(HATARAKU_PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_recorded")
def test_the_clock_reconciles_a_card_funding_whose_webhook_never_came(
    frozen_clock, monkeypatch, django_capture_on_commit_callbacks
):
    from hataraku.core import periodic

    # given a pending card funding whose client paid, but whose webhook never arrived
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    stripe_client, http = client_with(
        (200, fixture("checkout_session_created.json")), (200, fixture("checkout_session_paid.json"))
    )
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: stripe_client)
    with django_capture_on_commit_callbacks(execute=True):
        pf = services.funding_request(
            client=owner, escrow=escrow, amount=33_000, provider="stripe", idempotency_key=key()
        )
    # when the minute tick runs
    results = periodic.run_all()
    # then Stripe was asked and the money is held
    assert results["hataraku.payments.services.fundings_reconcile_due"] == {"confirmed": 1, "voided": 0}
    assert http.calls[-1]["url"].endswith("/v1/checkout/sessions/cs_test_a1HaTaRaKu0001")
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.POSTED and escrow_held(escrow) == 33_000


@override_settings(HATARAKU_PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_recorded")
def test_stripe_unreachable_after_commit_leaves_a_pending_funding_and_a_button(
    client, frozen_clock, monkeypatch, django_capture_on_commit_callbacks
):
    # given Stripe cannot be reached when the client starts a card payment
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    client.force_login(owner)
    error = {"error": {"type": "api_error", "message": "temporarily unavailable"}}
    stripe_client, _http = client_with((500, error), (200, fixture("checkout_session_created.json")))
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: stripe_client)
    with django_capture_on_commit_callbacks(execute=True):
        pf = services.funding_request(
            client=owner, escrow=escrow, amount=33_000, provider="stripe", idempotency_key=key()
        )
    # then the funding waits without a payment page, and the page offers to prepare one
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING and not pf.external_id
    page = client.get(f"/payments/fundings/{pf.pk}/").content.decode()
    assert f'action="/payments/fundings/{pf.pk}/checkout/"' in page
    # when the client presses it and Stripe answers
    client.post(f"/payments/fundings/{pf.pk}/checkout/")
    # then the page links to Stripe's payment page
    pf.refresh_from_db()
    assert pf.external_id == "cs_test_a1HaTaRaKu0001"
    assert f'href="{pf.action_url}"' in client.get(f"/payments/fundings/{pf.pk}/").content.decode()


@override_settings(HATARAKU_PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_recorded")
def test_a_card_funding_whose_checkout_never_opened_is_voided_by_the_clock(
    frozen_clock, monkeypatch, django_capture_on_commit_callbacks
):
    # given a card funding that never got its Stripe page
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    error = {"error": {"type": "api_error", "message": "temporarily unavailable"}}
    stripe_client, _http = client_with((500, error))
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: stripe_client)
    with django_capture_on_commit_callbacks(execute=True):
        pf = services.funding_request(
            client=owner, escrow=escrow, amount=33_000, provider="stripe", idempotency_key=key()
        )
    # when the tick runs within the grace period, then it waits
    assert services.fundings_reconcile_due() == {"confirmed": 0, "voided": 0}
    # when it runs after the grace period, then the funding is voided so the client can start again
    frozen_clock.advance(services.CHECKOUT_OPEN_GRACE + dt.timedelta(minutes=1))
    assert services.fundings_reconcile_due() == {"confirmed": 0, "voided": 1}
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.VOIDED


def test_pdf_downloads_are_pdfs(client, world):
    login_as(client, world.people["worker"])
    response = client.get(world.urls["invoice_pdf"])
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    login_as(client, world.people["client"])
    assert client.get(world.urls["receipt_pdf"]).content.startswith(b"%PDF")


def test_a_document_not_yet_issued_is_issued_by_a_post_never_by_opening_it(client, world):
    from hataraku.payments.models import InvoiceDocument

    # given a fee settlement whose invoice the clock has not issued yet
    InvoiceDocument.objects.filter(kind="invoice").delete()
    login_as(client, world.people["worker"])
    # when the worker looks at the list, then its link says it will issue the invoice, not that it is a PDF
    listing = client.get(world.urls["invoice_list"]).content.decode()
    assert "発行してダウンロード" in listing and "PDFをダウンロード" not in listing
    # when the worker opens the download link, then nothing is issued: the page offers a button
    page = client.get(world.urls["invoice_pdf"])
    assert (
        page["Content-Type"].startswith("text/html")
        and "発行してPDFをダウンロードする" in page.content.decode()
    )
    assert not InvoiceDocument.objects.filter(kind="invoice").exists()
    assert 'href="/payments/invoices/"' in page.content.decode()  # and a way back to the list
    # when they press it, then the invoice is issued once and downloaded; the link now serves the same one
    issued = client.post(world.urls["invoice_pdf"])
    assert issued.content.startswith(b"%PDF") and InvoiceDocument.objects.filter(kind="invoice").count() == 1
    assert client.get(world.urls["invoice_pdf"]).content == issued.content
    # and the list now offers the PDF itself
    listing = client.get(world.urls["invoice_list"]).content.decode()
    assert "PDFをダウンロード" in listing and "発行してダウンロード" not in listing


def test_the_receipt_list_says_which_receipts_are_issued_yet(client, world):
    from hataraku.payments.models import InvoiceDocument

    # given a client with a receipt issued for a confirmed payment
    login_as(client, world.people["client"])
    assert "PDFをダウンロード" in client.get("/payments/receipts/").content.decode()
    # when the receipt is not there (not issued yet), then the link says it will issue it
    InvoiceDocument.objects.filter(kind="receipt").delete()
    listing = client.get("/payments/receipts/").content.decode()
    assert "発行してダウンロード" in listing and "PDFをダウンロード" not in listing
    # and the issue page leads back to the list
    assert 'href="/payments/receipts/"' in client.get(world.urls["receipt_pdf"]).content.decode()


def test_list_pages_do_not_grow_queries_per_row(client, world, django_assert_max_num_queries):
    worker = world.people["worker"]
    for _ in range(3):
        give_balance(worker, 10_000)
    client.force_login(worker)
    with django_assert_max_num_queries(12):
        assert client.get("/payments/invoices/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/payments/payouts/").status_code == 200
    login_as(client, world.people["staff"])
    with django_assert_max_num_queries(12):
        assert client.get("/payments/staff/batches/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/payments/staff/transfers/").status_code == 200


def test_the_payout_summary_shows_the_fee_and_what_reaches_the_bank_and_moves_nothing(client, frozen_clock):
    # given a worker with ¥30,000 and a bank account
    worker: Any = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    client.force_login(worker)
    available = worker_balances(worker).available
    # when she asks for ¥10,000 (the first press)
    html = client.post(
        "/payments/payouts/new/", {"amount": "10000", "idempotency_key": key()}
    ).content.decode()
    # then the summary shows the transfer fee, what reaches her bank and what cannot be undone
    assert f"¥{10_000 - PAYOUT_TRANSFER_FEE:,}" in html and "取り消せません" in html
    assert 'name="confirmed" value="yes"' in html
    # and nothing is reserved yet
    assert worker_balances(worker).available == available and not Payout.objects.exists()

from __future__ import annotations

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from hataraku.core.validators import validate_invoice_number
from hataraku.payments import services
from hataraku.payments.constants import DocumentKind
from hataraku.payments.models import InvoiceDocument
from hataraku.payments.pdf import render_document

from .factories import give_balance, key, open_escrow

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    # Right-aligned amounts come out on their own line; join the words so a label meets its amount.
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_configured_registration_number_is_valid():
    validate_invoice_number(settings.HATARAKU_INVOICE_REGISTRATION_NUMBER)


def test_fee_invoice_is_a_qualified_invoice(worker, frozen_clock):
    # given a release of ¥50,000 with its platform fee
    settlement = give_balance(worker, 50_000)
    assert settlement.fee > 0
    # when the worker's invoice is issued
    doc = services.invoice_issue(settlement=settlement, actor=worker)
    text = _text(render_document(doc))
    # then it carries every item of a qualified invoice
    assert doc.number == "HTK-2026-000001"
    assert (doc.taxable_amount, doc.tax_amount) == (settlement.fee, settlement.fee_tax)
    for item in [
        "適格請求書",
        "HTK-2026-000001",
        "中村 さくら 様",
        "Hataraku株式会社",
        "登録番号: T9234567890123",
        "取引年月日",
        "2026年12月01日",
        f"システム利用料({settlement.escrow.code})",
        f"10%対象 税抜金額 ¥{settlement.fee:,}",
        f"10%対象 消費税額 ¥{settlement.fee_tax:,}",
        f"10%対象 合計(税込) ¥{settlement.fee + settlement.fee_tax:,}",
    ]:
        assert item in text, item


def test_documents_are_issued_once_numbered_in_order_and_render_identically(
    worker, client_user, frozen_clock
):
    first = services.invoice_issue(settlement=give_balance(worker, 10_000), actor=worker)
    again = services.invoice_issue(settlement=first_source(first), actor=worker)
    second = services.invoice_issue(settlement=give_balance(worker, 20_000), actor=worker)
    assert first.pk == again.pk
    assert [first.number, second.number] == ["HTK-2026-000001", "HTK-2026-000002"]
    assert InvoiceDocument.objects.count() == 2
    assert render_document(first) == render_document(InvoiceDocument.objects.get(pk=first.pk))


def first_source(doc):
    from hataraku.ledger.models import Settlement

    return Settlement.objects.get(pk=doc.source_id)


def test_receipt_for_a_client_funding(client_user, staff, frozen_clock):
    escrow = open_escrow(client=client_user)
    pf = services.funding_request(
        client=client_user, escrow=escrow, amount=11_000, provider="bank_transfer", idempotency_key=key()
    )
    services.funding_confirm(provider_funding=pf, actor=staff)
    doc = InvoiceDocument.objects.get(kind=DocumentKind.RECEIPT)
    text = _text(render_document(doc))
    for item in [
        "領収書",
        "株式会社ひだまり出版 様",
        "領収金額(税込): ¥11,000",
        "10%対象 税抜金額 ¥10,000",
        "10%対象 消費税額 ¥1,000",
        "登録番号: T9234567890123",
        "上記金額を正に領収いたしました",
    ]:
        assert item in text, item


def test_tax_included_split_rounds_the_tax_down():
    assert services.tax_included_split(1_100) == (1_000, 100)
    assert services.tax_included_split(1_000) == (910, 90)
    assert services.tax_included_split(1) == (1, 0)


def test_no_invoice_without_a_fee(worker):
    from hataraku.core.errors import DomainError

    settlement = give_balance(worker, 10_000)
    settlement.fee = 0  # an in-memory change only: the ledger row is append-only
    with pytest.raises(DomainError):
        services.invoice_issue(settlement=settlement, actor=worker)
    assert not InvoiceDocument.objects.exists()


def test_the_tick_issues_each_fee_invoice_once_on_the_day_the_fee_was_taken(worker, frozen_clock):
    import datetime as dt

    from hataraku.core import clock, periodic

    # given two payments to the worker, each taking a fee, and nobody has opened their invoices
    first = give_balance(worker, 50_000)
    second = give_balance(worker, 20_000)
    # when the minute tick runs (a day later), twice
    frozen_clock.advance(dt.timedelta(days=1))
    periodic.run_all()
    periodic.run_all()
    # then each payment has exactly one invoice, numbered in order, dated the day of the payment
    docs = list(InvoiceDocument.objects.order_by("number"))
    assert [d.source_id for d in docs] == [str(first.pk), str(second.pk)]
    assert [d.number for d in docs] == ["HTK-2026-000001", "HTK-2026-000002"]
    assert all(d.transaction_date == first.occurred_at.astimezone(clock.TOKYO).date() for d in docs)
    assert services.invoices_issue_due() == 0

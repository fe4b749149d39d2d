"""The invoices (適格請求書, for the platform fee taken from a worker's payment), return documents
(適格返還請求書, when such a fee is given back) and receipts (領収書, for a client's posted funding) we issue: numbered without gaps, issued once per source, stored as printed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, money
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode
from hataraku.ledger.constants import FundingSource, FundingStatus
from hataraku.ledger.models import Funding, JournalEntry, Settlement

from ..constants import DOCUMENT_TAX_RATE_PERCENT, DocumentKind
from ..models import DocumentSequence, InvoiceDocument


def _next_number(year: int) -> str:
    prefix = settings.HATARAKU_INVOICE_NUMBER_PREFIX
    try:
        with transaction.atomic():
            DocumentSequence.objects.get_or_create(prefix=prefix, year=year)
    except IntegrityError:
        pass
    sequence = DocumentSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


def _document_issue(
    *,
    kind: str,
    source: Any,
    recipient: User,
    description: str,
    transaction_date: Any,
    taxable_amount: int,
    tax_amount: int,
    actor: User | None,
) -> InvoiceDocument:
    source_type = source._meta.label_lower
    lookup = {"kind": kind, "source_type": source_type, "source_id": str(source.pk)}
    existing = InvoiceDocument.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        issued_on = clock.today()
        try:
            with transaction.atomic():
                doc = InvoiceDocument.objects.create(
                    **lookup,
                    number=_next_number(issued_on.year),
                    recipient=recipient,
                    recipient_name=recipient.name_for_display,
                    issuer_name=settings.HATARAKU_INVOICE_ISSUER_NAME,
                    issuer_registration_number=settings.HATARAKU_INVOICE_REGISTRATION_NUMBER,
                    issued_on=issued_on,
                    transaction_date=transaction_date,
                    description=description,
                    taxable_amount=taxable_amount,
                    tax_amount=tax_amount,
                    tax_rate_percent=DOCUMENT_TAX_RATE_PERCENT,
                    created_at=clock.now(),
                )
        except IntegrityError:
            return InvoiceDocument.objects.get(**lookup)
        audit_record(actor=actor, action=f"payments.{kind}_issue", target=doc, data={"number": doc.number})
    return doc


def tax_included_split(total: int) -> tuple[int, int]:
    """(taxable amount, tax) of a tax-inclusive total at 10 %, the tax rounded down (one rounding per
    document and rate, as the invoice system requires). Integer maths: Decimal 10/110 is inexact."""
    tax = money.included_consumption_tax(total)
    return total - tax, tax


def receipt_issue(*, funding: Funding, actor: User | None) -> InvoiceDocument:
    """The receipt (領収書) for a client's posted funding. Issued once; later calls return it."""
    if funding.status != FundingStatus.POSTED:
        raise DomainError(ErrorCode.NOT_POSTED, _("入金が確認できてから領収書を発行できます。"))
    if funding.source == FundingSource.CLIENT_BALANCE:
        # The money was received, and receipted, when she first paid it; a second receipt would count it
        # twice in her books.
        raise DomainError(
            ErrorCode.NOT_POSTED,
            _("返金可能残高からのお支払いには領収書は発行されません(最初のお支払いの領収書が有効です)。"),
        )
    escrow = funding.escrow
    taxable, tax = tax_included_split(funding.amount)
    decided = funding.decided_at or clock.now()
    return _document_issue(
        kind=DocumentKind.RECEIPT,
        source=funding,
        recipient=escrow.client,
        description=f"お仕事の仮払い代金({escrow.code})",
        transaction_date=decided.astimezone(clock.TOKYO).date(),
        taxable_amount=taxable,
        tax_amount=tax,
        actor=actor,
    )


def invoice_issue(*, settlement: Settlement, actor: User | None) -> InvoiceDocument:
    """The qualified invoice (適格請求書) for the platform fee taken from one payment to a worker."""
    worker = settlement.worker
    if worker is None or settlement.fee <= 0:
        raise DomainError(ErrorCode.NO_FEE, _("この支払いにはシステム利用料がありません。"))
    return _document_issue(
        kind=DocumentKind.INVOICE,
        source=settlement,
        recipient=worker,
        description=f"システム利用料({settlement.escrow.code})",
        transaction_date=settlement.occurred_at.astimezone(clock.TOKYO).date(),
        taxable_amount=settlement.fee,
        tax_amount=settlement.fee_tax,
        actor=actor,
    )


def return_document_issue(*, settlement: Settlement, actor: User | None) -> InvoiceDocument:
    """The qualified return invoice (適格返還請求書, 消費税法 57条の4 第3項) for a platform fee we invoiced
    and then gave back: the payment it was taken from was corrected by a reversing entry, so the fee and its
    tax went back to the worker. It carries what the law asks: our name and registration number, the date
    of the return and the date of the original sale (in the description, with the invoice's number), what
    was sold, and the returned amount and its tax at the 10 % rate. Issued once; later calls return it.

    Only a fee that was invoiced is returned with a document: a payment corrected before its invoice was
    issued never had one (`invoices_issue_due` skips reversed payments). Clients pay no platform fee on
    Hataraku (the fee is taken from the worker's side), so a refund or a split to a client returns no fee
    and needs no return document."""
    worker = settlement.worker
    reversal = JournalEntry.objects.filter(reverses_id=settlement.entry_id).first()
    if worker is None or settlement.fee <= 0 or reversal is None:
        raise DomainError(ErrorCode.NO_FEE, _("この支払いには返還したシステム利用料がありません。"))
    invoice = InvoiceDocument.objects.filter(
        kind=DocumentKind.INVOICE, source_type=Settlement._meta.label_lower, source_id=str(settlement.pk)
    ).first()
    if invoice is None:
        raise DomainError(ErrorCode.NO_FEE, _("この支払いのシステム利用料には請求書を発行していません。"))
    return _document_issue(
        kind=DocumentKind.RETURN,
        source=settlement,
        recipient=worker,
        description=f"システム利用料の返還({settlement.escrow.code}、"
        f"元の取引日 {invoice.transaction_date:%Y年%m月%d日}、請求書 {invoice.number})",
        transaction_date=reversal.occurred_at.astimezone(clock.TOKYO).date(),
        taxable_amount=settlement.fee,
        tax_amount=settlement.fee_tax,
        actor=actor,
    )


def returns_issue_due(*, limit: int = 500) -> int:
    """Issue the return document for every invoiced fee whose payment has since been reversed (run by the
    clock beside `invoices_issue_due`, so the document carries the day the fee went back)."""
    label = Settlement._meta.label_lower
    invoiced = InvoiceDocument.objects.filter(kind=DocumentKind.INVOICE, source_type=label).values_list(
        "source_id", flat=True
    )
    returned = set(
        InvoiceDocument.objects.filter(kind=DocumentKind.RETURN, source_type=label).values_list(
            "source_id", flat=True
        )
    )
    due = (
        Settlement.objects.filter(entry__reversed_by__isnull=False, worker__isnull=False, fee__gt=0)
        .filter(pk__in=[int(pk) for pk in invoiced if pk.isdigit()])
        .select_related("escrow", "worker")
        .order_by("occurred_at", "id")
    )
    count = 0
    for settlement in due.iterator():
        if str(settlement.pk) in returned:
            continue
        return_document_issue(settlement=settlement, actor=None)
        count += 1
        if count >= limit:
            break
    return count


def invoices_issue_due(*, limit: int = 500) -> int:
    """Issue the qualified invoice for every payment to a worker that took a fee and has none yet.

    Runs in the minute tick, so a worker's invoice exists from the day the fee was taken (the date an
    invoice carries), not from the first time they open it. Idempotent: `_document_issue` returns an
    existing document, and numbers stay gap-free because each is taken inside its own transaction."""
    issued = set(
        InvoiceDocument.objects.filter(
            kind=DocumentKind.INVOICE, source_type=Settlement._meta.label_lower
        ).values_list("source_id", flat=True)
    )
    due = (
        Settlement.objects.filter(entry__reversed_by__isnull=True, worker__isnull=False, fee__gt=0)
        .select_related("escrow", "worker")
        .order_by("occurred_at", "id")
    )
    count = 0
    for settlement in due.iterator():
        if str(settlement.pk) in issued:
            continue
        invoice_issue(settlement=settlement, actor=None)
        count += 1
        if count >= limit:
            break
    # Fees given back since are documented in the same run (the tick names only this function).
    return count + returns_issue_due(limit=limit)

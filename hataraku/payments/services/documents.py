"""The invoices (適格請求書, for the platform fee taken from a worker's payment) and receipts (領収書, for a
client's posted funding) we issue: numbered without gaps, issued once per source, stored as printed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.core import clock, money
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.models import Funding, Settlement

from ..constants import DOCUMENT_TAX_RATE_PERCENT, DocumentKind
from ..models import DocumentSequence, InvoiceDocument

if TYPE_CHECKING:
    from hataraku.accounts.models import User


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
    return count

"""Every write of the payments app. Money moves only through `hataraku.ledger.services`; these services
add what the ledger does not know: bank accounts, the payout workflow and its Zengin batches, how a
client pays (bank transfer or a provider), and the invoices and receipts we issue.

Lock order, so that two services never wait on each other in opposite orders: payout → (ledger: hold →
accounts); provider funding → (ledger: escrow → funding → accounts); document sequence last.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.core import clock, limits, money
from hataraku.core.audit import audit_record
from hataraku.core.dates import check_date
from hataraku.core.errors import Conflict, DomainError, ErrorCode, InvalidTransition, NotFound
from hataraku.core.money import format_yen
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.idempotency import idempotent, scoped_key
from hataraku.ledger.models import Escrow, Funding, Settlement

from .constants import (
    DOCUMENT_TAX_RATE_PERCENT,
    PAYOUT_MINIMUM,
    PAYOUT_TRANSFER_FEE,
    DocumentKind,
    PayoutStatus,
    ProviderFundingStatus,
    payout_can_move,
)
from .models import (
    BankAccount,
    DocumentSequence,
    InvoiceDocument,
    Payout,
    PayoutBatch,
    PayoutStatusChange,
    ProviderFunding,
)
from .validators import clean_bank_account

if TYPE_CHECKING:
    from hataraku.accounts.models import User

logger = logging.getLogger(__name__)


# --- bank accounts ---------------------------------------------------------------------------------------


def bank_account_save(
    *,
    worker: User,
    bank_code: str,
    bank_name: str,
    branch_code: str,
    branch_name: str,
    account_type: str,
    account_number: str,
    holder_name: str,
    actor: User | None,
) -> BankAccount:
    """Make this the worker's payout account. The previous one is kept, inactive, so a payout already
    asked for still shows where it went. Raises ValidationError (per field) on bad input."""
    if not getattr(worker, "is_worker", False):
        raise DomainError(
            ErrorCode.NOT_WORKER, _("振込先口座はワーカーとして登録している方だけが登録できます。")
        )
    data = clean_bank_account(
        {
            "bank_code": bank_code,
            "bank_name": bank_name,
            "branch_code": branch_code,
            "branch_name": branch_name,
            "account_type": account_type,
            "account_number": account_number,
            "holder_name": holder_name,
        }
    )
    with transaction.atomic():
        # Lock the worker's row so two saves at once cannot both leave an active account.
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        BankAccount.objects.filter(worker=worker, is_active=True).update(is_active=False)
        account = BankAccount.objects.create(worker=worker, is_active=True, **data)
        audit_record(
            actor=actor,
            action="payments.bank_account_save",
            target=account,
            # The full number is not written to the audit log; the last digits identify the account.
            data={
                "bank_code": data["bank_code"],
                "branch_code": data["branch_code"],
                "last4": data["account_number"][-4:],
            },
        )
    return account


# --- payouts ---------------------------------------------------------------------------------------------


def _available(worker: User) -> int:
    from hataraku.ledger.selectors import worker_balances

    return int(worker_balances(worker).available)


def payout_request(*, worker: User, amount: int, idempotency_key: str) -> Payout:
    """A worker asks to withdraw `amount` (the transfer fee included) to their active bank account.
    The ledger reserves the amount at once, so it cannot be spent twice. The same key again (a double
    click, a retry, ten copies at once) returns the first payout and changes nothing.

    Locks the worker's row first (then the ledger's hold → accounts): requests of one worker run one
    after another, so a replay always finds the first payout committed instead of racing it and being
    refused for the balance the first has just reserved. The same key with another amount is a
    `Conflict` (`ErrorCode.IDEMPOTENCY_MISMATCH`)."""
    key = scoped_key(worker, idempotency_key)
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("出金額は円単位の数字で入力してください。"), field="amount"
        )
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=worker.pk).first()
        return idempotent(
            scope="payments.payout_request",
            key=key,
            params={"worker": worker.pk, "amount": amount},
            body=lambda _idem: _payout_create(worker=worker, amount=amount, key=key),
        )


def _payout_create(*, worker: User, amount: int, key: str) -> Payout:
    if amount < PAYOUT_MINIMUM:
        raise DomainError(
            ErrorCode.PAYOUT_TOO_SMALL,
            _("出金は%(minimum)sからお申し込みいただけます。") % {"minimum": format_yen(PAYOUT_MINIMUM)},
            field="amount",
        )
    account = BankAccount.objects.filter(worker=worker, is_active=True).first()
    if account is None:
        raise DomainError(ErrorCode.NO_BANK_ACCOUNT, _("出金の前に、振込先の口座を登録してください。"))
    available = _available(worker)
    if amount > available:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("出金できる残高(%(available)s)を超えています。%(available)s以下で入力してください。")
            % {"available": format_yen(available)},
            field="amount",
        )
    hold = ledger.payout_reserve(
        worker=worker,
        amount=amount,
        transfer_fee=PAYOUT_TRANSFER_FEE,
        actor=worker,
        idempotency_key=f"payments.payout:{key}",
    )
    payout = Payout.objects.create(
        worker=worker,
        hold=hold,
        amount=amount,
        transfer_fee=hold.transfer_fee,
        idempotency_key=key,
        bank_code=account.bank_code,
        bank_name=account.bank_name,
        branch_code=account.branch_code,
        branch_name=account.branch_name,
        account_type=account.account_type,
        account_number=account.account_number,
        holder_name=account.holder_name,
    )
    PayoutStatusChange.objects.create(
        payout=payout,
        from_status="",
        to_status=PayoutStatus.REQUESTED,
        actor=worker,
        occurred_at=clock.now(),
    )
    audit_record(
        actor=worker,
        action="payments.payout_request",
        target=payout,
        data={"amount": amount, "transfer_fee": payout.transfer_fee, "hold": hold.pk},
    )
    return payout


def _move(payout: Payout, target: str, *, actor: User | None, idempotency_key: str | None) -> None:
    if not payout_can_move(payout.status, target):
        raise InvalidTransition(
            _("この出金は「%(status)s」のため、「%(target)s」にはできません。")
            % {"status": payout.get_status_display(), "target": PayoutStatus(target).label}
        )
    PayoutStatusChange.objects.create(
        payout=payout,
        from_status=payout.status,
        to_status=target,
        actor=actor,
        occurred_at=clock.now(),
        idempotency_key=idempotency_key,
    )
    payout.status = target


def payout_batch_create(*, actor: User | None, transfer_date: Any, idempotency_key: str) -> PayoutBatch:
    """Staff gather every requested payout into one batch (one Zengin file)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    key = scoped_key(actor, idempotency_key)

    def body(_idem: Any) -> PayoutBatch:
        check_date(transfer_date, label=_("振込日"), field="transfer_date")
        payouts = list(
            Payout.objects.select_for_update()
            .filter(status=PayoutStatus.REQUESTED, batch__isnull=True)
            .order_by("pk")
        )
        if not payouts:
            raise DomainError(ErrorCode.NOTHING_TO_BATCH, _("まとめる出金申請がありません。"))
        batch = PayoutBatch.objects.create(transfer_date=transfer_date, created_by=actor, idempotency_key=key)
        for payout in payouts:
            _move(payout, PayoutStatus.BATCHED, actor=actor, idempotency_key=None)
            payout.batch = batch
            payout.save(update_fields=["status", "batch"])
        audit_record(
            actor=actor,
            action="payments.payout_batch_create",
            target=batch,
            data={"payouts": [p.pk for p in payouts], "total": sum(p.net_amount for p in payouts)},
        )
        return batch

    return idempotent(
        scope="payments.payout_batch", key=key, params={"transfer_date": transfer_date}, body=body
    )


def _payout_decide(*, payout: Payout, key: str, target: str, body: Callable[[Any], Payout]) -> Payout:
    """Paid and failed share one scope: the same key for the other decision, or another payout, is a
    `Conflict` (`ErrorCode.IDEMPOTENCY_MISMATCH`); the same decision again returns the payout unchanged."""
    return idempotent(
        scope="payments.payout_decide",
        key=key,
        params={"payout": payout.pk, "status": str(target)},
        body=body,
    )


def payout_mark_paid(*, payout: Payout, actor: User | None, idempotency_key: str) -> Payout:
    """The bank confirmed the transfer. Settles the ledger hold."""
    key = scoped_key(actor, idempotency_key)

    def body(_idem: Any) -> Payout:
        locked = Payout.objects.select_for_update().select_related("hold").get(pk=payout.pk)
        _move(locked, PayoutStatus.PAID, actor=actor, idempotency_key=key)
        ledger.payout_settle(
            hold=locked.hold, actor=actor, idempotency_key=f"payments.payout_paid:{locked.pk}"
        )
        locked.decided_at = clock.now()
        locked.save(update_fields=["status", "decided_at"])
        audit_record(
            actor=actor, action="payments.payout_paid", target=locked, data={"net": locked.net_amount}
        )
        return locked

    return _payout_decide(payout=payout, key=key, target=PayoutStatus.PAID, body=body)


def payout_mark_failed(
    *, payout: Payout, actor: User | None, idempotency_key: str, reason: str = ""
) -> Payout:
    """The bank returned the transfer. The whole amount, fee included, goes back to the worker's
    available balance through the ledger."""
    key = scoped_key(actor, idempotency_key)
    # Shown to the worker and kept with the payout: refused when too long, never cut short silently.
    limits.check_length((reason or "").strip(), limit=limits.PAYOUT_FAILURE_REASON, field="reason")

    def body(_idem: Any) -> Payout:
        locked = Payout.objects.select_for_update().select_related("hold").get(pk=payout.pk)
        _move(locked, PayoutStatus.FAILED, actor=actor, idempotency_key=key)
        ledger.payout_fail(
            hold=locked.hold, actor=actor, idempotency_key=f"payments.payout_failed:{locked.pk}"
        )
        locked.decided_at = clock.now()
        locked.failure_reason = (reason or "").strip()
        locked.save(update_fields=["status", "decided_at", "failure_reason"])
        audit_record(
            actor=actor,
            action="payments.payout_failed",
            target=locked,
            data={"reason": locked.failure_reason},
        )
        return locked

    return _payout_decide(payout=payout, key=key, target=PayoutStatus.FAILED, body=body)


def payout_batch_mark_downloaded(*, batch: PayoutBatch, actor: User | None) -> PayoutBatch:
    with transaction.atomic():
        locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.downloaded_at is None:
            locked.downloaded_at = clock.now()
            locked.save(update_fields=["downloaded_at"])
        # Every download is audited: the file holds bank account numbers.
        audit_record(actor=actor, action="payments.zengin_download", target=locked)
    return locked


# --- client fundings -------------------------------------------------------------------------------------


def _new_reference_code() -> str:
    for _attempt in range(20):
        code = f"{secrets.randbelow(10**7):07d}"
        if not ProviderFunding.objects.filter(reference_code=code).exists():
            return code
    raise DomainError(
        ErrorCode.REFERENCE_EXHAUSTED, _("受付番号を用意できませんでした。もう一度お試しください。")
    )


def provider_funding_create(
    *,
    escrow: Escrow,
    client: User,
    amount: int,
    provider: str,
    idempotency_key: str,
    funding: Funding,
    external_id: str = "",
) -> ProviderFunding:
    """Link a pending ledger funding with how it is being paid. Called by the provider adapters inside
    their transaction, after `escrow_fund`."""
    pf = ProviderFunding.objects.create(
        funding=funding,
        escrow=escrow,
        client=client,
        provider=provider,
        amount=amount,
        reference_code=_new_reference_code(),
        external_id=external_id,
        idempotency_key=idempotency_key,
    )
    audit_record(
        actor=client,
        action="payments.funding_start",
        target=pf,
        data={"provider": provider, "amount": amount, "escrow": escrow.pk, "funding": funding.pk},
    )
    return pf


def provider_funding_set_external(
    *, provider_funding: ProviderFunding, external_id: str, action_url: str = ""
) -> ProviderFunding:
    """Remember the provider's id for a funding and the page where the client pays. Called by the provider
    adapters inside their transaction, once the provider has answered."""
    provider_funding.external_id = external_id
    provider_funding.action_url = action_url
    provider_funding.save(update_fields=["external_id", "action_url"])
    audit_record(
        actor=provider_funding.client,
        action="payments.funding_external",
        target=provider_funding,
        data={"external_id": external_id},
    )
    return provider_funding


@dataclass(frozen=True)
class FundingAsk:
    """What an escrow's owner asks its client to pay now: the exact amount, and what it is for (shown on
    the funding page, e.g. 「マイルストーン1「デザイン案」」)."""

    amount: int
    label: str


FundingAsker = Callable[[Escrow], "FundingAsk | None"]
_ASKERS: dict[str, FundingAsker] = {}


def funding_asker_register(kind: str, asker: FundingAsker) -> None:
    """The app that owns escrows whose reference starts with `kind:` ("milestone:12") says what each one
    asks for. Called from that app's `AppConfig.ready`; payments does not import the owners."""
    _ASKERS[kind] = asker


FundingSubject = Callable[[Escrow], "str | None"]
_SUBJECTS: dict[str, FundingSubject] = {}


def funding_subject_register(kind: str, describe: FundingSubject) -> None:
    """The owner of `kind:` escrows also says what each one pays for, in the client's words, so the funding
    pages can name it whether or not it asks anything now."""
    _SUBJECTS[kind] = describe


def funding_subject(escrow: Escrow) -> str:
    """What `escrow` pays for (the contract and its milestone or week); never the internal reference."""
    describe = _SUBJECTS.get(escrow.reference.partition(":")[0])
    return (describe(escrow) if describe is not None else None) or _("このお仕事")


def funding_ask(escrow: Escrow) -> FundingAsk | None:
    """What `escrow` asks its client to pay now, or None when it asks nothing (funded, released, refunded,
    cancelled, not billed yet, or no owner that asks through the funding page)."""
    kind = escrow.reference.partition(":")[0]
    asker = _ASKERS.get(kind)
    return asker(escrow) if asker is not None else None


def _funding_create(
    *,
    client: User,
    escrow: Escrow,
    amount: int | None,
    provider: str,
    key: str,
    ask: Callable[[Escrow], int | None],
) -> ProviderFunding:
    """Lock the escrow, replay a known key, refuse a second pending funding, ask `ask` for the amount the
    escrow wants now (`amount`, when given, must be it), then start the payment for exactly that amount.
    Lock order: escrow → (ledger: escrow → funding → accounts)."""
    from .providers import get_provider

    with transaction.atomic():
        locked = Escrow.objects.select_for_update(of=("self",)).get(pk=escrow.pk)
        if locked.client_id != client.pk:
            raise NotFound()
        existing = ProviderFunding.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.escrow_id != locked.pk or amount not in (None, existing.amount):
                raise Conflict(
                    ErrorCode.IDEMPOTENCY_MISMATCH,
                    _("この操作はすでに別の内容で受け付けています。ページを開き直してからお試しください。"),
                )
            return existing
        if Funding.objects.filter(escrow=locked, status=FundingStatus.PENDING).exists():
            raise DomainError(
                _(
                    "この仮払いには、入金をお待ちしている手続きがすでにあります。その手続きでお支払いいただくか、"
                    "取り消されてからもう一度お試しください。"
                ),
                code="funding_pending",
            )
        asked = ask(locked)
        if asked is None:
            raise DomainError(
                _(
                    "この仮払いには、いまお支払いいただく金額はありません。"
                    "完了した仮払いや、まだ請求されていない仮払いにはお金を預けられません。"
                ),
                code="funding_not_asked",
            )
        if amount is not None and amount != asked:
            raise DomainError(
                _(
                    "お支払いいただく金額は%(amount)sです。金額が変わった可能性があります。"
                    "ページを開き直して、金額を確かめてからお進みください。"
                )
                % {"amount": format_yen(asked)},
                code="funding_amount_mismatch",
                field="amount",
            )
        return get_provider(provider).create_funding(locked, asked, key, actor=client)


def funding_request(
    *, client: User, escrow: Escrow, amount: int, provider: str, idempotency_key: str
) -> ProviderFunding:
    """The owner of `escrow` (a contract billing a milestone or an hourly week) asks its client for exactly
    `amount`, paid with `provider`. Inside the owner's transaction, which holds its own locks (contract →
    milestone or week) before this one locks the escrow. Refused while another funding of this escrow
    is pending."""
    _check_yen(amount)
    return _funding_create(
        client=client,
        escrow=escrow,
        amount=amount,
        provider=provider,
        key=scoped_key(client, idempotency_key),
        ask=lambda _escrow: amount,
    )


def funding_start(
    *, client: User, escrow: Escrow, provider: str, idempotency_key: str, amount: int | None = None
) -> ProviderFunding:
    """A client pays, from the funding page, what `escrow` asks for now (`funding_ask`): after a bank
    transfer was voided, or to pay by card instead. Never a free amount: `amount`, when given, is the
    amount the page showed, and must still be what the escrow asks (it may have changed since). Refuses
    an escrow that asks nothing (finished, refunded, not billed) with a kind error; another client's
    escrow is `NotFound`."""
    if amount is not None:
        _check_yen(amount)

    def asked(locked: Escrow) -> int | None:
        ask = funding_ask(locked)
        return None if ask is None else ask.amount

    return _funding_create(
        client=client,
        escrow=escrow,
        amount=amount,
        provider=provider,
        key=scoped_key(client, idempotency_key),
        ask=asked,
    )


def _check_yen(amount: Any) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("金額は1円以上の数字で入力してください。"), field="amount"
        )


def funding_confirm(*, provider_funding: ProviderFunding, actor: User | None) -> ProviderFunding:
    """The money arrived (staff saw the bank transfer, or the provider said so): post it to the escrow
    and issue the client's receipt. Confirming twice is harmless: the ledger key is per funding."""
    with transaction.atomic():
        locked = (
            ProviderFunding.objects.select_for_update().select_related("funding").get(pk=provider_funding.pk)
        )
        if locked.status == ProviderFundingStatus.SUCCEEDED:
            return locked
        if locked.status != ProviderFundingStatus.PENDING:
            raise InvalidTransition(
                _("この入金は「%(status)s」のため、確認できません。")
                % {"status": locked.get_status_display()}
            )
        funding = ledger.funding_post(
            funding=locked.funding, actor=actor, idempotency_key=f"payments.funding_post:{locked.pk}"
        )
        locked.status = ProviderFundingStatus.SUCCEEDED
        locked.decided_at = clock.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(actor=actor, action="payments.funding_confirm", target=locked)
        receipt_issue(funding=funding, actor=actor)
    return locked


def funding_cancel(*, provider_funding: ProviderFunding, actor: User | None) -> ProviderFunding:
    """The money will not come (no transfer arrived, the card was declined): void the pending funding."""
    with transaction.atomic():
        locked = (
            ProviderFunding.objects.select_for_update().select_related("funding").get(pk=provider_funding.pk)
        )
        if locked.status == ProviderFundingStatus.VOIDED:
            return locked
        if locked.status != ProviderFundingStatus.PENDING:
            raise InvalidTransition(
                _("この入金は「%(status)s」のため、取り消せません。")
                % {"status": locked.get_status_display()}
            )
        ledger.funding_void(
            funding=locked.funding, actor=actor, idempotency_key=f"payments.funding_void:{locked.pk}"
        )
        locked.status = ProviderFundingStatus.VOIDED
        locked.decided_at = clock.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(actor=actor, action="payments.funding_cancel", target=locked)
    return locked


CHECKOUT_OPEN_GRACE = dt.timedelta(minutes=30)


def fundings_reconcile_due(*, limit: int = 200) -> dict[str, int]:
    """Periodic reconciliation with the card provider, so a missed or late webhook is caught within a
    minute and no page view has to ask: every pending Stripe funding with a Checkout Session is read from
    Stripe (outside any transaction; `confirm` then posts or voids it in its own), and one whose session
    was never opened (Stripe refused or was unreachable) is voided after `CHECKOUT_OPEN_GRACE`, so the
    client may start again. A no-op while card payments are off."""
    from .constants import Provider
    from .providers import StripeProvider

    done = {"confirmed": 0, "voided": 0}
    if not settings.STRIPE_SECRET_KEY:
        return done
    provider = StripeProvider()
    pending = ProviderFunding.objects.filter(
        provider=Provider.STRIPE, status=ProviderFundingStatus.PENDING
    ).order_by("id")[:limit]
    for pf in pending:
        try:
            if pf.external_id:
                after = provider.confirm(pf, actor=None)
            elif pf.created_at <= clock.now() - CHECKOUT_OPEN_GRACE:
                after = funding_cancel(provider_funding=pf, actor=None)
            else:
                continue
        except Exception:  # one funding Stripe cannot answer for must not stop the others
            logger.warning("stripe reconciliation failed for funding %s", pf.pk, exc_info=True)
            continue
        if after.status == ProviderFundingStatus.SUCCEEDED:
            done["confirmed"] += 1
        elif after.status == ProviderFundingStatus.VOIDED:
            done["voided"] += 1
    return done


# --- invoices and receipts -------------------------------------------------------------------------------


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

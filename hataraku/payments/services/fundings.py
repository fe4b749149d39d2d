"""How a client pays into an escrow: the pending funding is recorded in the ledger together with how it
is being paid (`ProviderFunding`), the provider's payment page is opened after commit, and the funding is
posted (`funding_confirm`) or voided (`funding_cancel`) once we know. The ledger's `Funding.status` is the
one truth for whether the money arrived; `ProviderFunding` only says how it is being paid.

The provider adapters (`..providers`) only talk to the provider; these services decide. No network call
inside a transaction: the page is opened after commit, and a provider is asked before anything is locked.

Lock order: escrow → (ledger: escrow → funding → accounts); provider funding → (ledger: escrow → funding
→ accounts) → document sequence.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, NotFound
from hataraku.core.money import format_yen
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.idempotency import idempotent, scoped_key
from hataraku.ledger.models import Escrow, Funding

from ..constants import Provider
from ..models import ProviderFunding
from ..providers import Outcome, PaymentProvider, StripeProvider, get_provider
from .documents import receipt_issue

logger = logging.getLogger(__name__)


# --- what an escrow asks for (registered by the apps that own escrows) ----------------------------------


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


# --- recording a pending funding -------------------------------------------------------------------------


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
    """Link a pending ledger funding with how it is being paid. Inside `provider_funding_record`'s
    transaction, after `escrow_fund`."""
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
    """Remember the provider's id for a funding and the page where the client pays, inside the caller's
    transaction, once the provider has answered."""
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


def provider_funding_record(
    *, provider: PaymentProvider, escrow: Escrow, amount: int, idempotency_key: str, actor: Any
) -> ProviderFunding:
    """Record a pending ledger funding of `amount` yen for `escrow`, paid with `provider`, and open the
    provider's payment page once this transaction (and the caller's, which holds the contract and escrow
    locks) has committed: a slow provider never holds a row lock or SQLite's write lock."""
    provider.check_available()
    with transaction.atomic():
        funding = ledger.escrow_fund(
            escrow=escrow,
            amount=amount,
            source=provider.ledger_source,
            provider=str(provider.ledger_provider),
            actor=actor,
            idempotency_key=f"payments.funding:{idempotency_key}",
        )
        pf = provider_funding_create(
            escrow=escrow,
            client=actor,
            amount=amount,
            provider=provider.name,
            idempotency_key=idempotency_key,
            funding=funding,
        )
        transaction.on_commit(partial(_page_open_quietly, pf.pk, provider))
        return pf


def _page_open_quietly(provider_funding_id: int, provider: PaymentProvider) -> None:
    """`funding_page_open` after commit: a refusal or an unreachable provider is logged, and the funding
    page offers the client a button to try again (the funding stays pending, with no payment page yet)."""
    try:
        funding_page_open(provider_funding_id=provider_funding_id, provider=provider)
    except (stripe.StripeError, DomainError):
        logger.warning("stripe checkout for funding %s not opened", provider_funding_id, exc_info=True)


def funding_page_open(
    *, provider_funding_id: int, provider: PaymentProvider | None = None
) -> ProviderFunding:
    """Open the provider's payment page for a pending funding that has none yet: the provider is asked
    outside any transaction, and its answer is remembered in a short transaction of its own. Raises the
    provider's error (`stripe.StripeError`) or a `DomainError` when it cannot be opened."""
    pf = ProviderFunding.objects.select_related("funding", "escrow", "client").get(pk=provider_funding_id)
    provider = provider or get_provider(pf.provider)
    if pf.provider != provider.name or pf.funding.status != FundingStatus.PENDING or pf.external_id:
        return pf
    page = provider.open_page(pf)
    if page is None:
        return pf
    with transaction.atomic():
        locked = ProviderFunding.objects.select_for_update().select_related("client").get(pk=pf.pk)
        if locked.external_id:
            return locked
        return provider_funding_set_external(
            provider_funding=locked, external_id=page.external_id, action_url=page.url
        )


# --- what a client asks to pay ---------------------------------------------------------------------------


def _funding_create(
    *,
    client: User,
    escrow: Escrow,
    amount: int | None,
    provider: str,
    key: str,
    ask: Callable[[Escrow], int | None],
) -> ProviderFunding:
    """Replay a known key (the shared idempotency helper), lock the escrow, refuse a second pending
    funding, ask `ask` for the amount the escrow wants now (`amount`, when given, must be it), then start
    the payment for exactly that amount. The same key with another escrow, provider or amount is a
    `Conflict`. Lock order: escrow → (ledger: escrow → funding → accounts)."""

    def body(_idem: Any) -> ProviderFunding:
        locked = Escrow.objects.select_for_update(of=("self",)).get(pk=escrow.pk)
        if locked.client_id != client.pk:
            raise NotFound()
        if Funding.objects.filter(escrow=locked, status=FundingStatus.PENDING).exists():
            raise DomainError(
                ErrorCode.FUNDING_PENDING,
                _(
                    "この仮払いには、入金をお待ちしている手続きがすでにあります。その手続きでお支払いいただくか、"
                    "取り消されてからもう一度お試しください。"
                ),
            )
        asked = ask(locked)
        if asked is None:
            raise DomainError(
                ErrorCode.FUNDING_NOT_ASKED,
                _(
                    "この仮払いには、いまお支払いいただく金額はありません。"
                    "完了した仮払いや、まだ請求されていない仮払いにはお金を預けられません。"
                ),
            )
        if amount is not None and amount != asked:
            raise DomainError(
                ErrorCode.FUNDING_AMOUNT_MISMATCH,
                _(
                    "お支払いいただく金額は%(amount)sです。金額が変わった可能性があります。"
                    "ページを開き直して、金額を確かめてからお進みください。"
                )
                % {"amount": format_yen(asked)},
                field="amount",
            )
        return provider_funding_record(
            provider=get_provider(provider), escrow=locked, amount=asked, idempotency_key=key, actor=client
        )

    return idempotent(
        scope="payments.funding",
        key=key,
        params={"escrow": escrow.pk, "provider": str(provider), "amount": amount},
        body=body,
    )


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


# --- the money arrived, or will not ----------------------------------------------------------------------


def _lock(provider_funding: ProviderFunding) -> tuple[ProviderFunding, Funding]:
    """The provider funding, locked (only its own row: the ledger locks escrow → funding itself), and its
    funding as committed now."""
    locked = ProviderFunding.objects.select_for_update(of=("self",)).get(pk=provider_funding.pk)
    return locked, Funding.objects.get(pk=locked.funding_id)


def funding_confirm(*, provider_funding: ProviderFunding, actor: User | None) -> ProviderFunding:
    """The money arrived (staff saw the bank transfer, or the provider said so): post it to the escrow
    and issue the client's receipt. Confirming twice is harmless; a voided funding is refused by the
    ledger (`InvalidTransition`)."""
    with transaction.atomic():
        locked, funding = _lock(provider_funding)
        if funding.status == FundingStatus.POSTED:
            locked.funding = funding
            return locked
        funding = ledger.funding_post(
            funding=funding, actor=actor, idempotency_key=f"payments.funding_post:{locked.pk}"
        )
        locked.decided_at = clock.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["decided_at", "decided_by"])
        audit_record(actor=actor, action="payments.funding_confirm", target=locked)
        receipt_issue(funding=funding, actor=actor)
        locked.funding = funding
    return locked


def funding_cancel(*, provider_funding: ProviderFunding, actor: User | None) -> ProviderFunding:
    """The money will not come (no transfer arrived, the card was declined): void the pending funding.
    Cancelling twice is harmless; a posted funding is refused by the ledger (`InvalidTransition`)."""
    with transaction.atomic():
        locked, funding = _lock(provider_funding)
        if funding.status == FundingStatus.VOIDED:
            locked.funding = funding
            return locked
        funding = ledger.funding_void(
            funding=funding, actor=actor, idempotency_key=f"payments.funding_void:{locked.pk}"
        )
        locked.decided_at = clock.now()
        locked.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["decided_at", "decided_by"])
        audit_record(actor=actor, action="payments.funding_cancel", target=locked)
        locked.funding = funding
    return locked


def funding_check(
    *, provider_funding: ProviderFunding, actor: User | None, provider: PaymentProvider | None = None
) -> ProviderFunding:
    """Ask the provider about a pending funding (a reconciliation: the client came back from Checkout,
    or the clock checks a funding whose webhook was missed), outside any transaction, then post it when
    paid or void it when the payment expired. A bank transfer has nobody to ask: staff confirm it."""
    pf = provider_funding
    if pf.funding.status != FundingStatus.PENDING or not pf.external_id:
        return pf
    outcome = (provider or get_provider(pf.provider)).outcome(pf)
    if outcome == Outcome.PAID:
        return funding_confirm(provider_funding=pf, actor=actor)
    if outcome == Outcome.CANCELLED:
        return funding_cancel(provider_funding=pf, actor=actor)
    return pf


CHECKOUT_OPEN_GRACE = dt.timedelta(minutes=30)


def fundings_reconcile_due(*, limit: int = 200) -> dict[str, int]:
    """Periodic reconciliation with the card provider, so a missed or late webhook is caught within a
    minute and no page view has to ask: every pending Stripe funding with a Checkout Session is read from
    Stripe (outside any transaction; `funding_confirm` then posts or voids it in its own), and one whose
    session was never opened (Stripe refused or was unreachable) is voided after `CHECKOUT_OPEN_GRACE`, so
    the client may start again. A no-op while card payments are off."""
    done = {"confirmed": 0, "voided": 0}
    if not settings.STRIPE_SECRET_KEY:
        return done
    provider = StripeProvider()
    pending = (
        ProviderFunding.objects.filter(provider=Provider.STRIPE, funding__status=FundingStatus.PENDING)
        .select_related("funding")
        .order_by("id")[:limit]
    )
    for pf in pending:
        try:
            if pf.external_id:
                after = funding_check(provider_funding=pf, actor=None, provider=provider)
            elif pf.created_at <= clock.now() - CHECKOUT_OPEN_GRACE:
                after = funding_cancel(provider_funding=pf, actor=None)
            else:
                continue
        except Exception:  # one funding Stripe cannot answer for must not stop the others
            logger.warning("stripe reconciliation failed for funding %s", pf.pk, exc_info=True)
            continue
        if after.funding.status == FundingStatus.POSTED:
            done["confirmed"] += 1
        elif after.funding.status == FundingStatus.VOIDED:
            done["voided"] += 1
    return done

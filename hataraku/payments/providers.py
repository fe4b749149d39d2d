"""How a client's money reaches an escrow. One adapter per way of paying, chosen by
`settings.HATARAKU_PAYMENT_PROVIDER`; each one records a *pending* ledger funding and then, when the money
is ours, posts it (`services.funding_confirm`) or drops it (`services.funding_cancel`).

* `bank_transfer` (default, embedded): the client transfers to our account writing a reference code;
  staff see the transfer in the bank and confirm it in the staff queue.
* `stripe`: a Stripe Checkout Session in JPY (a zero-decimal currency: ¥1,000 is `amount=1000`). The client
  pays on Stripe's own hosted, accessible page (we never see a card number and load no third-party script,
  so our CSP stays closed); Checkout creates the PaymentIntent. Stripe's webhook tells us when the session
  was paid or expired (`checkout.session.*`), or when its PaymentIntent succeeded (matched by the funding
  id in its metadata). A declined card is not the end (the client may try another card on the same page),
  so only an expired session voids the funding. The clock reconciles every pending card funding with
  Stripe (`services.fundings_reconcile_due`), so a missed webhook never leaves the money unposted; the
  return page only shows the state (and offers a button to ask Stripe now).
* No network call inside a transaction: the pending funding commits first, and the Checkout Session is
  created after commit (`StripeProvider.checkout_open`); reconciliation reads Stripe before it locks.
"""

from __future__ import annotations

import abc
import logging
from functools import partial
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingSource
from hataraku.ledger.models import Escrow

from .constants import (
    STRIPE_EVENT_INTENT_CANCELED,
    STRIPE_EVENTS_FAILED,
    STRIPE_EVENTS_SUCCEEDED,
    Provider,
    ProviderFundingStatus,
)
from .models import ProcessedWebhookEvent, ProviderFunding

logger = logging.getLogger(__name__)


class PaymentProvider(abc.ABC):
    name: str

    @abc.abstractmethod
    def create_funding(
        self, escrow: Escrow, amount: int, idempotency_key: str, *, actor: Any
    ) -> ProviderFunding:
        """Record a pending funding of `amount` yen for `escrow` and start the payment."""

    @abc.abstractmethod
    def confirm(self, provider_funding: ProviderFunding, *, actor: Any) -> ProviderFunding:
        """Post the funding once the money is known to be ours."""

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(status=404)


class BankTransferProvider(PaymentProvider):
    name = Provider.BANK_TRANSFER

    def create_funding(
        self, escrow: Escrow, amount: int, idempotency_key: str, *, actor: Any
    ) -> ProviderFunding:
        from .services import provider_funding_create

        with transaction.atomic():
            funding = ledger.escrow_fund(
                escrow=escrow,
                amount=amount,
                source=FundingSource.BANK_TRANSFER,
                actor=actor,
                idempotency_key=f"payments.funding:{idempotency_key}",
            )
            return provider_funding_create(
                escrow=escrow,
                client=actor,
                amount=amount,
                provider=self.name,
                idempotency_key=idempotency_key,
                funding=funding,
            )

    def confirm(self, provider_funding: ProviderFunding, *, actor: Any) -> ProviderFunding:
        from .services import funding_confirm

        # The only evidence is the bank statement, so only staff confirm (the view is staff-only).
        return funding_confirm(provider_funding=provider_funding, actor=actor)


def make_stripe_client(secret_key: str) -> stripe.StripeClient:
    """The one place a live Stripe client is made (tests swap it for one answering recorded responses)."""
    return stripe.StripeClient(secret_key)


class StripeProvider(PaymentProvider):
    name = Provider.STRIPE

    def __init__(self, client: stripe.StripeClient | None = None, *, webhook_secret: str | None = None):
        self._client = client
        self.webhook_secret = webhook_secret if webhook_secret is not None else settings.STRIPE_WEBHOOK_SECRET

    @property
    def client(self) -> stripe.StripeClient:
        if self._client is None:
            if not settings.STRIPE_SECRET_KEY:
                raise DomainError(
                    ErrorCode.PROVIDER_OFF,
                    _("カード決済は現在ご利用いただけません。銀行振込をお選びください。"),
                )
            self._client = make_stripe_client(settings.STRIPE_SECRET_KEY)
        return self._client

    def create_funding(
        self, escrow: Escrow, amount: int, idempotency_key: str, *, actor: Any
    ) -> ProviderFunding:
        from .services import provider_funding_create

        self.client  # noqa: B018 — card payments switched off: refused here, before anything is recorded
        with transaction.atomic():
            funding = ledger.escrow_fund(
                escrow=escrow,
                amount=amount,
                source=FundingSource.PROVIDER,
                provider=self.name,
                actor=actor,
                idempotency_key=f"payments.funding:{idempotency_key}",
            )
            pf = provider_funding_create(
                escrow=escrow,
                client=actor,
                amount=amount,
                provider=self.name,
                idempotency_key=idempotency_key,
                funding=funding,
            )
            # Stripe is asked only once this transaction (and the caller's, which holds the contract and
            # escrow locks) has committed: a slow provider never holds a row lock or SQLite's write lock.
            transaction.on_commit(partial(self.checkout_open_quietly, pf.pk))
            return pf

    def checkout_open_quietly(self, provider_funding_id: int) -> None:
        """`checkout_open` after commit: a refusal or an unreachable Stripe is logged, and the funding page
        offers the client a button to try again (the funding stays pending, with no Checkout page yet)."""
        try:
            self.checkout_open(provider_funding_id)
        except (stripe.StripeError, DomainError):
            logger.warning("stripe checkout for funding %s not opened", provider_funding_id, exc_info=True)

    def checkout_open(self, provider_funding_id: int) -> ProviderFunding:
        """Create the Stripe Checkout Session for a pending card funding that has none yet, outside any
        transaction (the network call), then remember it in a short transaction of its own. The same
        Idempotency-Key every time, so a retry (the button, a second process) gets the same session."""
        from .services import provider_funding_set_external

        pf = ProviderFunding.objects.select_related("funding", "escrow").get(pk=provider_funding_id)
        if pf.provider != self.name or pf.status != ProviderFundingStatus.PENDING or pf.external_id:
            return pf
        escrow, funding, amount = pf.escrow, pf.funding, pf.amount
        back = settings.HATARAKU_SITE_URL + reverse("payments:funding_detail", args=[pf.pk])
        metadata = {"escrow_id": str(escrow.pk), "funding_id": str(funding.pk)}
        session = self.client.v1.checkout.sessions.create(
            params={
                "mode": "payment",
                "currency": "jpy",
                "locale": "ja",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "jpy",
                            "unit_amount": amount,
                            "product_data": {"name": f"Hataraku 仮払い {escrow.code}"},
                        },
                    }
                ],
                "client_reference_id": str(funding.pk),
                "metadata": metadata,
                "payment_intent_data": {
                    "description": f"Hataraku 仮払い {escrow.code}",
                    "metadata": metadata,
                },
                "success_url": f"{back}?checkout=done",
                "cancel_url": f"{back}?checkout=cancelled",
            },
            options={"idempotency_key": f"hataraku-funding-{pf.idempotency_key}"},
        )
        with transaction.atomic():
            locked = ProviderFunding.objects.select_for_update().get(pk=pf.pk)
            if locked.external_id:
                return locked
            return provider_funding_set_external(
                provider_funding=locked, external_id=session.id, action_url=session.url or ""
            )

    def confirm(self, provider_funding: ProviderFunding, *, actor: Any) -> ProviderFunding:
        """Ask Stripe for the state of the payment (a reconciliation: the client came back from Checkout,
        or staff check a funding whose webhook was missed)."""
        from .services import funding_cancel, funding_confirm

        if provider_funding.status != ProviderFundingStatus.PENDING or not provider_funding.external_id:
            return provider_funding
        if provider_funding.external_id.startswith("pi_"):
            # A funding started as a bare PaymentIntent, before Checkout: read the intent itself.
            intent = self.client.v1.payment_intents.retrieve(provider_funding.external_id)
            if intent.status == "succeeded" and _amount_matches(intent.to_dict(), provider_funding):
                return funding_confirm(provider_funding=provider_funding, actor=actor)
            if intent.status == "canceled":
                return funding_cancel(provider_funding=provider_funding, actor=actor)
            return provider_funding
        session = self.client.v1.checkout.sessions.retrieve(provider_funding.external_id)
        if session.payment_status == "paid" and _amount_matches(session.to_dict(), provider_funding):
            return funding_confirm(provider_funding=provider_funding, actor=actor)
        if session.status == "expired":
            return funding_cancel(provider_funding=provider_funding, actor=actor)
        return provider_funding

    def handle_webhook(self, request: HttpRequest) -> HttpResponse:
        from .services import funding_cancel, funding_confirm

        payload = request.body
        signature = request.headers.get("Stripe-Signature", "")
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (ValueError, stripe.SignatureVerificationError):
            return HttpResponseBadRequest("invalid signature")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ProcessedWebhookEvent.objects.create(
                        provider=self.name, event_id=event.id, event_type=event.type, received_at=clock.now()
                    )
            except IntegrityError:
                return HttpResponse("already processed")
            succeeded = event.type in STRIPE_EVENTS_SUCCEEDED
            obj = event.data.object.to_dict()
            if event.type == STRIPE_EVENT_INTENT_CANCELED:
                # Only a funding that *is* this PaymentIntent (started before Checkout) ends with it; inside
                # Checkout the session decides.
                pf = ProviderFunding.objects.filter(
                    provider=self.name, external_id=obj.get("id") or "-"
                ).first()
                if pf is not None and pf.status == ProviderFundingStatus.PENDING:
                    funding_cancel(provider_funding=pf, actor=None)
                    return HttpResponse("ok")
                return HttpResponse("ignored")
            if not succeeded and event.type not in STRIPE_EVENTS_FAILED:
                return HttpResponse("ignored")
            if event.type == "checkout.session.completed" and obj.get("payment_status") != "paid":
                # A delayed method (e.g. konbini): the async_payment_* event will follow.
                return HttpResponse("waiting")
            pf = self._funding_for(obj)
            if pf is None:
                logger.warning("stripe event %s for unknown payment %s", event.id, obj.get("id"))
                return HttpResponse("unknown payment")
            if succeeded and not _amount_matches(obj, pf):
                # Never post an amount we did not agree: the escrow must hold exactly the funding.
                logger.error(
                    "stripe event %s: %s %s received, funding %s expects %s jpy; not applied",
                    event.id,
                    _amount_of(obj),
                    obj.get("currency"),
                    pf.pk,
                    pf.funding.amount,
                )
                return HttpResponse("amount mismatch")
            try:
                with transaction.atomic():
                    if succeeded:
                        funding_confirm(provider_funding=pf, actor=None)
                    elif pf.status == ProviderFundingStatus.PENDING:
                        funding_cancel(provider_funding=pf, actor=None)
            except DomainError as exc:
                # Answering an error would make Stripe resend forever; staff reconcile from the log.
                logger.error("stripe event %s not applied to %s: %s", event.id, pf.pk, exc)
                return HttpResponse("not applied")
        return HttpResponse("ok")

    def _funding_for(self, obj: dict[str, Any]) -> ProviderFunding | None:
        """The funding an event's object belongs to: by its id (our Checkout Session), else by the funding id
        we put in its metadata (the PaymentIntent that Checkout created for our session)."""
        fundings = ProviderFunding.objects.select_related("funding").filter(provider=self.name)
        pf = fundings.filter(external_id=obj.get("id") or "-").first()
        funding_id = str((obj.get("metadata") or {}).get("funding_id", ""))
        if pf is None and funding_id.isdigit():
            pf = fundings.filter(funding_id=int(funding_id)).first()
        return pf


def _amount_of(obj: dict[str, Any]) -> Any:
    """Yen paid by a Checkout Session or a PaymentIntent (as a plain dict: `StripeObject.to_dict()`)."""
    if obj.get("object") == "checkout.session":
        return obj.get("amount_total")
    return obj.get("amount_received") or obj.get("amount")


def _amount_matches(obj: dict[str, Any], pf: ProviderFunding) -> bool:
    return bool(obj.get("currency") == "jpy" and _amount_of(obj) == pf.funding.amount)


def get_provider(name: str | None = None) -> PaymentProvider:
    chosen = name or settings.HATARAKU_PAYMENT_PROVIDER
    if chosen == Provider.BANK_TRANSFER:
        return BankTransferProvider()
    if chosen == Provider.STRIPE:
        return StripeProvider()
    raise DomainError(ErrorCode.UNKNOWN_PROVIDER, _("この支払い方法は使えません。"))


def enabled_providers() -> list[str]:
    """The configured provider, and bank transfer always (it needs nothing but our bank account)."""
    names = [str(Provider.BANK_TRANSFER)]
    if settings.HATARAKU_PAYMENT_PROVIDER == Provider.STRIPE:
        names.append(str(Provider.STRIPE))
    return names

"""How a client's money reaches an escrow. One adapter per way of paying, chosen by
`settings.HATARAKU_PAYMENT_PROVIDER`; each one records a *pending* ledger funding and then, when the money
is ours, posts it (`services.funding_confirm`) or drops it (`services.funding_cancel`).

* `bank_transfer` (default, embedded): the client transfers to our account writing a reference code;
  staff see the transfer in the bank and confirm it in the staff queue.
* `stripe`: a PaymentIntent in JPY (a zero-decimal currency: ¥1,000 is `amount=1000`); Stripe's webhook
  tells us when it succeeded or failed.
"""

from __future__ import annotations

import abc
import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingSource
from hataraku.ledger.models import Escrow

from .constants import STRIPE_EVENT_SUCCEEDED, STRIPE_EVENTS_FAILED, Provider, ProviderFundingStatus
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
                    "カード決済は現在ご利用いただけません。銀行振込をお選びください。", code="provider_off"
                )
            self._client = stripe.StripeClient(settings.STRIPE_SECRET_KEY)
        return self._client

    def create_funding(
        self, escrow: Escrow, amount: int, idempotency_key: str, *, actor: Any
    ) -> ProviderFunding:
        from .services import provider_funding_create

        with transaction.atomic():
            funding = ledger.escrow_fund(
                escrow=escrow,
                amount=amount,
                source=FundingSource.PROVIDER,
                provider=self.name,
                actor=actor,
                idempotency_key=f"payments.funding:{idempotency_key}",
            )
            # Inside the transaction on purpose: if Stripe refuses, nothing is recorded; if we fail after
            # Stripe answered, the retry sends the same Idempotency-Key and gets the same PaymentIntent.
            intent = self.client.v1.payment_intents.create(
                params={
                    "amount": amount,
                    "currency": "jpy",
                    "automatic_payment_methods": {"enabled": True},
                    "description": f"Hataraku 仮払い {escrow.code}",
                    "metadata": {"escrow_id": str(escrow.pk), "funding_id": str(funding.pk)},
                },
                options={"idempotency_key": f"hataraku-funding-{idempotency_key}"},
            )
            return provider_funding_create(
                escrow=escrow,
                client=actor,
                amount=amount,
                provider=self.name,
                idempotency_key=idempotency_key,
                funding=funding,
                external_id=intent.id,
            )

    def confirm(self, provider_funding: ProviderFunding, *, actor: Any) -> ProviderFunding:
        """Ask Stripe for the PaymentIntent's state (a reconciliation when a webhook was missed)."""
        from .services import funding_cancel, funding_confirm

        intent = self.client.v1.payment_intents.retrieve(provider_funding.external_id)
        if intent.status == "succeeded":
            return funding_confirm(provider_funding=provider_funding, actor=actor)
        if intent.status == "canceled":
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
            if event.type != STRIPE_EVENT_SUCCEEDED and event.type not in STRIPE_EVENTS_FAILED:
                return HttpResponse("ignored")
            intent_id = event.data.object["id"]
            pf = ProviderFunding.objects.filter(provider=self.name, external_id=intent_id).first()
            if pf is None:
                logger.warning("stripe event %s for unknown PaymentIntent %s", event.id, intent_id)
                return HttpResponse("unknown payment")
            if event.type == STRIPE_EVENT_SUCCEEDED:
                intent = event.data.object.to_dict()
                received = intent.get("amount_received") or intent.get("amount")
                if intent.get("currency") != "jpy" or received != pf.funding.amount:
                    # Never post an amount we did not agree: the escrow must hold exactly the funding.
                    logger.error(
                        "stripe event %s: %s %s received, funding %s expects %s jpy; not applied",
                        event.id,
                        received,
                        intent.get("currency"),
                        pf.pk,
                        pf.funding.amount,
                    )
                    return HttpResponse("amount mismatch")
            try:
                with transaction.atomic():
                    if event.type == STRIPE_EVENT_SUCCEEDED:
                        funding_confirm(provider_funding=pf, actor=None)
                    elif pf.status == ProviderFundingStatus.PENDING:
                        funding_cancel(provider_funding=pf, actor=None)
            except DomainError as exc:
                # Answering an error would make Stripe resend forever; staff reconcile from the log.
                logger.error("stripe event %s not applied to %s: %s", event.id, pf.pk, exc)
                return HttpResponse("not applied")
        return HttpResponse("ok")


def get_provider(name: str | None = None) -> PaymentProvider:
    chosen = name or settings.HATARAKU_PAYMENT_PROVIDER
    if chosen == Provider.BANK_TRANSFER:
        return BankTransferProvider()
    if chosen == Provider.STRIPE:
        return StripeProvider()
    raise DomainError("この支払い方法は使えません。", code="unknown_provider")


def enabled_providers() -> list[str]:
    """The configured provider, and bank transfer always (it needs nothing but our bank account)."""
    names = [str(Provider.BANK_TRANSFER)]
    if settings.HATARAKU_PAYMENT_PROVIDER == Provider.STRIPE:
        names.append(str(Provider.STRIPE))
    return names

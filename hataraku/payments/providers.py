"""How a client's money reaches an escrow: one adapter per way of paying, chosen by
`settings.HATARAKU_PAYMENT_PROVIDER`. An adapter only talks to its provider and answers what it learnt
(the payment page it opened, whether the payment is paid, expired or still open, the event a webhook
carried); the services (`services/fundings.py`, `services/webhooks.py`) record pending fundings and post or
void them. So this module imports no service, and the services orchestrate.

* `bank_transfer` (default, embedded): the client transfers to our account writing a reference code;
  staff see the transfer in the bank and confirm it in the staff queue. Nothing to ask a provider.
* `stripe`: a Stripe Checkout Session in JPY (a zero-decimal currency: ¥1,000 is `amount=1000`). The client
  pays on Stripe's own hosted, accessible page (we never see a card number and load no third-party script,
  so our CSP stays closed); Checkout creates the PaymentIntent. Stripe's webhook tells us when the session
  was paid or expired (`checkout.session.*`), or when its PaymentIntent succeeded (matched by the funding
  id in its metadata). A declined card is not the end (the client may try another card on the same page),
  so only an expired session voids the funding.
* No network call inside a transaction: every method here that calls Stripe is called by a service
  outside any transaction (after the pending funding committed, or before it locks anything).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core.errors import DomainError, ErrorCode
from hataraku.ledger.constants import FundingSource

from .constants import Provider
from .models import ClientWithdrawal, ProviderFunding


class Outcome(enum.StrEnum):
    """What a provider says about a pending payment."""

    PAID = "paid"
    CANCELLED = "cancelled"
    OPEN = "open"


@dataclass(frozen=True)
class PaymentPage:
    """The provider's payment started: its id, and the page where the client pays."""

    external_id: str
    url: str


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event: its id (for deduplication), its type and its object as a plain dict."""

    id: str
    type: str
    obj: dict[str, Any]


@dataclass(frozen=True)
class RefundAnswer:
    """What the provider answered to a refund to a card: its refund id, PAID (the money is on its way back
    to the card), CANCELLED (refused or failed: `reason`) or OPEN (pending: a webhook will tell)."""

    external_id: str
    outcome: Outcome
    reason: str = ""


class InvalidWebhook(ValueError):
    """The request is not a correctly signed event of the provider."""


class PaymentProvider:
    """A way of paying. The defaults suit one with nothing to ask (a bank transfer)."""

    name: str
    # How the ledger records the pending funding (its source, and for a provider its clearing account).
    ledger_source: str
    ledger_provider: str = ""

    def check_available(self) -> None:
        """Raise a `DomainError` when this way of paying cannot take a payment now."""

    def open_page(self, provider_funding: ProviderFunding) -> PaymentPage | None:
        """Start the provider's payment for a recorded pending funding; None when there is nothing to open
        (a bank transfer needs only the reference code). Called outside any transaction."""
        return None

    def outcome(self, provider_funding: ProviderFunding) -> Outcome:
        """Ask the provider about a pending funding. Called outside any transaction."""
        return Outcome.OPEN

    def refund(self, withdrawal: ClientWithdrawal) -> RefundAnswer:
        """Ask the provider to give `withdrawal.amount` back to the card of `withdrawal.provider_funding`.
        Called outside any transaction, with the same provider Idempotency-Key every time."""
        raise DomainError(
            ErrorCode.UNKNOWN_PROVIDER,
            _("この支払い方法では、カードへの返金はできません。銀行口座への返金をお選びください。"),
        )


class BankTransferProvider(PaymentProvider):
    # The only evidence is the bank statement, so only staff confirm (the staff queue); nothing to ask.
    name = Provider.BANK_TRANSFER
    ledger_source = FundingSource.BANK_TRANSFER


def make_stripe_client(secret_key: str) -> stripe.StripeClient:
    """The one place a live Stripe client is made (tests swap it for one answering recorded responses)."""
    return stripe.StripeClient(secret_key)


class StripeProvider(PaymentProvider):
    name = Provider.STRIPE
    ledger_source = FundingSource.PROVIDER
    ledger_provider = Provider.STRIPE

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

    def check_available(self) -> None:
        self.client  # noqa: B018 — card payments switched off: refused before anything is recorded

    def open_page(self, provider_funding: ProviderFunding) -> PaymentPage:
        """Create the Stripe Checkout Session for a pending card funding. The same Idempotency-Key every
        time, so a retry (the button, a second process) gets the same session."""
        pf = provider_funding
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
        return PaymentPage(external_id=session.id, url=session.url or "")

    def outcome(self, provider_funding: ProviderFunding) -> Outcome:
        """Read the Checkout Session (or, for a funding started as a bare PaymentIntent before Checkout,
        the intent itself). Paid counts only for exactly the funding's amount in yen."""
        pf = provider_funding
        if not pf.external_id:
            return Outcome.OPEN
        if pf.external_id.startswith("pi_"):
            intent = self.client.v1.payment_intents.retrieve(pf.external_id)
            if intent.status == "succeeded" and amount_matches(intent.to_dict(), pf.funding.amount):
                return Outcome.PAID
            if intent.status == "canceled":
                return Outcome.CANCELLED
            return Outcome.OPEN
        session = self.client.v1.checkout.sessions.retrieve(pf.external_id)
        if session.payment_status == "paid" and amount_matches(session.to_dict(), pf.funding.amount):
            return Outcome.PAID
        if session.status == "expired":
            return Outcome.CANCELLED
        return Outcome.OPEN

    def refund(self, withdrawal: ClientWithdrawal) -> RefundAnswer:
        """A Stripe Refund of the PaymentIntent that paid the card funding (read from its Checkout Session
        when the funding is a session), in yen, with the withdrawal's id in its metadata so the
        `refund.*` webhooks find it. A card error answers CANCELLED with the provider's reason; the
        network failing raises (the request is tried again later with the same key)."""
        pf = withdrawal.provider_funding
        if pf is None or not pf.external_id:
            return RefundAnswer(external_id="", outcome=Outcome.CANCELLED, reason="no card payment")
        intent = pf.external_id
        if not intent.startswith("pi_"):
            session = self.client.v1.checkout.sessions.retrieve(intent)
            intent = str(session.payment_intent or "")
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": intent,
                    "amount": withdrawal.amount,
                    "reason": "requested_by_customer",
                    "metadata": {"client_withdrawal_id": str(withdrawal.pk)},
                },
                options={"idempotency_key": f"hataraku-refund-{withdrawal.idempotency_key}"},
            )
        except stripe.CardError as exc:  # a refused refund (e.g. the charge is disputed)
            return RefundAnswer(
                external_id="", outcome=Outcome.CANCELLED, reason=str(exc.user_message or exc)
            )
        except stripe.InvalidRequestError as exc:  # e.g. more than the charge has left to refund
            return RefundAnswer(
                external_id="", outcome=Outcome.CANCELLED, reason=str(exc.user_message or exc)
            )
        return RefundAnswer(external_id=refund.id, outcome=refund_outcome(refund.to_dict()), reason="")

    def parse_event(self, payload: bytes, signature: str) -> WebhookEvent:
        """The event of a webhook request, once its signature is checked; `InvalidWebhook` otherwise."""
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (ValueError, stripe.SignatureVerificationError) as exc:
            raise InvalidWebhook(str(exc)) from exc
        return WebhookEvent(id=event.id, type=event.type, obj=event.data.object.to_dict())


def refund_outcome(obj: dict[str, Any]) -> Outcome:
    """A Stripe Refund's status as an outcome: succeeded is PAID, failed or canceled CANCELLED, the rest
    (pending, requires_action) OPEN."""
    status = obj.get("status")
    if status == "succeeded":
        return Outcome.PAID
    if status in ("failed", "canceled"):
        return Outcome.CANCELLED
    return Outcome.OPEN


def amount_of(obj: dict[str, Any]) -> Any:
    """Yen paid by a Checkout Session or a PaymentIntent (as a plain dict: `StripeObject.to_dict()`)."""
    if obj.get("object") == "checkout.session":
        return obj.get("amount_total")
    return obj.get("amount_received") or obj.get("amount")


def amount_matches(obj: dict[str, Any], amount: int) -> bool:
    return bool(obj.get("currency") == "jpy" and amount_of(obj) == amount)


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

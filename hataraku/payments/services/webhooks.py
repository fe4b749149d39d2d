"""Provider webhooks: Stripe tells us a Checkout Session was paid or expired, or that its PaymentIntent
succeeded. The adapter checks the signature and reads the event (`StripeProvider.parse_event`); this
service deduplicates it (providers deliver at least once) and posts or voids the funding."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction

from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.ledger.constants import FundingStatus

from ..constants import (
    STRIPE_EVENT_INTENT_CANCELED,
    STRIPE_EVENTS_FAILED,
    STRIPE_EVENTS_REFUND,
    STRIPE_EVENTS_SUCCEEDED,
    WithdrawalDestination,
)
from ..models import ClientWithdrawal, ProcessedWebhookEvent, ProviderFunding
from ..providers import Outcome, RefundAnswer, StripeProvider, amount_matches, amount_of, refund_outcome
from .client_refunds import client_card_refund_record
from .fundings import funding_cancel, funding_confirm

logger = logging.getLogger(__name__)


def stripe_webhook_receive(*, payload: bytes, signature: str, provider: StripeProvider | None = None) -> str:
    """Apply one Stripe event and return the word to answer it with ("ok", "already processed",
    "ignored", …). Raises `providers.InvalidWebhook` for a request that is not a correctly signed event.
    Every signed event is answered 200, even one we cannot apply: an error would make Stripe resend it
    forever, and staff reconcile from the log."""
    provider = provider or StripeProvider()
    event = provider.parse_event(payload, signature)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedWebhookEvent.objects.create(
                    provider=provider.name, event_id=event.id, event_type=event.type, received_at=clock.now()
                )
        except IntegrityError:
            return "already processed"
        succeeded = event.type in STRIPE_EVENTS_SUCCEEDED
        obj = event.obj
        if event.type in STRIPE_EVENTS_REFUND:
            return _card_refund_event(event.id, obj)
        if event.type == STRIPE_EVENT_INTENT_CANCELED:
            # Only a funding that *is* this PaymentIntent (started before Checkout) ends with it; inside
            # Checkout the session decides.
            pf = (
                ProviderFunding.objects.select_related("funding")
                .filter(provider=provider.name, external_id=obj.get("id") or "-")
                .first()
            )
            if pf is not None and pf.funding.status == FundingStatus.PENDING:
                funding_cancel(provider_funding=pf, actor=None)
                return "ok"
            return "ignored"
        if not succeeded and event.type not in STRIPE_EVENTS_FAILED:
            return "ignored"
        if event.type == "checkout.session.completed" and obj.get("payment_status") != "paid":
            # A delayed method (e.g. konbini): the async_payment_* event will follow.
            return "waiting"
        pf = _funding_for(provider.name, obj)
        if pf is None:
            logger.warning("stripe event %s for unknown payment %s", event.id, obj.get("id"))
            return "unknown payment"
        if succeeded and not amount_matches(obj, pf.funding.amount):
            # Never post an amount we did not agree: the escrow must hold exactly the funding.
            logger.error(
                "stripe event %s: %s %s received, funding %s expects %s jpy; not applied",
                event.id,
                amount_of(obj),
                obj.get("currency"),
                pf.pk,
                pf.funding.amount,
            )
            return "amount mismatch"
        try:
            with transaction.atomic():
                if succeeded:
                    funding_confirm(provider_funding=pf, actor=None)
                elif pf.funding.status == FundingStatus.PENDING:
                    funding_cancel(provider_funding=pf, actor=None)
        except DomainError as exc:
            logger.error("stripe event %s not applied to %s: %s", event.id, pf.pk, exc)
            return "not applied"
    return "ok"


def _funding_for(provider: str, obj: dict[str, Any]) -> ProviderFunding | None:
    """The funding an event's object belongs to: by its id (our Checkout Session), else by the funding id
    we put in its metadata (the PaymentIntent that Checkout created for our session)."""
    fundings = ProviderFunding.objects.select_related("funding").filter(provider=provider)
    pf = fundings.filter(external_id=obj.get("id") or "-").first()
    funding_id = str((obj.get("metadata") or {}).get("funding_id", ""))
    if pf is None and funding_id.isdigit():
        pf = fundings.filter(funding_id=int(funding_id)).first()
    return pf


def _card_refund_event(event_id: str, obj: dict[str, Any]) -> str:
    """A refund to a client's card changed state: book it once it succeeded or failed (the withdrawal id is
    in the refund's metadata; the amount must be exactly the withdrawal's, in yen)."""
    withdrawal_id = str((obj.get("metadata") or {}).get("client_withdrawal_id", ""))
    withdrawal = (
        ClientWithdrawal.objects.filter(pk=int(withdrawal_id), destination=WithdrawalDestination.CARD).first()
        if withdrawal_id.isdigit()
        else None
    )
    if withdrawal is None:
        logger.warning("stripe event %s for unknown refund %s", event_id, obj.get("id"))
        return "unknown refund"
    if obj.get("currency") != "jpy" or obj.get("amount") != withdrawal.amount:
        logger.error(
            "stripe event %s: refund %s does not match withdrawal %s", event_id, obj.get("id"), withdrawal.pk
        )
        return "amount mismatch"
    outcome = refund_outcome(obj)
    if outcome == Outcome.OPEN:
        return "waiting"
    client_card_refund_record(
        withdrawal=withdrawal,
        answer=RefundAnswer(
            external_id=str(obj.get("id") or ""), outcome=outcome, reason=str(obj.get("failure_reason") or "")
        ),
    )
    return "ok"

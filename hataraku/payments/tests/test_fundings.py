from __future__ import annotations

import json
import time

import pytest
from django.test import override_settings

from hataraku.core.errors import InvalidTransition, NotFound
from hataraku.ledger.constants import FundingSource, FundingStatus
from hataraku.ledger.models import Funding
from hataraku.ledger.selectors import escrow_held
from hataraku.payments import services
from hataraku.payments.constants import DocumentKind, ProviderFundingStatus
from hataraku.payments.models import InvoiceDocument, ProcessedWebhookEvent, ProviderFunding
from hataraku.payments.providers import StripeProvider, get_provider

from .factories import ClientFactory, key, open_escrow
from .stripe_fakes import client_with, fixture, signature_header

pytestmark = pytest.mark.django_db

SECRET = "whsec_test_recorded"


def test_bank_transfer_start_records_a_pending_funding_with_a_reference(client_user, frozen_clock):
    # given a client's escrow
    escrow = open_escrow(client=client_user)
    # when they choose bank transfer for ¥33,000
    pf = services.funding_start(
        client=client_user, escrow=escrow, amount=33_000, provider="bank_transfer", idempotency_key=key()
    )
    # then a pending ledger funding exists, nothing is held yet, and a 7-digit reference is shown
    assert pf.funding.status == FundingStatus.PENDING and pf.funding.source == FundingSource.BANK_TRANSFER
    assert len(pf.reference_code) == 7 and pf.reference_code.isdigit()
    assert escrow_held(escrow) == 0


def test_only_the_escrows_client_can_fund_it(client_user):
    escrow = open_escrow(client=client_user)
    with pytest.raises(NotFound):
        services.funding_start(
            client=ClientFactory(),
            escrow=escrow,
            amount=1_000,
            provider="bank_transfer",
            idempotency_key=key(),
        )
    assert not Funding.objects.exists()


def test_staff_confirm_posts_the_funding_and_issues_one_receipt(client_user, staff, frozen_clock):
    escrow = open_escrow(client=client_user)
    pf = services.funding_start(
        client=client_user, escrow=escrow, amount=33_000, provider="bank_transfer", idempotency_key=key()
    )
    # when staff confirm (twice: a double click)
    get_provider("bank_transfer").confirm(pf, actor=staff)
    services.funding_confirm(provider_funding=pf, actor=staff)
    # then the money is held once and one numbered receipt exists
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.SUCCEEDED and pf.decided_by == staff
    assert escrow_held(escrow) == 33_000
    receipt = InvoiceDocument.objects.get(kind=DocumentKind.RECEIPT)
    assert receipt.recipient == client_user and receipt.total_amount == 33_000
    assert (receipt.taxable_amount, receipt.tax_amount) == (30_000, 3_000)
    assert receipt.number == "HTK-2026-000001"


def test_staff_void_drops_the_pending_funding(client_user, staff):
    escrow = open_escrow(client=client_user)
    pf = services.funding_start(
        client=client_user, escrow=escrow, amount=5_000, provider="bank_transfer", idempotency_key=key()
    )
    services.funding_cancel(provider_funding=pf, actor=staff)
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.VOIDED and pf.funding.status == FundingStatus.VOIDED
    with pytest.raises(InvalidTransition):
        services.funding_confirm(provider_funding=pf, actor=staff)
    assert escrow_held(escrow) == 0


# --- Stripe ----------------------------------------------------------------------------------------------


def _stripe_funding(client_user, amount=33_000):
    escrow = open_escrow(client=client_user)
    client, http = client_with((200, fixture("payment_intent_created.json")))
    provider = StripeProvider(client, webhook_secret=SECRET)
    k = key()
    pf = provider.create_funding(escrow, amount, k, actor=client_user)
    return escrow, pf, http, k


def test_stripe_create_sends_a_jpy_payment_intent_with_idempotency_key(client_user):
    # when a client starts a card payment
    escrow, pf, http, k = _stripe_funding(client_user)
    # then the SDK sent exactly this request
    (call,) = http.calls
    assert call["method"] == "POST"
    assert call["url"].endswith("/v1/payment_intents")
    assert call["headers"]["Idempotency-Key"] == f"hataraku-funding-{k}"
    params = call["params"]
    assert params["amount"] == ["33000"]  # JPY is zero-decimal: yen, not sen
    assert params["currency"] == ["jpy"]
    assert params["metadata[escrow_id]"] == [str(escrow.pk)]
    assert params["metadata[funding_id]"] == [str(pf.funding_id)]
    assert params["automatic_payment_methods[enabled]"] == ["true"]
    # and the recorded PaymentIntent id is kept; the funding waits for the webhook
    assert pf.external_id == "pi_3QhAtaRaKu0001"
    assert pf.funding.source == FundingSource.PROVIDER and pf.funding.provider == "stripe"
    assert pf.funding.status == FundingStatus.PENDING


def test_stripe_error_records_nothing(client_user):
    escrow = open_escrow(client=client_user)
    error = {"error": {"type": "invalid_request_error", "message": "Amount must be at least ¥50 jpy"}}
    client, _http = client_with((400, error))
    with pytest.raises(Exception, match="Amount must be"):
        StripeProvider(client, webhook_secret=SECRET).create_funding(escrow, 10, key(), actor=client_user)
    assert not Funding.objects.exists() and not ProviderFunding.objects.exists()


def test_stripe_confirm_reads_the_payment_intent(client_user, staff):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    client, http = client_with((200, fixture("payment_intent_succeeded.json")))
    StripeProvider(client, webhook_secret=SECRET).confirm(pf, actor=staff)
    assert http.calls[0]["method"] == "GET" and http.calls[0]["url"].endswith(
        "/v1/payment_intents/pi_3QhAtaRaKu0001"
    )
    assert escrow_held(escrow) == 33_000


def _post_event(client, name, *, secret=SECRET, signature=None):
    payload = json.dumps(fixture(name)).encode()
    header = signature or signature_header(payload, secret, int(time.time()))
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_succeeded_posts_once_even_when_replayed(client, client_user, frozen_clock):
    # given a pending card funding
    escrow, pf, _http, _k = _stripe_funding(client_user)
    # when Stripe sends payment_intent.succeeded, then sends it again
    first = _post_event(client, "event_payment_intent_succeeded.json")
    second = _post_event(client, "event_payment_intent_succeeded.json")
    # then both are answered 200 and the money is held once
    assert first.status_code == 200 and second.status_code == 200
    assert second.content == b"already processed"
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.SUCCEEDED
    assert escrow_held(escrow) == 33_000
    assert ProcessedWebhookEvent.objects.filter(event_id="evt_1QhSucceeded").count() == 1
    assert InvoiceDocument.objects.filter(kind=DocumentKind.RECEIPT).count() == 1


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_payment_failed_voids_the_funding(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    response = _post_event(client, "event_payment_intent_payment_failed.json")
    assert response.status_code == 200
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.VOIDED and pf.funding.status == FundingStatus.VOIDED
    assert escrow_held(escrow) == 0


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_with_a_bad_signature_is_refused_and_posts_nothing(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    wrong_secret = _post_event(client, "event_payment_intent_succeeded.json", secret="whsec_wrong")
    garbage = _post_event(client, "event_payment_intent_succeeded.json", signature="t=1,v1=deadbeef")
    missing = client.post("/payments/stripe/webhook/", data=b"{}", content_type="application/json")
    assert [wrong_secret.status_code, garbage.status_code, missing.status_code] == [400, 400, 400]
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.PENDING
    assert escrow_held(escrow) == 0
    assert not ProcessedWebhookEvent.objects.exists()


def test_webhook_is_post_only(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_provider_is_chosen_by_configuration():
    with override_settings(HATARAKU_PAYMENT_PROVIDER="stripe"):
        assert isinstance(get_provider(), StripeProvider)
    with override_settings(HATARAKU_PAYMENT_PROVIDER="bank_transfer"):
        assert get_provider().name == "bank_transfer"


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_with_a_different_amount_posts_nothing(client, client_user):
    # given a pending card funding of ¥33,000
    escrow, pf, _http, _k = _stripe_funding(client_user)
    # when a correctly signed succeeded event reports a different amount
    event = fixture("event_payment_intent_succeeded.json")
    event["data"]["object"]["amount"] = 30_000
    event["data"]["object"]["amount_received"] = 30_000
    event["id"] = "evt_wrong_amount"
    payload = json.dumps(event).encode()
    response = client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(payload, SECRET, int(time.time())),
    )
    # then it is answered (so Stripe stops resending) but nothing is posted; staff reconcile from the log
    assert response.status_code == 200 and response.content == b"amount mismatch"
    pf.refresh_from_db()
    assert pf.status == ProviderFundingStatus.PENDING
    assert escrow_held(escrow) == 0

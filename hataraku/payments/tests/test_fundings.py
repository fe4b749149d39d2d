from __future__ import annotations

import json
import time

import pytest
from django.test import TestCase, override_settings

from hataraku.core.errors import InvalidTransition, NotFound
from hataraku.ledger.constants import FundingSource, FundingStatus
from hataraku.ledger.models import Funding
from hataraku.ledger.selectors import escrow_held
from hataraku.payments import services
from hataraku.payments.constants import DocumentKind
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
    pf = services.funding_request(
        client=client_user, escrow=escrow, amount=33_000, provider="bank_transfer", idempotency_key=key()
    )
    # then a pending ledger funding exists, nothing is held yet, and a 7-digit reference is shown
    assert pf.funding.status == FundingStatus.PENDING and pf.funding.source == FundingSource.BANK_TRANSFER
    assert len(pf.reference_code) == 7 and pf.reference_code.isdigit()
    assert escrow_held(escrow) == 0


def test_only_the_escrows_client_can_fund_it(client_user):
    escrow = open_escrow(client=client_user)
    with pytest.raises(NotFound):
        services.funding_request(
            client=ClientFactory(),
            escrow=escrow,
            amount=1_000,
            provider="bank_transfer",
            idempotency_key=key(),
        )
    assert not Funding.objects.exists()


def test_staff_confirm_posts_the_funding_and_issues_one_receipt(client_user, staff, frozen_clock):
    escrow = open_escrow(client=client_user)
    pf = services.funding_request(
        client=client_user, escrow=escrow, amount=33_000, provider="bank_transfer", idempotency_key=key()
    )
    # when staff confirm (twice: a double click)
    services.funding_confirm(provider_funding=pf, actor=staff)
    services.funding_confirm(provider_funding=pf, actor=staff)
    # then the money is held once and one numbered receipt exists
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.POSTED and pf.decided_by == staff
    assert escrow_held(escrow) == 33_000
    receipt = InvoiceDocument.objects.get(kind=DocumentKind.RECEIPT)
    assert receipt.recipient == client_user and receipt.total_amount == 33_000
    assert (receipt.taxable_amount, receipt.tax_amount) == (30_000, 3_000)
    assert receipt.number == "HTK-2026-000001"


def test_staff_void_drops_the_pending_funding(client_user, staff):
    escrow = open_escrow(client=client_user)
    pf = services.funding_request(
        client=client_user, escrow=escrow, amount=5_000, provider="bank_transfer", idempotency_key=key()
    )
    services.funding_cancel(provider_funding=pf, actor=staff)
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.VOIDED
    with pytest.raises(InvalidTransition):
        services.funding_confirm(provider_funding=pf, actor=staff)
    assert escrow_held(escrow) == 0


# --- Stripe ----------------------------------------------------------------------------------------------


def _stripe_funding(client_user, amount=33_000):
    escrow = open_escrow(client=client_user)
    created = fixture("checkout_session_created.json")
    created["amount_total"] = created["amount_subtotal"] = amount
    client, http = client_with((200, created))
    provider = StripeProvider(client, webhook_secret=SECRET)
    k = key()
    # Stripe is asked after the pending funding commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        pf = services.provider_funding_record(
            provider=provider, escrow=escrow, amount=amount, idempotency_key=k, actor=client_user
        )
    pf.refresh_from_db()
    return escrow, pf, http, k


def _event(name, pf, **changes):
    """A recorded event, pointed at this test's funding (database ids differ from run to run)."""
    event = fixture(name)
    obj = event["data"]["object"]
    obj["metadata"] = {"escrow_id": str(pf.escrow_id), "funding_id": str(pf.funding_id)}
    obj.update(changes)
    return event


def _post(client, event, *, secret=SECRET, signature=None):
    payload = json.dumps(event).encode()
    header = signature or signature_header(payload, secret, int(time.time()))
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@override_settings(HATARAKU_SITE_URL="https://hataraku.example.jp")
def test_stripe_create_opens_a_jpy_checkout_session_with_idempotency_key(client_user):
    # when a client starts a card payment of ¥33,000
    escrow, pf, http, k = _stripe_funding(client_user)
    # then the SDK sent exactly this request
    (call,) = http.calls
    assert call["method"] == "POST"
    assert call["url"].endswith("/v1/checkout/sessions")
    assert call["headers"]["Idempotency-Key"] == f"hataraku-funding-{k}"
    params = call["params"]
    assert params["mode"] == ["payment"] and params["locale"] == ["ja"]
    assert params["line_items[0][price_data][unit_amount]"] == ["33000"]  # JPY is zero-decimal: yen
    assert params["line_items[0][price_data][currency]"] == ["jpy"]
    assert params["line_items[0][quantity]"] == ["1"]
    assert params["metadata[funding_id]"] == [str(pf.funding_id)]
    assert params["payment_intent_data[metadata][funding_id]"] == [str(pf.funding_id)]
    assert params["payment_intent_data[metadata][escrow_id]"] == [str(escrow.pk)]
    back = f"https://hataraku.example.jp/payments/fundings/{pf.pk}/"
    assert params["success_url"] == [f"{back}?checkout=done"]
    assert params["cancel_url"] == [f"{back}?checkout=cancelled"]
    # and the session id and its page are kept; the funding waits for Stripe
    assert pf.external_id == "cs_test_a1HaTaRaKu0001"
    assert pf.action_url.startswith("https://checkout.stripe.com/")
    assert pf.funding.source == FundingSource.PROVIDER and pf.funding.provider == "stripe"
    assert pf.funding.status == FundingStatus.PENDING
    assert escrow_held(escrow) == 0


def test_stripe_refusal_after_commit_leaves_the_funding_pending_without_a_page(client_user, caplog):
    # given Stripe refuses the Checkout Session
    escrow = open_escrow(client=client_user)
    error = {"error": {"type": "invalid_request_error", "message": "Amount must be at least ¥50 jpy"}}
    client, _http = client_with((400, error))
    # when a card funding is recorded and committed
    with TestCase.captureOnCommitCallbacks(execute=True):
        pf = services.provider_funding_record(
            provider=StripeProvider(client, webhook_secret=SECRET),
            escrow=escrow,
            amount=10,
            idempotency_key=key(),
            actor=client_user,
        )
    # then the caller is not failed after its commit: the funding waits with no payment page (the
    # funding page offers to prepare one; the clock voids it after the grace period) and the refusal is logged
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING and pf.external_id == "" and pf.action_url == ""
    assert "not opened" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_stripe_is_never_called_inside_a_transaction(monkeypatch):
    from django.db import connection

    from hataraku.payments import services as payments

    # given Stripe answers through a recorder that notes whether a transaction was open at each call
    seen: list[bool] = []
    client, http = client_with((200, fixture("checkout_session_created.json")))
    original = http.request

    def request(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return original(*args, **kwargs)

    monkeypatch.setattr(http, "request", request)
    monkeypatch.setattr("hataraku.payments.providers.make_stripe_client", lambda _key: client)
    owner = ClientFactory()
    escrow = open_escrow(client=owner)
    # when a card funding is requested (it locks the escrow and records the pending funding)
    with override_settings(HATARAKU_PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_recorded"):
        pf = payments.funding_request(
            client=owner, escrow=escrow, amount=33_000, provider="stripe", idempotency_key=key()
        )
    # then Stripe was called once, with no transaction (and so no row lock) open
    assert seen == [False]
    pf.refresh_from_db()
    assert pf.external_id == "cs_test_a1HaTaRaKu0001"


def test_stripe_confirm_reads_the_checkout_session(client_user, staff):
    # given a pending card funding
    escrow, pf, _http, _k = _stripe_funding(client_user)
    # when staff reconcile it and Stripe says the session is paid
    client, http = client_with((200, fixture("checkout_session_paid.json")))
    services.funding_check(
        provider_funding=pf, actor=staff, provider=StripeProvider(client, webhook_secret=SECRET)
    )
    # then the session was read and the money is held
    assert http.calls[0]["method"] == "GET"
    assert http.calls[0]["url"].endswith("/v1/checkout/sessions/cs_test_a1HaTaRaKu0001")
    assert escrow_held(escrow) == 33_000
    # and a second reconciliation asks Stripe nothing and posts nothing more
    pf.refresh_from_db()
    again, http_again = client_with()
    services.funding_check(
        provider_funding=pf, actor=staff, provider=StripeProvider(again, webhook_secret=SECRET)
    )
    assert http_again.calls == [] and escrow_held(escrow) == 33_000


def test_stripe_confirm_of_an_open_session_waits_and_of_an_expired_one_voids(client_user, staff):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    still_open, _ = client_with((200, fixture("checkout_session_created.json")))
    assert (
        services.funding_check(
            provider_funding=pf, actor=staff, provider=StripeProvider(still_open)
        ).funding.status
        == FundingStatus.PENDING
    )
    expired, _ = client_with((200, fixture("checkout_session_expired.json")))
    assert (
        services.funding_check(
            provider_funding=pf, actor=staff, provider=StripeProvider(expired)
        ).funding.status
        == FundingStatus.VOIDED
    )
    assert escrow_held(escrow) == 0


def test_stripe_confirm_never_posts_a_paid_session_of_another_amount(client_user, staff):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    paid = fixture("checkout_session_paid.json")
    paid["amount_total"] = 30_000
    client, _ = client_with((200, paid))
    assert (
        services.funding_check(
            provider_funding=pf, actor=staff, provider=StripeProvider(client)
        ).funding.status
        == FundingStatus.PENDING
    )
    assert escrow_held(escrow) == 0


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(
    "name", ["event_checkout_session_completed.json", "event_payment_intent_succeeded.json"]
)
def test_webhook_paid_posts_once_even_when_replayed(client, client_user, frozen_clock, name):
    # given a pending card funding
    escrow, pf, _http, _k = _stripe_funding(client_user)
    event = _event(name, pf)
    # when Stripe reports it paid (the session, or the PaymentIntent Checkout made), then sends it again
    first = _post(client, event)
    second = _post(client, event)
    # then both are answered 200 and the money is held once, with one receipt
    assert first.status_code == 200 and first.content == b"ok"
    assert second.status_code == 200 and second.content == b"already processed"
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.POSTED
    assert escrow_held(escrow) == 33_000
    assert ProcessedWebhookEvent.objects.filter(event_id=event["id"]).count() == 1
    assert InvoiceDocument.objects.filter(kind=DocumentKind.RECEIPT).count() == 1


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_session_completed_and_payment_intent_succeeded_together_post_once(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    responses = [
        _post(client, _event("event_checkout_session_completed.json", pf)),
        _post(client, _event("event_payment_intent_succeeded.json", pf)),
    ]
    assert [r.status_code for r in responses] == [200, 200]
    assert escrow_held(escrow) == 33_000
    assert InvoiceDocument.objects.filter(kind=DocumentKind.RECEIPT).count() == 1


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_expired_session_voids_the_funding(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    response = _post(client, _event("event_checkout_session_expired.json", pf))
    assert response.status_code == 200
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.VOIDED
    assert escrow_held(escrow) == 0


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_a_declined_card_leaves_the_funding_pending_for_another_try(client, client_user):
    # given a pending card funding
    escrow, pf, _http, _k = _stripe_funding(client_user)
    # when Stripe reports one declined attempt on the session's PaymentIntent
    response = _post(client, _event("event_payment_intent_payment_failed.json", pf))
    # then nothing changes: the client may try another card on the same Checkout page
    assert response.status_code == 200 and response.content == b"ignored"
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING and escrow_held(escrow) == 0


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_session_completed_but_unpaid_waits_for_the_async_payment(client, client_user):
    # given a client who chose a delayed payment method (the session completes before the money arrives)
    escrow, pf, _http, _k = _stripe_funding(client_user)
    response = _post(client, _event("event_checkout_session_completed.json", pf, payment_status="unpaid"))
    assert response.content == b"waiting"
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING and escrow_held(escrow) == 0
    # when the async payment succeeds, then the money is held
    later = _event("event_checkout_session_completed.json", pf)
    later["id"], later["type"] = "evt_async_ok", "checkout.session.async_payment_succeeded"
    assert _post(client, later).content == b"ok"
    assert escrow_held(escrow) == 33_000


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_with_a_bad_signature_is_refused_and_posts_nothing(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    event = _event("event_checkout_session_completed.json", pf)
    wrong_secret = _post(client, event, secret="whsec_wrong")
    garbage = _post(client, event, signature="t=1,v1=deadbeef")
    missing = client.post("/payments/stripe/webhook/", data=b"{}", content_type="application/json")
    assert [wrong_secret.status_code, garbage.status_code, missing.status_code] == [400, 400, 400]
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING
    assert escrow_held(escrow) == 0
    assert not ProcessedWebhookEvent.objects.exists()


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_webhook_for_an_unknown_payment_is_answered_and_posts_nothing(client, client_user):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    stranger = _event("event_checkout_session_completed.json", pf, id="cs_test_someone_else")
    stranger["data"]["object"]["metadata"] = {}
    response = _post(client, stranger)
    assert response.status_code == 200 and response.content == b"unknown payment"
    assert escrow_held(escrow) == 0


def test_webhook_is_post_only(client):
    assert client.get("/payments/stripe/webhook/").status_code == 405


def test_provider_is_chosen_by_configuration():
    with override_settings(HATARAKU_PAYMENT_PROVIDER="stripe"):
        assert isinstance(get_provider(), StripeProvider)
    with override_settings(HATARAKU_PAYMENT_PROVIDER="bank_transfer"):
        assert get_provider().name == "bank_transfer"


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize(
    "name", ["event_checkout_session_completed.json", "event_payment_intent_succeeded.json"]
)
def test_webhook_with_a_different_amount_posts_nothing(client, client_user, name):
    # given a pending card funding of ¥33,000
    escrow, pf, _http, _k = _stripe_funding(client_user)
    # when a correctly signed paid event reports a different amount
    event = _event(name, pf, amount=30_000, amount_received=30_000, amount_total=30_000)
    event["id"] = "evt_wrong_amount"
    response = _post(client, event)
    # then it is answered (so Stripe stops resending) but nothing is posted; staff reconcile from the log
    assert response.status_code == 200 and response.content == b"amount mismatch"
    pf.refresh_from_db()
    assert pf.funding.status == FundingStatus.PENDING
    assert escrow_held(escrow) == 0


def _legacy(pf):
    """A card funding started as a bare PaymentIntent, before fundings went through Checkout."""
    ProviderFunding.objects.filter(pk=pf.pk).update(external_id="pi_3QhAtaRaKu0001", action_url="")
    pf.refresh_from_db()
    return pf


def test_a_funding_started_before_checkout_is_reconciled_from_its_payment_intent(client_user, staff):
    escrow, pf, _http, _k = _stripe_funding(client_user)
    pf = _legacy(pf)
    intent = fixture("event_payment_intent_succeeded.json")["data"]["object"]
    client, http = client_with((200, intent))
    services.funding_check(
        provider_funding=pf, actor=staff, provider=StripeProvider(client, webhook_secret=SECRET)
    )
    assert http.calls[0]["url"].endswith("/v1/payment_intents/pi_3QhAtaRaKu0001")
    assert escrow_held(escrow) == 33_000


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_a_canceled_payment_intent_voids_only_the_funding_that_is_that_intent(client, client_user):
    # given a Checkout funding and a funding started as a bare PaymentIntent
    _escrow, checkout_pf, _http, _k = _stripe_funding(client_user)
    event = _event("event_payment_intent_payment_failed.json", checkout_pf, status="canceled")
    event["id"], event["type"] = "evt_canceled", "payment_intent.canceled"
    # when the PaymentIntent is canceled while the funding is a Checkout session, then nothing changes
    assert _post(client, event).content == b"ignored"
    checkout_pf.refresh_from_db()
    assert checkout_pf.funding.status == FundingStatus.PENDING
    # when the funding is that PaymentIntent, then it is voided
    legacy = _legacy(checkout_pf)
    event["id"] = "evt_canceled_2"
    assert _post(client, event).content == b"ok"
    legacy.refresh_from_db()
    assert legacy.funding.status == FundingStatus.VOIDED

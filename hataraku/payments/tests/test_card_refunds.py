"""A client's refundable balance back to the card she paid with, through the provider adapter.

Nothing here can reach Stripe: the adapter runs against the real Stripe SDK with an HTTP client that answers
recorded API responses (`stripe_fakes.py`, fixtures `refund_*.json` and `event_refund_updated.json`), as
the card-payment tests do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

from hataraku.ledger import services as ledger
from hataraku.ledger.constants import AccountKind, EntryKind
from hataraku.ledger.selectors import client_balances, platform_totals
from hataraku.messaging.models import Notification
from hataraku.payments import services
from hataraku.payments.constants import ClientWithdrawalStatus, WithdrawalDestination
from hataraku.payments.models import ClientWithdrawal
from hataraku.payments.notices import CARD_REFUND_FAILED, CARD_REFUND_PAID
from hataraku.payments.providers import StripeProvider

from .factories import key
from .stripe_fakes import client_with, fixture
from .test_client_refunds import _batch, _export_and_check
from .test_fundings import SECRET, _event, _post, _stripe_funding

pytestmark = pytest.mark.django_db

S = ClientWithdrawalStatus
CLEARING = "Assets:Clearing:Stripe"


@pytest.fixture
def card_refunded(client, client_user, frozen_clock):
    """She paid ¥33,000 by card (the recorded webhook posted it) and the work did not happen: the escrow
    was refunded whole, so her refundable balance is ¥33,000."""
    with override_settings(STRIPE_WEBHOOK_SECRET=SECRET):
        escrow, pf, _http, _k = _stripe_funding(client_user)
        assert _post(client, _event("event_checkout_session_completed.json", pf)).content == b"ok"
    ledger.escrow_refund(escrow=escrow, amount=33_000, actor=None, idempotency_key=key())
    pf.refresh_from_db()
    return pf


def _stripe(*responses: tuple[int, dict[str, Any]]) -> tuple[StripeProvider, Any]:
    client, http = client_with(*responses)
    return StripeProvider(client, webhook_secret=SECRET), http


def _clearing() -> int:
    return int(platform_totals().get(AccountKind.PROVIDER_CLEARING, 0))


def test_a_card_refund_the_provider_confirms_leaves_the_ledger_once(
    client_user, card_refunded, frozen_clock, tmp_path
):
    # given ¥33,000 refundable from a card payment
    refund = fixture("refund_succeeded.json")
    provider, http = _stripe((200, fixture("checkout_session_paid.json")), (200, refund))
    # when she asks for ¥12,000 back to her card and Stripe answers the refund succeeded
    k = key()
    withdrawal = services.client_card_refund_request(
        client=client_user, amount=12_000, idempotency_key=k, provider=provider
    )
    # then Stripe was asked once for a yen refund of that PaymentIntent, with a fixed Idempotency-Key
    refund_call = http.calls[-1]
    assert refund_call["url"].endswith("/v1/refunds")
    assert refund_call["params"]["payment_intent"] == ["pi_3QhAtaRaKu0001"]
    assert refund_call["params"]["amount"] == ["12000"]
    assert refund_call["params"]["metadata[client_withdrawal_id]"] == [str(withdrawal.pk)]
    assert refund_call["headers"]["Idempotency-Key"] == f"hataraku-refund-{withdrawal.idempotency_key}"
    # and the money left her balance and the provider's clearing account, in one final entry
    assert (withdrawal.status, withdrawal.destination) == (S.PAID, WithdrawalDestination.CARD)
    assert withdrawal.external_id == refund["id"]
    assert withdrawal.final_entry is not None and withdrawal.final_entry.kind == EntryKind.CLIENT_MONEY_OUT
    assert client_balances(client_user).refundable == 21_000
    codes = {p.account.code: p.amount for p in withdrawal.final_entry.postings.select_related("account")}
    assert codes[CLEARING] == -12_000
    # and she was told, once
    assert Notification.objects.filter(user=client_user, code=CARD_REFUND_PAID).count() == 1
    # and the same request again asks Stripe nothing more and books nothing more
    calls = len(http.calls)
    again = services.client_card_refund_request(
        client=client_user, amount=12_000, idempotency_key=k, provider=provider
    )
    assert again.pk == withdrawal.pk and len(http.calls) == calls
    assert client_balances(client_user).refundable == 21_000
    # and the Beancount export still balances
    _export_and_check(tmp_path)


@override_settings(STRIPE_WEBHOOK_SECRET=SECRET)
def test_a_pending_card_refund_moves_the_money_only_when_the_webhook_confirms(
    client, client_user, card_refunded, frozen_clock, tmp_path
):
    # given Stripe answers the refund is pending
    provider, _http = _stripe(
        (200, fixture("checkout_session_paid.json")), (200, fixture("refund_pending.json"))
    )
    withdrawal = services.client_card_refund_request(
        client=client_user, amount=12_000, idempotency_key=key(), provider=provider
    )
    # then it waits at the card company: the money is set aside, nothing has left the ledger
    assert withdrawal.status == S.PROVIDER and withdrawal.final_entry is None
    assert client_balances(client_user).refundable == 21_000
    clearing_before = _clearing()
    # when the recorded refund.updated webhook says it succeeded (sent twice, as providers do)
    event = fixture("event_refund_updated.json")
    event["data"]["object"]["metadata"] = {"client_withdrawal_id": str(withdrawal.pk)}
    first, second = _post(client, event), _post(client, event)
    # then it is booked once
    assert (first.content, second.content) == (b"ok", b"already processed")
    withdrawal.refresh_from_db()
    assert withdrawal.status == S.PAID and withdrawal.final_entry is not None
    assert _clearing() == clearing_before - 12_000
    assert client_balances(client_user).refundable == 21_000
    _export_and_check(tmp_path)


def test_a_refused_card_refund_leaves_the_balance_where_it_was(client_user, card_refunded, frozen_clock):
    # given Stripe refuses the refund (the charge was disputed), as recorded
    provider, _http = _stripe(
        (200, fixture("checkout_session_paid.json")), (400, fixture("refund_error_charge_disputed.json"))
    )
    clearing_before = _clearing()
    # when she asks for ¥12,000 back to her card
    withdrawal = services.client_card_refund_request(
        client=client_user, amount=12_000, idempotency_key=key(), provider=provider
    )
    # then nothing left: her refundable balance is whole again and the clearing account untouched
    assert withdrawal.status == S.FAILED and withdrawal.failure_reason
    assert client_balances(client_user).refundable == 33_000
    assert _clearing() == clearing_before
    # and she is told kindly, in Japanese, what happened and what she can do
    notice = Notification.objects.get(user=client_user, code=CARD_REFUND_FAILED)
    assert "返金可能残高に戻しました" in notice.display_body and "銀行口座" in notice.display_body


def test_a_card_refund_cannot_exceed_what_the_card_paid(client_user, card_refunded):
    from hataraku.core.errors import DomainError

    # given ¥33,000 paid by card, and ¥5,000 more refundable from a bank transfer
    from .test_client_refunds import give_refund

    give_refund(client_user, 5_000)
    provider, http = _stripe()
    # when she asks for ¥38,000 back to her card
    with pytest.raises(DomainError) as refused:
        services.client_card_refund_request(
            client=client_user, amount=38_000, idempotency_key=key(), provider=provider
        )
    # then it is refused with the most the card can take, and nothing was asked or set aside
    assert "33,000" in str(refused.value.message)
    assert http.calls == [] and not ClientWithdrawal.objects.exists()
    assert client_balances(client_user).refundable == 38_000


def test_a_card_refund_never_travels_in_a_bank_batch(client_user, card_refunded, staff, frozen_clock):
    from hataraku.core.errors import DomainError, NotFound

    # given a card refund the provider could not be reached for (it stays requested, money set aside)
    class Down(StripeProvider):
        def refund(self, withdrawal):  # type: ignore[no-untyped-def]
            raise ConnectionError("no network here")

    withdrawal = services.client_card_refund_request(
        client=client_user, amount=10_000, idempotency_key=key(), provider=Down(webhook_secret=SECRET)
    )
    assert withdrawal.status == S.REQUESTED
    # when staff make a payout batch, then it is not in it (nothing else is requested, so no batch)
    with pytest.raises(DomainError):
        _batch(staff)
    # and staff cannot mark it paid by bank
    with pytest.raises(NotFound):
        services.client_withdrawal_mark_paid(withdrawal=withdrawal, actor=staff, idempotency_key=key())
    # and asking again later books the provider's answer
    provider, _http = _stripe(
        (200, fixture("checkout_session_paid.json")), (200, fixture("refund_succeeded.json"))
    )
    sent = services.client_card_refund_send(withdrawal=withdrawal, provider=provider)
    assert sent.status == S.PAID and client_balances(client_user).refundable == 23_000


def test_recorded_fixtures_are_stripe_refund_objects():
    # the recorded answers are Stripe's own shapes (a refund, an error, an event), so the adapter is tested
    # against what Stripe sends
    here = Path(__file__).parent / "fixtures"
    assert json.loads((here / "refund_succeeded.json").read_text())["object"] == "refund"
    assert json.loads((here / "event_refund_updated.json").read_text())["type"] == "refund.updated"


@override_settings(STRIPE_SECRET_KEY="sk_test_recorded")
def test_the_refund_page_offers_her_card_and_refunds_to_it(client, client_user, card_refunded, monkeypatch):
    from hataraku.payments import providers

    recorded, http = client_with(
        (200, fixture("checkout_session_paid.json")), (200, fixture("refund_succeeded.json"))
    )
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: recorded)
    client.force_login(client_user)
    # given she paid by card, the refund page offers her card beside her bank, with the limit
    page = client.get("/payments/refunds/").content.decode()
    assert "お支払いに使ったカード" in page and "¥33,000まで" in page
    # when she chooses her card for ¥12,000
    response = client.post(
        "/payments/refunds/",
        {"amount": "12000", "destination": "card", "idempotency_key": key()},
        follow=True,
    )
    # then the card company was asked, the refund is shown done in plain words, and her balance is lower
    assert any(c["url"].endswith("/v1/refunds") for c in http.calls)
    page = response.content.decode()
    assert "カードに返金しました" in page and "カードに返金済み" in page
    assert client_balances(client_user).refundable == 21_000


def test_the_refund_page_offers_no_card_to_a_client_who_paid_by_bank(client, client_user, frozen_clock):
    from .test_client_refunds import give_refund

    give_refund(client_user, 5_000)
    client.force_login(client_user)
    page = client.get("/payments/refunds/").content.decode()
    assert 'type="radio"' not in page and "お支払いに使ったカード</label>" not in page


@override_settings(STRIPE_SECRET_KEY="sk_test_recorded")
def test_the_clock_asks_again_for_a_card_refund_the_provider_missed(client_user, card_refunded, monkeypatch):
    from hataraku.payments import providers

    # given a card refund asked while Stripe could not be reached (still requested, money set aside)
    class Down(StripeProvider):
        def refund(self, withdrawal):  # type: ignore[no-untyped-def]
            raise ConnectionError("no network here")

    withdrawal = services.client_card_refund_request(
        client=client_user, amount=10_000, idempotency_key=key(), provider=Down(webhook_secret=SECRET)
    )
    assert withdrawal.status == S.REQUESTED
    # when the minute tick runs and Stripe answers (recorded) that the refund succeeded
    recorded, http = client_with(
        (200, fixture("checkout_session_paid.json")), (200, fixture("refund_succeeded.json"))
    )
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: recorded)
    answered = services.card_refunds_send_due()
    # then it was asked once more, with the same provider key, and booked
    assert answered == 1
    assert http.calls[-1]["headers"]["Idempotency-Key"] == f"hataraku-refund-{withdrawal.idempotency_key}"
    withdrawal.refresh_from_db()
    assert withdrawal.status == S.PAID and client_balances(client_user).refundable == 23_000
    # and a second tick has nothing left to ask
    assert services.card_refunds_send_due() == 0

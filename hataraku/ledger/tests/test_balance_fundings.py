"""A funding paid from the client's refundable balance sets that money aside when it is made (issue 7,
item 10), like a payout reserves the worker's balance: posting it later cannot fail, and two fundings can
never count on the same yen."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from hataraku.core.errors import DomainError
from hataraku.ledger import selectors, services
from hataraku.ledger.constants import AccountKind, EntryKind, FundingSource, FundingStatus
from hataraku.ledger.models import Account, Escrow, Funding, JournalEntry

from .factories import funded_escrow, key, open_escrow


def _client_with_refund(amount: int) -> tuple[Any, Escrow]:
    """A client with `amount` back in their refundable balance, and a new empty escrow of theirs."""
    first = funded_escrow(amount)
    services.escrow_refund(escrow=first, amount=amount, actor=None, idempotency_key=key())
    return first.client, open_escrow(client=first.client)


def _from_balance(escrow: Escrow, amount: int) -> Funding:
    return services.escrow_fund(
        escrow=escrow, amount=amount, source=FundingSource.CLIENT_BALANCE, actor=None, idempotency_key=key()
    )


def _reserved(client: Any) -> int:
    account = Account.objects.filter(kind=AccountKind.CLIENT_RESERVED, owner=client).first()
    return -selectors.account_balance(account) if account else 0


@pytest.mark.django_db
def test_a_balance_funding_sets_the_money_aside_when_it_is_made() -> None:
    # given a client with ¥5,000 refunded
    client, escrow = _client_with_refund(5_000)
    # when she funds ¥3,000 of it into a new escrow (pending)
    funding = _from_balance(escrow, 3_000)
    # then the ¥3,000 leaves her refundable balance at once and is held aside, not yet in the escrow
    assert funding.status == FundingStatus.PENDING and funding.reserve_entry is not None
    assert funding.reserve_entry.kind == EntryKind.FUNDING_RESERVE
    assert selectors.client_balances(client).refundable == 2_000
    assert _reserved(client) == 3_000
    assert selectors.escrow_held(escrow) == 0


@pytest.mark.django_db
def test_money_set_aside_cannot_be_spent_again_and_the_post_cannot_fail() -> None:
    # given a pending ¥5,000 funding from a ¥5,000 balance
    client, escrow = _client_with_refund(5_000)
    funding = _from_balance(escrow, 5_000)
    # when she asks for the same money back, and funds another escrow from it
    with pytest.raises(DomainError, match="返金可能残高"):
        services.client_money_out(
            client=client,
            amount=5_000,
            destination=FundingSource.BANK_TRANSFER,
            actor=None,
            idempotency_key=key(),
        )
    with pytest.raises(DomainError, match="返金可能残高"):
        _from_balance(open_escrow(client=client), 1)
    # then both are refused, and the first funding still posts into its escrow
    services.funding_post(funding=funding, actor=None, idempotency_key=key())
    assert selectors.escrow_held(escrow) == 5_000
    assert selectors.client_balances(client).refundable == 0 and _reserved(client) == 0


@pytest.mark.django_db
def test_voiding_a_balance_funding_gives_the_money_back() -> None:
    # given a pending ¥3,000 funding from a ¥5,000 balance
    client, escrow = _client_with_refund(5_000)
    funding = _from_balance(escrow, 3_000)
    # when it is voided
    services.funding_void(funding=funding, actor=None, idempotency_key=key())
    # then the ¥3,000 is back in her refundable balance, nothing is held aside, the books balance
    assert selectors.client_balances(client).refundable == 5_000 and _reserved(client) == 0
    assert JournalEntry.objects.filter(kind=EntryKind.FUNDING_UNRESERVE).count() == 1
    assert sum(selectors.trial_balance().values()) == 0


@pytest.mark.django_db
def test_the_same_balance_funding_sent_twice_sets_aside_once() -> None:
    # given a client with ¥5,000 refunded
    client, escrow = _client_with_refund(5_000)
    same = key()
    # when the same funding request arrives twice
    first = services.escrow_fund(
        escrow=escrow, amount=3_000, source=FundingSource.CLIENT_BALANCE, actor=None, idempotency_key=same
    )
    again = services.escrow_fund(
        escrow=escrow, amount=3_000, source=FundingSource.CLIENT_BALANCE, actor=None, idempotency_key=same
    )
    # then one funding and one reservation
    assert first.pk == again.pk
    assert _reserved(client) == 3_000 and selectors.client_balances(client).refundable == 2_000


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_fundings_at_once_cannot_set_aside_the_same_yen() -> None:
    # given a client with ¥5,000 refunded and two escrows, each wanting ¥4,000 of it
    client, escrow = _client_with_refund(5_000)
    other = open_escrow(client=client)
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def fund(i: int, target: Escrow) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = _from_balance(target, 4_000)
        except Exception as exc:  # asserted below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=fund, args=(i, e)) for i, e in enumerate([escrow, other])]
    # when both are made at the same moment
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # then exactly one is made and the other refused for the balance; nothing went below zero
    assert sum(isinstance(r, Funding) for r in results) == 1, results
    assert sum(isinstance(r, DomainError) and r.code == "insufficient_balance" for r in results) == 1
    assert selectors.client_balances(client).refundable == 1_000 and _reserved(client) == 4_000

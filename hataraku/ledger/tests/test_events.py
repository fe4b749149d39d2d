"""The ledger announces what happened to an escrow, keyed by its reference, after the entry commits."""

from __future__ import annotations

from typing import Any

import pytest

from hataraku.core import events
from hataraku.core.errors import InvalidTransition
from hataraku.ledger import services
from hataraku.ledger.constants import FundingSource
from hataraku.ledger.events import (
    EscrowRefunded,
    EscrowReleased,
    FundingPosted,
    FundingRequested,
    FundingVoided,
)

from .factories import WorkerFactory, fund, funded_escrow, key, open_escrow

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard(monkeypatch: Any) -> list[Any]:
    """Every ledger event announced, recorded by a handler (the contracts app's own handler stays)."""
    got: list[Any] = []
    for event_type in (FundingRequested, FundingPosted, FundingVoided, EscrowReleased, EscrowRefunded):
        monkeypatch.setitem(events._HANDLERS, event_type, [*events.handlers_for(event_type), got.append])
    return got


def test_a_posted_funding_is_announced_with_its_reference_after_commit(
    heard, frozen_clock, django_capture_on_commit_callbacks
):
    escrow = open_escrow()
    with django_capture_on_commit_callbacks(execute=True):
        funding = fund(escrow, 10_000)
    assert heard == [
        FundingRequested(
            escrow_id=escrow.pk,
            reference=escrow.reference,
            funding_id=funding.pk,
            amount=10_000,
            source=FundingSource.BANK_TRANSFER,
        ),
        FundingPosted(escrow_id=escrow.pk, reference=escrow.reference, funding_id=funding.pk, amount=10_000),
    ]
    assert heard[0].reference_kind == "milestone" and heard[0].reference_id is not None


def test_a_split_announces_the_release_and_the_refund_and_a_replay_announces_nothing(
    heard, frozen_clock, django_capture_on_commit_callbacks
):
    worker = WorkerFactory()
    escrow = funded_escrow(10_000, worker=worker)
    heard.clear()
    k = key("split")
    with django_capture_on_commit_callbacks(execute=True):
        settlement = services.escrow_split(
            escrow=escrow,
            worker=worker,
            worker_amount=6_000,
            client_amount=4_000,
            actor=None,
            idempotency_key=k,
        )
        services.escrow_split(
            escrow=escrow,
            worker=worker,
            worker_amount=6_000,
            client_amount=4_000,
            actor=None,
            idempotency_key=k,
        )
    assert heard == [
        EscrowReleased(
            escrow_id=escrow.pk, reference=escrow.reference, settlement_id=settlement.pk, amount=6_000
        ),
        EscrowRefunded(
            escrow_id=escrow.pk, reference=escrow.reference, settlement_id=settlement.pk, amount=4_000
        ),
    ]


def test_a_voided_funding_is_announced_and_a_refused_void_announces_nothing(
    heard, frozen_clock, django_capture_on_commit_callbacks
):
    # given a pending funding
    escrow = open_escrow()
    funding = services.escrow_fund(
        escrow=escrow, amount=5_000, source=FundingSource.BANK_TRANSFER, actor=None, idempotency_key=key()
    )
    heard.clear()
    # when it is voided, then voided again with another key (refused)
    with django_capture_on_commit_callbacks(execute=True):
        services.funding_void(funding=funding, actor=None, idempotency_key=key())
    with pytest.raises(InvalidTransition), django_capture_on_commit_callbacks(execute=True):
        services.funding_void(funding=funding, actor=None, idempotency_key=key())
    # then the first void alone was heard, keyed by the escrow's reference
    assert heard == [
        FundingVoided(escrow_id=escrow.pk, reference=escrow.reference, funding_id=funding.pk, amount=5_000)
    ]

"""The funding state machine, as a table, and the account kinds."""

from __future__ import annotations

import pytest

from hataraku.core import state
from hataraku.core.errors import InvalidTransition
from hataraku.ledger import services
from hataraku.ledger.constants import (
    FUNDING_MACHINE,
    KIND_TYPE,
    NON_NEGATIVE_KINDS,
    AccountKind,
    AccountType,
    FundingStatus,
)
from hataraku.ledger.models import Funding

from .factories import fund, key, open_escrow

ALLOWED = {
    (FundingStatus.PENDING, FundingStatus.POSTED),
    (FundingStatus.PENDING, FundingStatus.VOIDED),
}


@pytest.mark.parametrize("current", FundingStatus.values)
@pytest.mark.parametrize("target", FundingStatus.values)
def test_funding_machine_allows_exactly_these_moves(current: str, target: str) -> None:
    # given the table / when a move is asked / then only pending → posted | voided is allowed
    assert FUNDING_MACHINE.allows(current, target) is ((current, target) in ALLOWED)


def test_funding_machine_is_the_one_for_the_model() -> None:
    # given the registry / then ledger.Funding's machine is this one, starting pending
    assert state.machine_for(Funding) is FUNDING_MACHINE
    assert FUNDING_MACHINE.initial == {FundingStatus.PENDING}


@pytest.mark.django_db
def test_a_refused_funding_move_raises_invalid_transition() -> None:
    # given a posted funding / when it is voided / then the machine refuses, with the kind message
    funding = fund(open_escrow(), 1_000)
    with pytest.raises(InvalidTransition, match="この入金は「入金済み」のため、もう変更できません"):
        services.funding_void(funding=funding, actor=None, idempotency_key=key())
    funding.refresh_from_db()
    assert funding.status == FundingStatus.POSTED


def test_every_account_kind_is_in_the_tables() -> None:
    # given the enumerations / then every kind has a type, and only liabilities are guarded ≥ 0
    assert set(KIND_TYPE) == set(AccountKind.values)
    assert all(KIND_TYPE[kind] == AccountType.LIABILITY for kind in NON_NEGATIVE_KINDS)

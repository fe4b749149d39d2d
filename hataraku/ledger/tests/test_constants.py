"""The funding and payout state machines, as tables."""

from __future__ import annotations

import pytest

from hataraku.ledger.constants import (
    FUNDING_TRANSITIONS,
    KIND_TYPE,
    NON_NEGATIVE_KINDS,
    PAYOUT_TRANSITIONS,
    AccountKind,
    AccountType,
    FundingStatus,
    PayoutStatus,
    transition_allowed,
)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (FundingStatus.PENDING, FundingStatus.POSTED, True),
        (FundingStatus.PENDING, FundingStatus.VOIDED, True),
        (FundingStatus.POSTED, FundingStatus.VOIDED, False),
        (FundingStatus.POSTED, FundingStatus.POSTED, False),
        (FundingStatus.VOIDED, FundingStatus.POSTED, False),
        (FundingStatus.VOIDED, FundingStatus.VOIDED, False),
    ],
)
def test_funding_transitions(current: str, target: str, allowed: bool) -> None:
    # given the table / when a move is asked / then only pending → posted | voided is allowed
    assert transition_allowed(FUNDING_TRANSITIONS, current, target) is allowed


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (PayoutStatus.RESERVED, PayoutStatus.SETTLED, True),
        (PayoutStatus.RESERVED, PayoutStatus.FAILED, True),
        (PayoutStatus.SETTLED, PayoutStatus.FAILED, False),
        (PayoutStatus.FAILED, PayoutStatus.SETTLED, False),
        (PayoutStatus.SETTLED, PayoutStatus.SETTLED, False),
    ],
)
def test_payout_transitions(current: str, target: str, allowed: bool) -> None:
    assert transition_allowed(PAYOUT_TRANSITIONS, current, target) is allowed


def test_every_state_and_account_kind_is_in_the_tables() -> None:
    # given the enumerations / then every value has a row, and only liabilities are guarded ≥ 0
    assert set(FUNDING_TRANSITIONS) == set(FundingStatus.values)
    assert set(PAYOUT_TRANSITIONS) == set(PayoutStatus.values)
    assert set(KIND_TYPE) == set(AccountKind.values)
    assert all(KIND_TYPE[kind] == AccountType.LIABILITY for kind in NON_NEGATIVE_KINDS)

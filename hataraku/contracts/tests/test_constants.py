"""The transition tables themselves."""

from __future__ import annotations

import pytest

from hataraku.contracts.constants import (
    CONTRACT_TRANSITIONS,
    MILESTONE_TRANSITIONS,
    WEEK_TRANSITIONS,
    ContractStatus,
    MilestoneStatus,
    WeekStatus,
    transition_allowed,
)


@pytest.mark.parametrize(
    ("table", "choices"),
    [
        (CONTRACT_TRANSITIONS, ContractStatus),
        (MILESTONE_TRANSITIONS, MilestoneStatus),
        (WEEK_TRANSITIONS, WeekStatus),
    ],
)
def test_every_status_has_a_row_and_targets_are_known(table, choices):
    # given a table, then it has exactly one row per status and only known targets
    assert set(table) == set(choices.values)
    for targets in table.values():
        assert targets <= set(choices.values)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (ContractStatus.OFFERED, ContractStatus.AGREED, True),
        (ContractStatus.AGREED, ContractStatus.ACTIVE, True),
        (ContractStatus.ACTIVE, ContractStatus.COMPLETED, True),
        (ContractStatus.OFFERED, ContractStatus.ACTIVE, False),
        (ContractStatus.OFFERED, ContractStatus.COMPLETED, False),
        (ContractStatus.COMPLETED, ContractStatus.ACTIVE, False),
        (ContractStatus.CANCELLED, ContractStatus.OFFERED, False),
        # only an offer nobody is bound by can be cancelled; an agreed contract ends completed
        (ContractStatus.OFFERED, ContractStatus.CANCELLED, True),
        (ContractStatus.AGREED, ContractStatus.CANCELLED, False),
        (ContractStatus.ACTIVE, ContractStatus.CANCELLED, False),
    ],
)
def test_contract_moves(current, target, allowed):
    assert transition_allowed(CONTRACT_TRANSITIONS, current, target) is allowed


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (MilestoneStatus.PENDING, MilestoneStatus.FUNDED, True),
        (MilestoneStatus.PENDING, MilestoneStatus.DELIVERED, False),  # no work before the money is held
        (MilestoneStatus.FUNDED, MilestoneStatus.DELIVERED, True),
        (MilestoneStatus.DELIVERED, MilestoneStatus.ACCEPTED, True),
        (MilestoneStatus.DELIVERED, MilestoneStatus.RETURNED, True),
        (MilestoneStatus.RETURNED, MilestoneStatus.DELIVERED, True),
        (MilestoneStatus.RETURNED, MilestoneStatus.ACCEPTED, False),
        (MilestoneStatus.ACCEPTED, MilestoneStatus.RELEASED, True),
        (MilestoneStatus.ACCEPTED, MilestoneStatus.ACCEPTED, False),  # accept twice
        (MilestoneStatus.RELEASED, MilestoneStatus.ACCEPTED, False),
        (MilestoneStatus.DISPUTED, MilestoneStatus.RELEASED, True),
        (MilestoneStatus.DISPUTED, MilestoneStatus.CANCELLED, True),
        (MilestoneStatus.RELEASED, MilestoneStatus.DISPUTED, False),
    ],
)
def test_milestone_moves(current, target, allowed):
    assert transition_allowed(MILESTONE_TRANSITIONS, current, target) is allowed


def test_final_states_have_no_way_out():
    assert CONTRACT_TRANSITIONS[ContractStatus.COMPLETED] == frozenset()
    assert CONTRACT_TRANSITIONS[ContractStatus.CANCELLED] == frozenset()
    assert MILESTONE_TRANSITIONS[MilestoneStatus.RELEASED] == frozenset()
    assert MILESTONE_TRANSITIONS[MilestoneStatus.CANCELLED] == frozenset()
    assert WEEK_TRANSITIONS[WeekStatus.BILLED] == frozenset()

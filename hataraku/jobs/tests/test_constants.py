"""The transition tables themselves: what may move where, and that end states are final."""

from __future__ import annotations

import pytest

from hataraku.jobs.constants import (
    JOB_TRANSITIONS,
    PROPOSAL_MOVER,
    PROPOSAL_TRANSITIONS,
    VERIFICATION_TRANSITIONS,
    JobStatus,
    ProposalStatus,
    VerificationStatus,
    can_transition,
)


def test_every_status_has_a_row():
    assert set(JOB_TRANSITIONS) == set(JobStatus.values)
    assert set(PROPOSAL_TRANSITIONS) == set(ProposalStatus.values)
    assert set(VERIFICATION_TRANSITIONS) == set(VerificationStatus.values)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "published", True),
        ("draft", "closed", False),
        ("published", "closed", True),
        ("published", "draft", False),
        ("closed", "published", True),  # reopening is allowed on purpose (see constants.py)
        ("closed", "draft", False),
    ],
)
def test_job_table(current, target, allowed):
    assert can_transition(JOB_TRANSITIONS, current, target) is allowed


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("submitted", "shortlisted", True),
        ("submitted", "declined", True),
        ("submitted", "withdrawn", True),
        ("submitted", "offered", True),
        ("shortlisted", "submitted", False),
        ("shortlisted", "offered", True),
        ("offered", "accepted", True),
        ("offered", "shortlisted", True),
        ("offered", "declined", False),
        ("withdrawn", "declined", False),
        ("withdrawn", "submitted", False),
        ("declined", "shortlisted", False),
        ("accepted", "withdrawn", False),
    ],
)
def test_proposal_table(current, target, allowed):
    assert can_transition(PROPOSAL_TRANSITIONS, current, target) is allowed


def test_final_states_have_no_way_out():
    for final in ("declined", "withdrawn", "accepted"):
        assert PROPOSAL_TRANSITIONS[final] == frozenset()
    assert VERIFICATION_TRANSITIONS["approved"] == frozenset()
    assert VERIFICATION_TRANSITIONS["rejected"] == frozenset()


def test_every_proposal_target_names_who_moves_it():
    targets = set().union(*PROPOSAL_TRANSITIONS.values())
    assert targets <= set(PROPOSAL_MOVER)
    assert PROPOSAL_MOVER["withdrawn"] == "worker"
    assert PROPOSAL_MOVER["shortlisted"] == "client"

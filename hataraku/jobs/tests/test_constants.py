"""The state machines of jobs and proposals: exactly which moves exist, and that the services refuse the
rest through `core.state`."""

from __future__ import annotations

import pytest

from hataraku.core import state
from hataraku.core.errors import InvalidTransition
from hataraku.jobs import services
from hataraku.jobs.constants import (
    JOB_MACHINE,
    PROPOSAL_MACHINE,
    PROPOSAL_MOVER,
    PROPOSAL_TRANSITIONS,
    JobStatus,
    ProposalStatus,
)
from hataraku.jobs.models import Job, Proposal

from .factories import JobFactory, ProposalFactory


def _moves(machine: state.StateMachine) -> set[tuple[str, str]]:
    return {(source, target) for source, targets in machine.table.items() for target in targets}


def test_the_machines_are_registered_for_their_models():
    assert state.machine_for(Job) is JOB_MACHINE
    assert state.machine_for(Proposal) is PROPOSAL_MACHINE


def test_job_moves():
    assert _moves(JOB_MACHINE) == {
        ("draft", "published"),
        ("published", "closed"),
        ("closed", "published"),  # reopening is allowed on purpose (see constants.py)
    }
    assert JOB_MACHINE.initial == {"draft"}


def test_proposal_moves():
    assert _moves(PROPOSAL_MACHINE) == {
        ("submitted", "shortlisted"),
        ("submitted", "declined"),
        ("submitted", "withdrawn"),
        ("submitted", "offered"),
        ("shortlisted", "declined"),
        ("shortlisted", "withdrawn"),
        ("shortlisted", "offered"),
        ("offered", "accepted"),
        ("offered", "shortlisted"),
    }
    assert PROPOSAL_MACHINE.initial == {"submitted"}


def test_final_states_have_no_way_out():
    for final in ("declined", "withdrawn", "accepted"):
        assert PROPOSAL_MACHINE.targets(final) == frozenset()


def test_every_proposal_target_names_who_moves_it():
    targets = set().union(*PROPOSAL_TRANSITIONS.values())
    assert targets <= set(PROPOSAL_MOVER)
    assert PROPOSAL_MOVER["withdrawn"] == "worker"
    assert PROPOSAL_MOVER["shortlisted"] == "client"


@pytest.mark.django_db
def test_a_move_the_job_machine_refuses_changes_nothing():
    # given a draft
    job = JobFactory(status=JobStatus.DRAFT, published_at=None)
    # when its client tries to close it before publishing it
    with pytest.raises(InvalidTransition) as info:
        services.job_transition(job=job, actor=job.client, to=JobStatus.CLOSED)
    # then it is refused in words naming both states, and the job is still a draft
    assert "下書き" in info.value.message and "募集終了" in info.value.message
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT


@pytest.mark.django_db
def test_a_move_the_proposal_machine_refuses_changes_nothing():
    # given a declined proposal
    proposal = ProposalFactory(status=ProposalStatus.DECLINED)
    # when its worker tries to withdraw it
    with pytest.raises(InvalidTransition):
        services.proposal_withdraw(proposal=proposal, actor=proposal.worker)
    # then it stays declined
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED

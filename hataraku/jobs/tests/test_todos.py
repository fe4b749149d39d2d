"""The jobs app's dashboard to-dos and the new worker's first steps (jobs/todos.py, jobs/onboarding.py):
given data, the item with its date and link; the wrong party never sees another's to-do; each step of the
guide is done from real data, not from a tick."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hataraku.accounts.constants import VerificationStatus
from hataraku.core.todos import Show
from hataraku.jobs import todos
from hataraku.jobs.onboarding import beginner_jobs_url, onboarding_for
from hataraku.profiles import services as profiles
from hataraku.profiles.availability import Window

from .factories import (
    ClientFactory,
    InvitationFactory,
    JobFactory,
    ProposalFactory,
    UserFactory,
    VerificationFactory,
)

pytestmark = pytest.mark.django_db


def test_invitation_waits_until_the_worker_applies() -> None:
    # given a スカウト on an open job
    invitation = InvitationFactory()
    worker = invitation.worker
    # when her to-dos are read, then it is there with the job's proposal deadline and link
    (item,) = todos.worker_invitations(worker)
    assert item.key == "jobs.invitation"
    assert item.when == invitation.job.proposal_deadline
    assert item.url == reverse("jobs:detail", args=[invitation.job_id])
    # and another worker does not see it
    assert todos.worker_invitations(UserFactory()) == []
    # and once she applied, it is gone
    ProposalFactory(job=invitation.job, worker=worker)
    assert todos.worker_invitations(worker) == []


def test_new_proposals_are_one_line_per_job_with_the_count_and_oldest() -> None:
    # given two new proposals on one job and one on another client's job
    job = JobFactory()
    first = ProposalFactory(job=job)
    ProposalFactory(job=job)
    ProposalFactory()
    # when the client's to-dos are read
    (item,) = todos.client_proposals(job.client)
    # then one line counts both and dates the oldest
    assert (item.key, item.count, item.when) == ("jobs.proposals_to_review", 2, first.created_at)
    assert item.url == reverse("jobs:job_proposals", args=[job.pk])
    # and another client, or the worker who applied, sees nothing
    assert todos.client_proposals(ClientFactory()) == []
    assert todos.client_proposals(first.worker) == []


def test_onboarding_steps_are_read_from_real_data() -> None:
    # given a new worker: nothing done, the first step is next
    worker = UserFactory()
    ob = onboarding_for(worker)
    assert [s.done for s in ob.steps] == [False, False, False, False]
    assert ob.next_step is not None and ob.next_step.key == "conditions"
    assert ob.steps[3].url == beginner_jobs_url()
    # when she saves her hours, fills her profile and sends a document
    profiles.availability_replace(user=worker, windows=[Window(0, dt.time(13), dt.time(14, 30))])
    profiles.profile_update(
        user=worker,
        display_name="新人",
        prefecture="45",
        municipality="日南市",
        skills=["データ入力"],
        bio="はじめまして。",
        portfolio_links=[],
        qualifications=[],
        invoice_number="",
    )
    VerificationFactory(user=worker, status=VerificationStatus.PENDING)
    # then three steps are done, the identity step says it is waiting, the first job is next
    ob = onboarding_for(worker)
    assert [s.done for s in ob.steps] == [True, True, True, False]
    assert ob.steps[2].note
    assert ob.next_step is not None and ob.next_step.key == "first_job"
    # and a first proposal finishes the guide, so the dashboard panel goes away
    ProposalFactory(worker=worker)
    assert onboarding_for(worker).done
    assert todos.worker_onboarding(worker) is None


def test_a_rejected_document_does_not_count_as_the_identity_step() -> None:
    worker = UserFactory()
    VerificationFactory(user=worker, status=VerificationStatus.REJECTED)
    assert not onboarding_for(worker).steps[2].done


def test_skipping_hides_the_guide_and_resuming_brings_it_back_where_she_was() -> None:
    worker = UserFactory()
    shown = todos.worker_onboarding(worker)
    assert shown is not None and shown.at_top and shown.context["onboarding"].next_step.key == "conditions"
    profiles.onboarding_skip(user=worker)
    assert todos.worker_onboarding(worker) == Show({"skipped": True}, at_top=False)
    profiles.onboarding_resume(user=worker)
    shown = todos.worker_onboarding(worker)
    assert shown is not None and shown.at_top

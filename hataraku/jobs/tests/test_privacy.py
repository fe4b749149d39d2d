from __future__ import annotations

import pytest

from hataraku.core.models import AuditEvent
from hataraku.jobs import privacy
from hataraku.jobs.constants import JobStatus, ProposalStatus
from hataraku.jobs.models import Invitation

from .factories import InvitationFactory, JobFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_has_the_persons_own_jobs_data_only():
    proposal = ProposalFactory(message="夜に作業します")
    ProposalFactory(message="他人の応募")
    data = privacy.export_user_data(proposal.worker)
    assert [p["メッセージ"] for p in data["応募"]] == ["夜に作業します"]
    assert data["依頼した仕事"] == []


def test_erase_removes_invitations_and_open_proposals(django_capture_on_commit_callbacks):
    # given a worker with an invitation and an open proposal, and a client's job
    worker = UserFactory()
    InvitationFactory(worker=worker)
    proposal = ProposalFactory(worker=worker)
    job = JobFactory()
    # when both are erased
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_user_data(worker)
        privacy.erase_user_data(job.client)
    # then nothing personal is left
    assert not Invitation.objects.filter(worker=worker).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.message == ""
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED
    # and each move went through the state machine: audited, and the closed job announced
    assert job.closed_at is not None
    assert AuditEvent.objects.filter(action="proposal.withdrawn", target_id=str(proposal.pk)).exists()
    assert AuditEvent.objects.filter(action="job.closed", target_id=str(job.pk)).exists()

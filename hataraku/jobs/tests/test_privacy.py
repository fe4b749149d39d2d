from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from hataraku.jobs import privacy, services
from hataraku.jobs.constants import JobStatus, ProposalStatus
from hataraku.jobs.models import IdentityVerification, Invitation

from .factories import InvitationFactory, JobFactory, ProposalFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_export_has_the_persons_own_jobs_data_only():
    proposal = ProposalFactory(message="夜に作業します")
    ProposalFactory(message="他人の応募")
    data = privacy.export_user_data(proposal.worker)
    assert [p["メッセージ"] for p in data["応募"]] == ["夜に作業します"]
    assert data["依頼した仕事"] == []


def test_erase_removes_documents_invitations_and_open_proposals(django_capture_on_commit_callbacks):
    # given a worker with a pending document, an invitation, an open proposal, and a client's job
    worker = UserFactory()
    v = services.verification_submit(
        user=worker, document=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    )
    stored = v.document.name or ""
    InvitationFactory(worker=worker)
    proposal = ProposalFactory(worker=worker)
    job = JobFactory()
    # when both are erased
    with django_capture_on_commit_callbacks(execute=True):
        privacy.erase_user_data(worker)
        privacy.erase_user_data(job.client)
    # then nothing personal is left
    assert not IdentityVerification.objects.filter(user=worker).exists()
    assert not default_storage.exists(stored)
    assert not Invitation.objects.filter(worker=worker).exists()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN and proposal.message == ""
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED

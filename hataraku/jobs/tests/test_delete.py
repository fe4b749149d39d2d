"""Deleting a job: only one nobody proposed on, audited, and announced (`JobDeleted`) after commit."""

from __future__ import annotations

from typing import Any

import pytest

from hataraku.core import events
from hataraku.core.errors import InvalidTransition, NotFound
from hataraku.core.models import AuditEvent
from hataraku.jobs import services
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.events import JobDeleted
from hataraku.jobs.models import Job

from .factories import ClientFactory, JobFactory, ProposalFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    heard: list[Any] = []
    monkeypatch.setitem(events._HANDLERS, JobDeleted, [heard.append])
    return heard


def test_a_client_deletes_a_draft_and_the_deletion_is_announced_after_commit(
    announced, django_capture_on_commit_callbacks
):
    # given a draft
    job = JobFactory(status=JobStatus.DRAFT, published_at=None)
    job_id = job.pk
    # when its client deletes it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.job_delete(job=job, actor=job.client)
        # then nothing is announced before the commit
        assert announced == []
    for callback in callbacks:
        callback()
    # and after it the job is gone, audited, and announced once with its id
    assert not Job.objects.filter(pk=job_id).exists()
    assert AuditEvent.objects.filter(action="job.delete", target_id=str(job_id)).exists()
    assert announced == [JobDeleted(job_id=job_id)]


def test_a_published_job_is_closed_not_deleted_by_its_client(announced, django_capture_on_commit_callbacks):
    job = JobFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidTransition):
        services.job_delete(job=job, actor=job.client)
    assert Job.objects.filter(pk=job.pk).exists() and announced == []


def test_nobody_deletes_a_job_with_proposals_or_someone_elses_job(announced):
    proposal = ProposalFactory()
    with pytest.raises(InvalidTransition):
        services.job_delete(job=proposal.job, actor=StaffFactory())
    draft = JobFactory(status=JobStatus.DRAFT, published_at=None)
    with pytest.raises(NotFound):
        services.job_delete(job=draft, actor=ClientFactory())
    assert Job.objects.filter(pk__in=[proposal.job_id, draft.pk]).count() == 2 and announced == []


def test_the_admin_deletes_through_the_service(announced, django_capture_on_commit_callbacks, rf):
    # given a published job nobody proposed on, and staff in the Django admin
    from django.contrib import admin

    job = JobFactory()
    request = rf.post("/")
    request.user = StaffFactory()
    # when staff delete it there
    with django_capture_on_commit_callbacks(execute=True):
        admin.site._registry[Job].delete_queryset(request, Job.objects.filter(pk=job.pk))
    # then it went through the service: audited and announced
    assert AuditEvent.objects.filter(action="job.delete", target_id=str(job.pk)).exists()
    assert announced == [JobDeleted(job_id=job.pk)]

"""Writes to the search index. The index is derived data (it can always be rebuilt from the jobs), so these
services write no audit rows; they are idempotent, which the event handlers and the tick rely on."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import QuerySet

from hataraku.core import clock
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Job

from .backends import Doc, backend
from .models import SearchDocument


def _facets(job: Job) -> tuple[str, ...]:
    facets = [f"zc{job.category_id}", f"zp{job.pay_type}", "zm" + job.meeting_style.replace("_", "")]
    if job.category.parent_id:
        facets.append(f"zc{job.category.parent_id}")
    if job.beginner_welcome:
        facets.append("zbeginner")
    if job.interruptible:
        facets.append("zinterruptible")
    if job.accessibility_notes.strip():
        facets.append("za11y")
    if job.verified_only:
        facets.append("zverified")
    return tuple(facets)


def document(job: Job, *, now: dt.datetime | None = None) -> Doc:
    """What is searchable in a job: its title (ranked first), its category and skills (next), and its
    description, the parent category and the client's name."""
    category = job.category
    body = [job.description_md]
    if category.parent_id and category.parent is not None:
        body.append(category.parent.name)
    body.append(job.client.name_for_display)
    return Doc(
        job_id=job.pk,
        title=job.title,
        tags="\n".join([category.name, *(str(s) for s in job.skills or [])]),
        body="\n".join(body),
        facets=_facets(job),
        proposal_deadline=job.proposal_deadline,
        indexed_at=now or clock.now(),
    )


def searchable_jobs(job_ids: Iterable[int] | None = None) -> QuerySet[Job]:
    """Open jobs: published, proposal deadline not passed — what the index holds."""
    qs = Job.objects.filter(status=JobStatus.PUBLISHED, proposal_deadline__gte=clock.today())
    if job_ids is not None:
        qs = qs.filter(pk__in=list(job_ids))
    return qs.select_related("client", "category", "category__parent").order_by("pk")


def _write(jobs: Sequence[Job]) -> None:
    now = clock.now()
    backend().write([document(j, now=now) for j in jobs])


def index_jobs(*, job_ids: Sequence[int]) -> int:
    """Bring these jobs' entries in step with the jobs: an open job is (re)written, anything else (a
    draft, a closed or deleted job, a passed proposal deadline) is removed. Returns how many are indexed."""
    with transaction.atomic():
        jobs = list(searchable_jobs(job_ids))
        found = {j.pk for j in jobs}
        unindex_jobs(job_ids=[i for i in job_ids if i not in found])
        _write(jobs)
    return len(jobs)


def unindex_jobs(*, job_ids: Sequence[int]) -> None:
    if not job_ids:
        return
    with transaction.atomic():
        SearchDocument.objects.filter(job_id__in=list(job_ids)).delete()
        backend().delete(job_ids)


def index_rebuild(*, batch_size: int = 2000) -> int:
    """Empty the index and write every open job again (`manage.py search_rebuild`; the demo runs it)."""
    total = 0
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        backend().clear()
        batch: list[Job] = []
        for job in searchable_jobs().iterator(chunk_size=batch_size):
            batch.append(job)
            if len(batch) >= batch_size:
                _write(batch)
                total += len(batch)
                batch = []
        _write(batch)
        total += len(batch)
    return total


def index_purge_expired() -> int:
    """Drop jobs whose proposal deadline has passed (run by the minute tick): they are still published
    but take no proposals, and the job list hides them too."""
    with transaction.atomic():
        ids = list(
            SearchDocument.objects.filter(proposal_deadline__lt=clock.today()).values_list(
                "job_id", flat=True
            )
        )
        unindex_jobs(job_ids=ids)
    return len(ids)

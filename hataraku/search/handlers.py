"""Keeps the search index in step with the jobs (their events, after commit). Each handler is idempotent:
it reads the committed job and writes or drops its entry accordingly."""

from __future__ import annotations

from hataraku.core import events
from hataraku.jobs.events import JobClosed, JobDeleted, JobEdited, JobPublished

from . import services


@events.handles(JobPublished)
def on_published(event: JobPublished) -> None:
    services.index_jobs(job_ids=[event.job_id])


@events.handles(JobEdited)
def on_edited(event: JobEdited) -> None:
    services.index_jobs(job_ids=[event.job_id])


@events.handles(JobClosed)
def on_closed(event: JobClosed) -> None:
    services.unindex_jobs(job_ids=[event.job_id])


@events.handles(JobDeleted)
def on_deleted(event: JobDeleted) -> None:
    services.unindex_jobs(job_ids=[event.job_id])

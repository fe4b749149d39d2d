"""New jobs are news for saved searches: a published job enqueues the alert task after commit."""

from __future__ import annotations

from django.db import transaction

from hataraku.core import events
from hataraku.jobs.events import JobPublished

from .tasks import alerts_job_published


@events.handles(JobPublished)
def on_published(event: JobPublished) -> None:
    # The search app's handler (registered before this one, INSTALLED_APPS order) has indexed the job by now;
    # if it had not, the minute tick finds the job on a later run (delivery.LOOKBACK).
    job_id = event.job_id
    transaction.on_commit(lambda: alerts_job_published.enqueue(job_id))

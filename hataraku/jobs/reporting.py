"""How a job is reported to staff (`hataraku.accounts.reports`): anyone who can see the job may report it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from hataraku.accounts.reports import ReportTarget, register

from .selectors import access_job


def job_for_report(reporter: Any, job_id: int) -> ReportTarget:
    job = access_job(reporter, job_id)  # NotFound alike for missing and for a job they cannot see
    return ReportTarget(
        obj=job, label=job.title, owner=job.client, staff_url=reverse("jobs:detail", args=[job.pk])
    )


def register_reportables() -> None:
    register("job", model="jobs.job", find=job_for_report)

"""Races that only a real database shows (PostgreSQL row locks)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection

from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.core.models import AuditEvent
from hataraku.jobs import services
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Proposal

from .factories import JobFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_together(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # the test inspects what each side got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_a_double_submitted_proposal_makes_one_row():
    # given a worker who presses "apply" twice at the same moment
    job = JobFactory()
    worker = UserFactory()
    due = clock.today() + dt.timedelta(days=10)

    def submit() -> Any:
        return services.proposal_submit(
            job=job, worker=worker, amount=10_000, delivery_date=due, message="よろしく"
        )

    # when both requests run together
    results = _run_together(submit, submit)
    # then there is one proposal, and neither request failed
    assert Proposal.objects.filter(job=job, worker=worker).count() == 1
    assert not [r for r in results if isinstance(r, Exception)]


def test_closing_and_proposing_at_once_never_leaves_a_proposal_on_a_job_closed_before_it():
    job = JobFactory()
    worker = UserFactory()
    due = clock.today() + dt.timedelta(days=10)
    results = _run_together(
        lambda: services.job_transition(job=job, actor=job.client, to=JobStatus.CLOSED),
        lambda: services.proposal_submit(
            job=job, worker=worker, amount=10_000, delivery_date=due, message="はい"
        ),
    )
    job.refresh_from_db()
    assert job.status == JobStatus.CLOSED
    proposal = Proposal.objects.filter(job=job).first()
    # either the proposal came first (and exists, made before the close), or it was refused kindly
    if proposal is None:
        assert isinstance(results[1], DomainError)
    else:
        # the clock is frozen, so order is read from the audit log, written inside each lock
        events = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
        assert events.index("proposal.submit") < events.index("job.closed")

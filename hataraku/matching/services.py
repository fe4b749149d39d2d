"""Writes: a worker's mark on a job (「それでもできる」 / 「興味なし」), or taking it back; pruning old change rows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.audit import audit_record
from hataraku.core.errors import NotFound
from hataraku.jobs.models import Job

from . import selectors
from .constants import MarkKind
from .models import JobChange, JobMark

# Change rows are kept this long (columns.py: a process further behind loads everything again).
CHANGES_KEPT = dt.timedelta(days=1)


def job_mark(*, worker: User, job_id: int, kind: str) -> JobMark | None:
    """Store her mark (replacing an earlier one), or with kind "" remove it. Only on a job she could see
    in her list: anything else is 404, like a missing job."""
    if kind and kind not in MarkKind.values:
        raise NotFound()
    with transaction.atomic():
        job: Job | None = selectors.is_open_for(worker, job_id)
        if job is None:
            raise NotFound()
        if not kind:
            JobMark.objects.filter(worker=worker, job=job).delete()
            audit_record(actor=worker, action="matching.job_unmark", target=job, data={})
            return None
        mark, _created = JobMark.objects.update_or_create(
            worker=worker, job=job, defaults={"kind": kind, "created_at": clock.now()}
        )
        audit_record(actor=worker, action="matching.job_mark", target=job, data={"kind": kind})
        return mark


def job_changes_prune(*, now: dt.datetime | None = None) -> int:
    """Delete change rows older than CHANGES_KEPT, all but the newest (each process checks the last row it
    applied: on a quiet site that one stays, so nobody reloads for nothing). Run by the minute tick."""
    newest = JobChange.objects.order_by("-seq").values_list("seq", flat=True).first()
    if newest is None:
        return 0
    cutoff = (now or clock.now()) - CHANGES_KEPT
    deleted, _ = JobChange.objects.filter(at__lt=cutoff, seq__lt=newest).delete()
    return deleted

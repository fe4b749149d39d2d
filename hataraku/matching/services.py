"""Writes: a worker's mark on a job (「それでもできる」 / 「興味なし」), or taking it back."""

from __future__ import annotations

from django.db import transaction

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.audit import audit_record
from hataraku.core.errors import NotFound
from hataraku.jobs.models import Job

from . import selectors
from .constants import MarkKind
from .models import JobMark


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

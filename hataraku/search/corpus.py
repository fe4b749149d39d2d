"""Loading a corpus of job lines (the format of `hataraku search eval`, README) into the current database,
for the evaluation and the benchmarks. Only for a throw-away database: it creates clients and jobs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType
from hataraku.jobs.models import Category, Job

from . import services
from .backends import backend

MEETINGS = {
    "none": MeetingStyle.NONE,
    "text_chat": MeetingStyle.TEXT_CHAT,
    "scheduled_call": MeetingStyle.SCHEDULED_CALLS,
    "scheduled_calls": MeetingStyle.SCHEDULED_CALLS,
}


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _categories() -> dict[str, Category]:
    ensure_categories()
    found: dict[str, Category] = {}
    for category in Category.objects.select_related("parent"):
        found[category.slug] = category
        found[category.name] = category
    return found


def _job(row: dict[str, Any], *, pk: int, client: User, category: Category, published: dt.datetime) -> Job:
    today = clock.today()
    pay_type = PayType.HOURLY if row.get("pay_type") == "hourly" else PayType.FIXED
    low, high = row.get("pay_min_yen"), row.get("pay_max_yen")
    deadline = today + dt.timedelta(days=int(row.get("deadline_days") or 30))
    return Job(
        pk=pk,
        client=client,
        title=str(row.get("title", ""))[:120],
        description_md=str(row.get("description", "")),
        category=category,
        skills=list(row.get("skills") or []),
        pay_type=pay_type,
        budget_min=low if pay_type == PayType.FIXED else None,
        budget_max=high if pay_type == PayType.FIXED else None,
        hourly_rate_min=low if pay_type == PayType.HOURLY else None,
        hourly_rate_max=high if pay_type == PayType.HOURLY else None,
        estimated_hours=int(row.get("effort_hours") or 1),
        deadline=deadline,
        proposal_deadline=deadline,
        meeting_style=MEETINGS.get(str(row.get("meetings", "none")), MeetingStyle.NONE),
        interruptible=bool(row.get("interruptible", True)),
        min_block_minutes=int(row.get("min_block_minutes") or 30),
        beginner_welcome=bool(row.get("beginner_welcome", False)),
        accessibility_notes=str(row.get("accessibility_notes") or ""),
        status=JobStatus.PUBLISHED,
        published_at=published,
        created_at=published,
        updated_at=published,
    )


def _built(rows: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], int, Job]]:
    """Each line as an unsaved, published Job (in file order: a later line is newer), with its clients
    created as they first appear: (line, its number, job)."""
    categories = _categories()
    fallback = categories["other-misc"]
    clients: dict[str, User] = {}
    start = clock.now() - dt.timedelta(days=30)
    pk = (Job.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for n, row in enumerate(rows):
        name = str(row.get("client") or "依頼者")
        if name not in clients:
            clients[name] = User.objects.create(
                email=f"client{len(clients) + 1}@search-eval.invalid",
                is_worker=False,
                is_client=True,
                client_kind="company",
                company_name=name,
            )
        category = categories.get(str(row.get("category", "")), fallback)
        published = start + dt.timedelta(seconds=n)
        yield row, n, _job(row, pk=pk + n, client=clients[name], category=category, published=published)


def load_jobs(rows: Iterable[dict[str, Any]], *, batch_size: int = 5000) -> dict[Any, int]:
    """Create the jobs (published, in file order: a later line is newer) and their clients; returns the
    corpus id → job pk map. Jobs are not indexed here: call `services.index_rebuild()` afterwards."""
    ids: dict[Any, int] = {}
    batch: list[Job] = []

    def flush() -> None:
        with transaction.atomic():
            Job.objects.bulk_create(batch)
        batch.clear()

    for row, n, job in _built(rows):
        batch.append(job)
        ids[row.get("id", n + 1)] = job.pk
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return ids


def _insert(model: type[models.Model], objs: list[Any]) -> None:
    """What `bulk_create` writes (each field's `pre_save` and database value), as one `executemany` of a
    single-row INSERT: Django's bulk_create composes SQL for every 30 rows on SQLite, most of its time."""
    fields = [f for f in model._meta.concrete_fields if not f.generated]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Names from the model; the values travel as parameters.
    sql = f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [tuple(f.get_db_prep_save(f.pre_save(o, True), connection) for f in fields) for o in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def load_and_index(rows: Iterable[dict[str, Any]], *, batch_size: int = 20000) -> int:
    """`load_jobs` then `services.index_rebuild()` in one pass, for a large corpus (bench/search.py builds a
    million jobs with it): the jobs are written as `load_jobs` writes them, and each one's index entry is
    `services.document` of the job as built in memory — the same words the rebuild would read back — written
    by the same `backend().write`. Adds to an empty index; returns how many jobs are indexed."""
    today = clock.today()
    batch: list[Job] = []
    indexed = 0

    def flush() -> int:
        now = clock.now()
        _insert(Job, batch)
        searchable = [j for j in batch if j.status == JobStatus.PUBLISHED and j.proposal_deadline >= today]
        backend().write([services.document(j, now=now) for j in searchable])
        batch.clear()
        return len(searchable)

    with transaction.atomic():
        for _row, _n, job in _built(rows):
            batch.append(job)
            if len(batch) >= batch_size:
                indexed += flush()
        if batch:
            indexed += flush()
    return indexed

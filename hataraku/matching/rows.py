"""Reading jobs for 「あなたにできる仕事」: the narrow rows both ways of ranking read (the sorted statement and
index lists in selectors.py, the columns in memory in resident.py), and working one row out — her
feasibility and the facts its score needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from typing import Any

from django.db.models import QuerySet

from hataraku.jobs.constants import MeetingStyle
from hataraku.jobs.labels import category_label
from hataraku.jobs.models import Job, JobMeeting
from hataraku.jobs.pay import Pay
from hataraku.reviews import selectors as review_selectors

from .constants import MarkKind
from .feasibility import Call, Feasibility, JobNeeds, WorkerCalendar, WorkerTime, assess
from .ranking import ClientRecord, JobFacts

# The best so far: the sort key, the job id, and what its card sentences need.
Found = list[tuple[tuple[float, ...], int, tuple[JobFacts, ClientRecord, Feasibility]]]


def client_records(client_ids: set[int]) -> dict[int, ClientRecord]:
    """What reviews knows about each client (on-time acceptance, speed, ratings), in a few queries."""
    return {
        client_id: ClientRecord(
            on_time_payment_rate=stats.on_time_payment_rate,
            median_days_to_acceptance=stats.median_days_to_acceptance,
            average_rating=stats.average_rating,
            completed_contracts=stats.completed_contracts,
        )
        for client_id, stats in review_selectors.client_stats_many(client_ids).items()
    }


def full_rows(bounded: QuerySet[Job], ids: list[int]) -> list[tuple[Any, ...]]:
    """`ROW_FIELDS` (and `LAST_FIELDS`) of these jobs (in pieces: a statement's parameters are limited)."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 5000):
        part = bounded.filter(pk__in=ids[start : start + 5000]).order_by()
        rows += part.values_list(*ROW_FIELDS, *LAST_FIELDS)
    return rows


# The record of a client without any contract (what reviews.client_stats says of one).
NO_RECORD = ClientRecord()
# Rows read at a time (and meetings and client records loaded for them in one query each).
BATCH = 250
ROW_FIELDS = (
    "pk",
    "title",
    "published_at",
    "deadline",
    "estimated_hours",
    "min_block_minutes",
    "interruptible",
    "meeting_style",
    "call_modes",
    "skills",
    "beginner_welcome",
    "accessibility_notes",
    "effective_hourly_min",
    "effective_hourly_max",
    "client_id",
    "category__name",
    "category__parent__name",
    "tier_lb",
)
# Read after the bound fields, so the positions above (row[14] client, row[17] tier, row[18] bound) stay:
# the last value of every row `_needs_and_facts` gets is the job's on-site prefecture ("" = remote).
LAST_FIELDS = ("onsite_prefecture",)


def calls_of(job_ids: list[int]) -> dict[int, list[Call]]:
    calls: dict[int, list[Call]] = defaultdict(list)
    meetings = JobMeeting.objects.filter(job_id__in=job_ids).order_by("starts_at")
    for job_id, starts_at, minutes in meetings.values_list("job_id", "starts_at", "minutes"):
        calls[job_id].append(Call(starts_at, minutes))
    return calls


def assessed(
    row: tuple[Any, ...],
    calls: dict[int, list[Call]],
    time: WorkerTime,
    now: dt.datetime,
    calendar: WorkerCalendar,
    marks: dict[int, str],
) -> tuple[JobFacts, Feasibility]:
    """A row's facts and her feasibility for it (「それでもできる」 overrides it), for both ways of reading."""
    needs, fact = needs_and_facts(row, calls)
    feasibility = assess(time, needs, now, calendar=calendar)
    if marks.get(row[0]) == MarkKind.CAN_DO:
        feasibility = replace(feasibility, overridden=True)
    return fact, feasibility


def needs_and_facts(row: tuple[Any, ...], calls: dict[int, list[Call]]) -> tuple[JobNeeds, JobFacts]:
    (pk, title, published_at, deadline, hours, block, interruptible, style, modes, skills, beginner) = row[
        :11
    ]
    notes, pay_low, pay_high, _client, category, parent = row[11:17]
    needs = JobNeeds(
        effort_minutes=hours * 60,
        deadline=deadline,
        has_calls=style == MeetingStyle.SCHEDULED_CALLS,
        call_modes=frozenset(modes or []),
        calls=tuple(calls.get(pk, ())),
        min_block_minutes=block,
        interruptible=interruptible,
        onsite_prefecture=row[-1],  # LAST_FIELDS
    )
    # As str(job.category) says it (Category.__str__).
    category_text = (
        f"{category_label(parent)} / {category_label(category)}" if parent else category_label(category)
    )
    fact = JobFacts(
        job_id=pk,
        skills=tuple(skills or ()),
        text=f"{title} {category_text}",
        pay=Pay(pay_low, pay_high),
        beginner_welcome=beginner,
        published_at=published_at,
        deadline=deadline,
        accessible_materials=bool(notes.strip()),
    )
    return needs, fact

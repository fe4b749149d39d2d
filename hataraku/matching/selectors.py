"""Reads: a worker's time and a job's needs from the database, and her ranked list 「あなたにできる仕事」.

The site page, `GET /api/me/recommendations`, `hataraku match` and `hataraku match eval` all call
`recommendations_for`, so the figures an outside check sees are the ones the worker sees.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from hataraku.accounts.models import User
from hataraku.contracts.constants import ContractKind, ContractStatus
from hataraku.contracts.models import Contract
from hataraku.core import clock, wages
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.constants import MeetingStyle
from hataraku.jobs.models import Job
from hataraku.profiles import selectors as profile_selectors
from hataraku.profiles.constants import AccessibilityNeed

from . import bounds, columns, resident
from . import rows as job_rows
from .constants import MarkKind, Order
from .feasibility import Call, Feasibility, JobNeeds, Slot, Verdict, WorkerCalendar, WorkerTime
from .models import JobMark
from .ranking import ClientRecord, Ranked, WorkerFacts, order_key, rank_one

# An hourly contract with no weekly cap is counted as this many hours a week.
HOURLY_DEFAULT_HOURS = 10


def committed_hours_per_week(worker: User, *, today: dt.date) -> float:
    """Hours a week already promised to active contracts: an hourly contract's weekly cap; a fixed-price
    contract's estimated hours spread evenly over the weeks left to its job's deadline."""
    return committed_hours_many([worker.pk], today=today)[worker.pk]


def committed_hours_many(worker_ids: Iterable[int], *, today: dt.date) -> dict[int, float]:
    """`committed_hours_per_week` for many workers in one query (the client's ranked directory)."""
    totals = dict.fromkeys(worker_ids, 0.0)
    contracts = Contract.objects.filter(
        worker_id__in=list(totals), status__in=[ContractStatus.AGREED, ContractStatus.ACTIVE]
    ).select_related("job")
    for contract in contracts:
        if contract.kind == ContractKind.HOURLY:
            totals[contract.worker_id] += contract.weekly_hour_cap or HOURLY_DEFAULT_HOURS
            continue
        weeks = max(1.0, (contract.job.deadline - today).days / 7)
        if contract.job.deadline >= today:
            totals[contract.worker_id] += contract.job.estimated_hours / weeks
    return {worker_id: round(total, 2) for worker_id, total in totals.items()}


def worker_time(worker: User, *, today: dt.date) -> WorkerTime:
    conditions = profile_selectors.conditions_for(worker)
    profile = profile_selectors.profile_for(worker)
    windows = tuple(Slot(w.weekday, w.start, w.end) for w in profile_selectors.availability_for(worker))
    days_off = frozenset(
        profile_selectors.date_exceptions_for(worker, from_date=today).values_list("date", flat=True)
    )
    return WorkerTime(
        windows=windows,
        days_off=days_off,
        max_hours_per_week=conditions.max_hours_per_week if conditions else None,
        committed_hours_per_week=committed_hours_per_week(worker, today=today),
        min_block_minutes=conditions.min_block_minutes if conditions else None,
        accepts_voice=bool(conditions and conditions.accepts_voice),
        accepts_video=bool(conditions and conditions.accepts_video),
        no_meetings=bool(conditions and conditions.no_meetings),
        prefecture=profile.prefecture if profile else "",  # for jobs with work on site
    )


def job_needs(job: Job, calls: list[Call]) -> JobNeeds:
    return JobNeeds(
        effort_minutes=job.estimated_hours * 60,
        deadline=job.deadline,
        has_calls=job.meeting_style == MeetingStyle.SCHEDULED_CALLS,
        call_modes=frozenset(job.call_modes or []),
        calls=tuple(calls),
        min_block_minutes=job.min_block_minutes,
        interruptible=job.interruptible,
        onsite_prefecture=job.onsite_prefecture,
    )


def worker_facts(worker: User, *, today: dt.date) -> WorkerFacts:
    """What the ranking compares with each job: her skills, whether she is new, her minimum wage."""
    profile = profile_selectors.profile_for(worker)
    conditions = profile_selectors.conditions_for(worker)
    return WorkerFacts(
        skills=tuple(profile.skills if profile else ()),
        beginner=not Contract.objects.filter(worker=worker, status=ContractStatus.COMPLETED).exists(),
        floor=wages.floor_for(profile.prefecture if profile else None, today),
        # Her accessibility needs are special-care data: decrypted here only for her own ranking.
        needs_accessible_materials=bool(
            conditions
            and {AccessibilityNeed.SCREEN_READER, AccessibilityNeed.LOW_VISION}
            & set(conditions.accessibility_needs or [])
        ),
    )


@dataclass(frozen=True)
class Recommendation:
    job: Job
    ranked: Ranked
    mark: str  # "", or a MarkKind value

    @property
    def feasibility(self) -> Feasibility:
        return self.ranked.feasibility


@dataclass(frozen=True)
class Recommendations:
    items: list[Recommendation]
    hidden_cannot: int  # jobs she cannot do, left out because she did not ask to see them
    hidden_not_interested: int
    floor: wages.WageFloor | None
    order: str
    show_all: bool
    # True when the list stopped reading before the last job: `hidden_cannot` is then a lower bound.
    hidden_cannot_more: bool = False


def recommendations_for(
    worker: User,
    *,
    now: dt.datetime | None = None,
    order: str = Order.RECOMMENDED,
    show_all: bool = False,
    q: str = "",
    limit: int | None = None,
    committed_hours: float | None = None,
    filters: job_selectors.JobFilters | None = None,
) -> Recommendations:
    """Her open jobs, ranked (module docstring of `ranking`). Jobs she cannot do are left out unless
    `show_all`; jobs she marked 「興味なし」 are always left out; her own jobs (as a client) too.
    `committed_hours` replaces the hours read from her contracts (`match eval` states them per worker);
    `filters` are the job list's own filters (keyword, category, work style…), applied before ranking.

    Every open job is a candidate, and the first `limit` are the ones a full evaluation would give: rows
    are read best bound first, feasibility and score worked out in Python, until the `limit`-th job found
    so far is better than the bound of every job not read yet (the classic threshold stop). On a large
    site the bounds are worked out for every job at once from columns kept in memory (columns.py,
    vectors.py, resident.py); on a small one the database sorts every open job by bounds.py's. Without
    `limit` every job is evaluated."""
    now = now or clock.now()
    today = now.astimezone(clock.TOKYO).date()
    order = order if order in Order.values else Order.RECOMMENDED
    filters = filters or job_selectors.JobFilters(q=q.strip())
    open_jobs = job_selectors.job_list(viewer=worker, filters=filters).exclude(client=worker)
    marks = dict(JobMark.objects.filter(worker=worker).values_list("job_id", "kind"))
    not_interested = [job_id for job_id, kind in marks.items() if kind == MarkKind.NOT_INTERESTED]
    hidden_uninterested = open_jobs.filter(pk__in=not_interested).count() if not_interested else 0
    if not_interested:
        open_jobs = open_jobs.exclude(pk__in=not_interested)
    facts = worker_facts(worker, today=today)
    time = worker_time(worker, today=today)
    if committed_hours is not None:
        time = replace(time, committed_hours_per_week=committed_hours)
    calendar = WorkerCalendar(worker=time, now=now)
    can_do = [job_id for job_id, kind in marks.items() if kind == MarkKind.CAN_DO]
    if limit is not None and columns.in_use():
        # The list without the keyword (the columns had it) and without the bound (they had that too).
        plain_jobs = job_selectors.job_list(viewer=worker, filters=replace(filters, q="")).exclude(
            client=worker
        )
        if not_interested:
            plain_jobs = plain_jobs.exclude(pk__in=not_interested)
        plain = plain_jobs.annotate(tier_lb=Value(0))
        page, hidden_cannot, exhausted = resident.recommended(
            worker,
            filters,
            plain,
            limit=limit,
            show_all=show_all,
            facts=facts,
            time=time,
            calendar=calendar,
            now=now,
            marks=marks,
            order=order,
        )
        return _recommendations(
            page, facts, marks, now, hidden_cannot, hidden_uninterested, order, show_all, exhausted
        )
    bounded = bounds.with_tier_bound(open_jobs, calendar=calendar, today=today, can_do=can_do)
    scan = _ordered(bounded, order, facts=facts, now=now)
    if not show_all:
        scan = scan.filter(tier_lb__lt=2)  # type: ignore[misc]  # an annotation
    # The best so far (at most `limit`): the sort key, the job id, and what its card sentences need.
    found: job_rows.Found = []
    hidden_cannot = 0
    exhausted = True
    clients: dict[int, ClientRecord] = {}
    rows = scan.values_list(*job_rows.ROW_FIELDS, *_BOUND_FIELDS[order], *job_rows.LAST_FIELDS).iterator(
        chunk_size=job_rows.BATCH
    )
    while batch := list(islice(rows, job_rows.BATCH)):
        # The calls of every job of the batch (most have none): one statement a batch, whatever the jobs.
        calls = job_rows.calls_of([row[0] for row in batch])
        clients.update(job_rows.client_records({row[14] for row in batch} - clients.keys()))
        stop = False
        for row in batch:
            bound = _bound_key(order, row)
            if limit is not None and len(found) >= limit and found[limit - 1][0] < bound:
                stop = True
                break
            fact, feasibility = job_rows.assessed(row, calls, time, now, calendar, marks)
            if not feasibility.feasible and not show_all:
                hidden_cannot += 1
                continue
            client = clients[row[14]]
            result = rank_one(
                worker=facts, job=fact, client=client, feasibility=feasibility, now=now, explain=False
            )
            insort(found, (order_key(order, result, fact), row[0], (fact, client, feasibility)))
            if limit is not None and len(found) > limit:
                found.pop()
        if stop:
            exhausted = False
            break
    if exhausted and not show_all:
        # Read to the end: the jobs the database ruled out are counted too, so the number is exact.
        hidden_cannot += bounded.filter(tier_lb=2).count()  # type: ignore[misc]  # an annotation
    return _recommendations(
        found, facts, marks, now, hidden_cannot, hidden_uninterested, order, show_all, exhausted
    )


def _recommendations(
    found: job_rows.Found,
    facts: WorkerFacts,
    marks: dict[int, str],
    now: dt.datetime,
    hidden_cannot: int,
    hidden_uninterested: int,
    order: str,
    show_all: bool,
    exhausted: bool,
) -> Recommendations:
    # The jobs shown, by id: they passed the list's rules and filters above (running them again, a
    # keyword's subquery and all, cost more than ranking at 10 k jobs). What job_cards reads is loaded.
    jobs = (
        Job.objects.select_related("client", "category", "category__parent")
        .defer("description_md", "description_html")
        .annotate(proposal_count=Count("proposals"))
        .in_bulk([f[1] for f in found])
    )
    # Only the jobs shown get their sentences (the same score: rank_one says it with or without them).
    items = [
        Recommendation(
            jobs[job_id],
            rank_one(worker=facts, job=fact, client=client, feasibility=feasibility, now=now),
            marks.get(job_id, ""),
        )
        for _key, job_id, (fact, client, feasibility) in found
    ]
    return Recommendations(
        items,
        hidden_cannot,
        hidden_uninterested,
        facts.floor,
        order,
        show_all,
        hidden_cannot_more=not exhausted,
    )


_BOUND_FIELDS: dict[str, tuple[str, ...]] = {
    Order.RECOMMENDED: ("score_ub",),
    Order.NEWEST: (),
    Order.DEADLINE: (),
    Order.PAY: ("pay_mid",),
}
_NEWEST = (F("published_at").desc(nulls_last=True), F("pk").desc())


def _ordered(qs: QuerySet[Job], order: str, *, facts: WorkerFacts, now: dt.datetime) -> QuerySet[Job]:
    """Best bound first (`_bound_key` is the same order in Python)."""
    if order == Order.RECOMMENDED:
        return bounds.with_score_bound(qs, facts=facts, now=now).order_by(  # type: ignore[misc]
            "tier_lb", F("score_ub").desc(), *_NEWEST
        )
    qs = qs.annotate(feasible_lb=Case(When(tier_lb=2, then=Value(1)), default=Value(0)))  # type: ignore[misc]
    if order == Order.DEADLINE:
        return qs.order_by("feasible_lb", "deadline", *_NEWEST)
    if order == Order.PAY:
        return qs.annotate(pay_mid=bounds.pay_middle()).order_by("feasible_lb", F("pay_mid").desc(), *_NEWEST)
    return qs.order_by("feasible_lb", *_NEWEST)


def _bound_key(order: str, row: tuple[Any, ...]) -> tuple[float, ...]:
    """The lowest `ranking.order_key` the job of this row can have."""
    newest = -(row[2].timestamp() if row[2] else 0)
    tier_lb = row[17]
    if order == Order.RECOMMENDED:
        return (tier_lb, -row[18], newest, -row[0])
    feasible = 1 if tier_lb == 2 else 0
    if order == Order.DEADLINE:
        return (feasible, row[3].toordinal(), newest, -row[0])
    if order == Order.PAY:
        return (feasible, -row[18], newest, -row[0])
    return (feasible, newest, -row[0])


def marked_jobs(worker: User, kind: str) -> list[int]:
    return list(JobMark.objects.filter(worker=worker, kind=kind).values_list("job_id", flat=True))


def is_open_for(worker: User, job_id: int) -> Job | None:
    """The job if it is one she could see in her list (published, open for proposals, not hers)."""
    return job_selectors.job_list(viewer=worker).filter(pk=job_id).exclude(Q(client=worker)).first()


__all__ = ["Recommendation", "Recommendations", "Verdict", "recommendations_for", "worker_time"]

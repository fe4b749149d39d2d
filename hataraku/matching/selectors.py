"""Reads: a worker's time and a job's needs from the database, and her ranked list 「あなたにできる仕事」.

The site page, `GET /api/me/recommendations`, `hataraku match` and `hataraku match eval` all call
`recommendations_for`, so the figures an outside check sees are the ones the worker sees.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from django.db.models import Q

from hataraku.accounts.models import User
from hataraku.contracts.constants import ContractKind, ContractStatus
from hataraku.contracts.models import Contract
from hataraku.core import clock, wages
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.constants import MeetingStyle, PayType
from hataraku.jobs.models import Job, JobMeeting
from hataraku.profiles import selectors as profile_selectors
from hataraku.profiles.constants import AccessibilityNeed
from hataraku.reviews import selectors as review_selectors

from .constants import MarkKind, Order
from .feasibility import Call, Feasibility, JobNeeds, Slot, Verdict, WorkerCalendar, WorkerTime, assess
from .models import JobMark
from .ranking import ClientRecord, JobFacts, Ranked, WorkerFacts, effective_hourly, order_key, rank_one

# The newest this many open jobs are ranked for one request. Feasibility is a few microseconds a job, but
# the job cards and the client records are not; past this the keyword search narrows the list first.
MAX_CANDIDATES = 400
# An hourly contract with no weekly cap is counted as this many hours a week.
HOURLY_DEFAULT_HOURS = 10


def committed_hours_per_week(worker: User, *, today: dt.date) -> float:
    """Hours a week already promised to active contracts: an hourly contract's weekly cap; a fixed-price
    contract's estimated hours spread evenly over the weeks left to its job's deadline."""
    total = 0.0
    contracts = Contract.objects.filter(
        worker=worker, status__in=[ContractStatus.AGREED, ContractStatus.ACTIVE]
    ).select_related("job")
    for contract in contracts:
        if contract.kind == ContractKind.HOURLY:
            total += contract.weekly_hour_cap or HOURLY_DEFAULT_HOURS
            continue
        weeks = max(1.0, (contract.job.deadline - today).days / 7)
        if contract.job.deadline >= today:
            total += contract.job.estimated_hours / weeks
    return round(total, 2)


def worker_time(worker: User, *, today: dt.date) -> WorkerTime:
    conditions = profile_selectors.conditions_for(worker)
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
    )


def job_pay(job: Job):  # type: ignore[no-untyped-def]
    hourly = job.pay_type == PayType.HOURLY
    return effective_hourly(
        hourly=hourly,
        low=job.hourly_rate_min if hourly else job.budget_min,
        high=job.hourly_rate_max if hourly else job.budget_max,
        effort_hours=job.estimated_hours,
    )


def _client_records(client_ids: set[int]) -> dict[int, ClientRecord]:
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


def recommendations_for(
    worker: User,
    *,
    now: dt.datetime | None = None,
    order: str = Order.RECOMMENDED,
    show_all: bool = False,
    q: str = "",
    limit: int | None = None,
    candidates: int | None = MAX_CANDIDATES,
    committed_hours: float | None = None,
    filters: job_selectors.JobFilters | None = None,
) -> Recommendations:
    """Her open jobs, ranked (module docstring of `ranking`). Jobs she cannot do are left out unless
    `show_all`; jobs she marked 「興味なし」 are always left out; her own jobs (as a client) too.
    `committed_hours` replaces the hours read from her contracts (`match eval` states them per worker);
    `filters` are the job list's own filters (keyword, category, work style…), applied before ranking;
    `candidates=None` ranks every open job (`match eval`), not only the newest MAX_CANDIDATES."""
    now = now or clock.now()
    today = now.astimezone(clock.TOKYO).date()
    order = order if order in Order.values else Order.RECOMMENDED
    filters = filters or job_selectors.JobFilters(q=q.strip())
    open_jobs = (
        job_selectors.job_list(viewer=worker, filters=filters)
        .exclude(client=worker)
        .defer(None)  # skills are needed here
        .defer("description_md", "description_html")
    )
    jobs = list(open_jobs if candidates is None else open_jobs[:candidates])
    calls: dict[int, list[Call]] = defaultdict(list)
    for m in JobMeeting.objects.filter(job_id__in=[j.pk for j in jobs]).order_by("starts_at"):
        calls[m.job_id].append(Call(m.starts_at, m.minutes))
    marks = dict(
        JobMark.objects.filter(worker=worker, job_id__in=[j.pk for j in jobs]).values_list("job_id", "kind")
    )
    profile = profile_selectors.profile_for(worker)
    conditions = profile_selectors.conditions_for(worker)
    floor = wages.floor_for(profile.prefecture if profile else None, today)
    facts = WorkerFacts(
        skills=tuple(profile.skills if profile else ()),
        beginner=not Contract.objects.filter(worker=worker, status=ContractStatus.COMPLETED).exists(),
        floor=floor,
        # Her accessibility needs are special-care data: decrypted here only for her own ranking.
        needs_accessible_materials=bool(
            conditions
            and {AccessibilityNeed.SCREEN_READER, AccessibilityNeed.LOW_VISION}
            & set(conditions.accessibility_needs or [])
        ),
    )
    time = worker_time(worker, today=today)
    if committed_hours is not None:
        time = replace(time, committed_hours_per_week=committed_hours)
    calendar = WorkerCalendar(worker=time, now=now)
    shown: list[tuple[Job, Feasibility]] = []
    hidden_cannot = hidden_uninterested = 0
    for job in jobs:
        mark = marks.get(job.pk, "")
        if mark == MarkKind.NOT_INTERESTED:
            hidden_uninterested += 1
            continue
        feasibility = assess(time, job_needs(job, calls[job.pk]), now, calendar=calendar)
        if mark == MarkKind.CAN_DO:
            feasibility = replace(feasibility, overridden=True)
        if not feasibility.feasible and not show_all:
            hidden_cannot += 1
            continue
        shown.append((job, feasibility))
    clients = _client_records({job.client_id for job, _f in shown})
    ranked: list[tuple[tuple[float, ...], Recommendation]] = []
    for job, feasibility in shown:
        fact = JobFacts(
            job_id=job.pk,
            skills=tuple(job.skills or ()),
            text=f"{job.title} {job.category}",
            pay=job_pay(job),
            beginner_welcome=job.beginner_welcome,
            published_at=job.published_at,
            deadline=job.deadline,
            accessible_materials=job.has_accessible_materials,
        )
        result = rank_one(
            worker=facts, job=fact, client=clients[job.client_id], feasibility=feasibility, now=now
        )
        ranked.append((order_key(order, result, fact), Recommendation(job, result, marks.get(job.pk, ""))))
    ranked.sort(key=lambda pair: pair[0])
    items = [rec for _key, rec in ranked]
    if limit is not None:
        items = items[:limit]
    return Recommendations(items, hidden_cannot, hidden_uninterested, floor, order, show_all)


def marked_jobs(worker: User, kind: str) -> list[int]:
    return list(JobMark.objects.filter(worker=worker, kind=kind).values_list("job_id", flat=True))


def is_open_for(worker: User, job_id: int) -> Job | None:
    """The job if it is one she could see in her list (published, open for proposals, not hers)."""
    return job_selectors.job_list(viewer=worker).filter(pk=job_id).exclude(Q(client=worker)).first()


__all__ = ["Recommendation", "Recommendations", "Verdict", "recommendations_for", "worker_time"]

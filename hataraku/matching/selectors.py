"""Reads: a worker's time and a job's needs from the database, and her ranked list 「あなたにできる仕事」.

The site page, `GET /api/me/recommendations`, `hataraku match` and `hataraku match eval` all call
`recommendations_for`, so the figures an outside check sees are the ones the worker sees.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from hataraku.accounts.models import User
from hataraku.contracts.constants import ContractKind, ContractStatus
from hataraku.contracts.models import Contract
from hataraku.core import clock, wages
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.categories import category_label
from hataraku.jobs.constants import MeetingStyle
from hataraku.jobs.models import Job, JobMeeting
from hataraku.jobs.pay import Pay
from hataraku.profiles import selectors as profile_selectors
from hataraku.profiles.constants import AccessibilityNeed
from hataraku.reviews import selectors as review_selectors

from . import bounds, threshold
from .constants import MarkKind, Order
from .feasibility import Call, Feasibility, JobNeeds, Slot, Verdict, WorkerCalendar, WorkerTime, assess
from .models import JobMark
from .ranking import ClientRecord, JobFacts, Ranked, WorkerFacts, order_key, rank_one

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
    # True when the list stopped reading before the last job: `hidden_cannot` is then a lower bound.
    hidden_cannot_more: bool = False


# The best so far: the sort key, the job id, and what its card sentences need.
Found = list[tuple[tuple[float, ...], int, tuple[JobFacts, ClientRecord, Feasibility]]]


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
    so far is better than the bound of every job not read yet (the classic threshold stop). The bounds
    come from bounds.py; in the recommended order on a large site they are read from indexes, class by
    class (threshold.py); otherwise the database sorts every open job by them. Without `limit` every job
    is evaluated."""
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
    bounded = bounds.with_tier_bound(open_jobs, calendar=calendar, today=today, can_do=can_do)
    if order == Order.RECOMMENDED and limit is not None and _many_jobs():
        page, hidden_cannot, exhausted = _recommended_by_index(
            bounded,
            limit=limit,
            show_all=show_all,
            facts=facts,
            time=time,
            calendar=calendar,
            now=now,
            marks=marks,
        )
        return _recommendations(
            page, facts, marks, now, hidden_cannot, hidden_uninterested, order, show_all, exhausted
        )
    scan = _ordered(bounded, order, facts=facts, now=now)
    if not show_all:
        scan = scan.filter(tier_lb__lt=2)  # type: ignore[misc]  # an annotation
    # The best so far (at most `limit`): the sort key, the job id, and what its card sentences need.
    found: Found = []
    hidden_cannot = 0
    exhausted = True
    clients: dict[int, ClientRecord] = {}
    rows = scan.values_list(*_ROW_FIELDS, *_BOUND_FIELDS[order]).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        # The calls of every job of the batch (most have none): one statement a batch, whatever the jobs.
        calls = _calls_of([row[0] for row in batch])
        clients.update(_client_records({row[14] for row in batch} - clients.keys()))
        stop = False
        for row in batch:
            bound = _bound_key(order, row)
            if limit is not None and len(found) >= limit and found[limit - 1][0] < bound:
                stop = True
                break
            fact, feasibility = _assessed(row, calls, time, now, calendar, marks)
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
    found: Found,
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


# From about this many jobs on, the recommended order is read by index (threshold.py); below it one sorted
# statement over every open job costs less than the index lists' few statements. Both give the same page.
INDEX_LISTS_FROM = 30_000
# Where the index lists are used. PostgreSQL's planner does not keep to the lists' index order with the
# tier bound as a filter (0.6–7 s a piece at 1 M, measured): it keeps the sorted statement until that is
# worked out (notes in ARCHITECTURE.md). The tests run the lists on both databases.
INDEX_LISTS_VENDORS = frozenset({"sqlite"})


def _many_jobs() -> bool:
    """Whether the jobs table has grown to INDEX_LISTS_FROM (by its highest id: one index probe)."""
    if connection.vendor not in INDEX_LISTS_VENDORS:
        return False
    highest = Job.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (highest or 0) >= INDEX_LISTS_FROM


def _recommended_by_index(
    bounded: QuerySet[Job],
    *,
    limit: int,
    show_all: bool,
    facts: WorkerFacts,
    time: WorkerTime,
    calendar: WorkerCalendar,
    now: dt.datetime,
    marks: dict[int, str],
) -> tuple[Found, int, bool]:
    """The first `limit` jobs in the recommended order, read from indexes class by class (threshold.py):
    (found, jobs read that she cannot do, whether every job was read)."""
    found: Found = []
    seen: set[int] = set()
    skipped: list[int] = []
    hidden_cannot = 0
    # Every client with a contract, when there are few (else loaded as rows are read); any other has none.
    known, reputed = threshold.reputed_clients(_client_records)
    clients: dict[int, ClientRecord] = dict(known or {})

    def evaluate(rows: list[tuple[Any, ...]]) -> None:
        nonlocal hidden_cannot
        rows = [row for row in rows if row[0] not in seen]
        if not rows:
            return
        seen.update(row[0] for row in rows)
        if len(found) >= limit:
            # Rows whose best key cannot beat the worst job kept are left (worked out only if every job
            # is read, for the exact count of hidden jobs).
            mine = skills.members([row[0] for row in rows]) if skills is not None else None
            worst = found[-1][0]
            keep = []
            for row in rows:
                skill = 0.0 if not facts.skills else 1.0 if mine is None or row[0] in mine else 0.0
                if threshold.row_key(row, skill=skill, facts=facts, reputed=reputed, now=now) < worst:
                    keep.append(row)
                else:
                    skipped.append(row[0])
            rows = keep
            if not rows:
                return
        rows = _full_rows(bounded, [row[0] for row in rows])
        calls = _calls_of([row[0] for row in rows])
        if known is None:
            clients.update(_client_records({row[14] for row in rows} - clients.keys()))
        for row in rows:
            fact, feasibility = _assessed(row, calls, time, now, calendar, marks)
            if not feasibility.feasible and not show_all:
                hidden_cannot += 1
                continue
            client = clients.get(row[14]) or NO_RECORD
            result = rank_one(
                worker=facts, job=fact, client=client, feasibility=feasibility, now=now, explain=False
            )
            key = order_key(Order.RECOMMENDED, result, fact)
            if len(found) >= limit and not key < found[-1][0]:
                continue
            insort(found, (key, row[0], (fact, client, feasibility)))
            if len(found) > limit:
                found.pop()

    skills = threshold.skill_condition(facts.skills) if facts.skills else None
    tiers = (0, 1, 2) if show_all else (0, 1)
    evaluate(threshold.unsorted_rows(bounded, threshold.FIELDS, tiers))
    live = threshold.classes(
        bounded,
        facts=facts,
        now=now,
        tiers=tiers,
        skills=skills,
        reputed=reputed,
        fields=threshold.FIELDS,
    )
    while live:
        best = min(live, key=threshold.JobClass.key)
        worst = found[-1][0] if len(found) >= limit else None
        if worst is not None and worst < best.key():
            return found, hidden_cannot, False
        evaluate(best.read(worst))
        if best.done:
            live.remove(best)
    if not show_all:
        # Read to the end: the jobs left unworked and those the database ruled out are counted too, so
        # the number is exact.
        for start in range(0, len(skipped), BATCH):
            piece = skipped[start : start + BATCH]
            calls = _calls_of(piece)
            for row in _full_rows(bounded, piece):
                feasibility = assess(time, _needs_and_facts(row, calls)[0], now, calendar=calendar)
                if not feasibility.feasible and marks.get(row[0]) != MarkKind.CAN_DO:
                    hidden_cannot += 1
        hidden_cannot += bounded.filter(tier_lb=2).count()  # type: ignore[misc]  # an annotation
    return found, hidden_cannot, True


def _full_rows(bounded: QuerySet[Job], ids: list[int]) -> list[tuple[Any, ...]]:
    """`_ROW_FIELDS` of these jobs (in pieces: a statement's parameters are limited)."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 5000):
        rows += bounded.filter(pk__in=ids[start : start + 5000]).order_by().values_list(*_ROW_FIELDS)
    return rows


# The record of a client without any contract (what reviews.client_stats says of one).
NO_RECORD = ClientRecord()
# Rows read at a time (and meetings and client records loaded for them in one query each).
BATCH = 250
_ROW_FIELDS = (
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


def _calls_of(job_ids: list[int]) -> dict[int, list[Call]]:
    calls: dict[int, list[Call]] = defaultdict(list)
    meetings = JobMeeting.objects.filter(job_id__in=job_ids).order_by("starts_at")
    for job_id, starts_at, minutes in meetings.values_list("job_id", "starts_at", "minutes"):
        calls[job_id].append(Call(starts_at, minutes))
    return calls


def _assessed(
    row: tuple[Any, ...],
    calls: dict[int, list[Call]],
    time: WorkerTime,
    now: dt.datetime,
    calendar: WorkerCalendar,
    marks: dict[int, str],
) -> tuple[JobFacts, Feasibility]:
    """A row's facts and her feasibility for it (「それでもできる」 overrides it), for both ways of reading."""
    needs, fact = _needs_and_facts(row, calls)
    feasibility = assess(time, needs, now, calendar=calendar)
    if marks.get(row[0]) == MarkKind.CAN_DO:
        feasibility = replace(feasibility, overridden=True)
    return fact, feasibility


def _needs_and_facts(row: tuple[Any, ...], calls: dict[int, list[Call]]) -> tuple[JobNeeds, JobFacts]:
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


def marked_jobs(worker: User, kind: str) -> list[int]:
    return list(JobMark.objects.filter(worker=worker, kind=kind).values_list("job_id", flat=True))


def is_open_for(worker: User, job_id: int) -> Job | None:
    """The job if it is one she could see in her list (published, open for proposals, not hers)."""
    return job_selectors.job_list(viewer=worker).filter(pk=job_id).exclude(Q(client=worker)).first()


__all__ = ["Recommendation", "Recommendations", "Verdict", "recommendations_for", "worker_time"]

"""「あなたにできる仕事」 reads jobs best bound first and stops early (selectors.recommendations_for,
bounds.py). Proof that the page is the one a full evaluation of every open job gives: on random jobs and
workers (bench/synth.py, seeded), the first N equal a plain evaluation of every job in Python — the same
jobs, order, verdicts, reasons and scores — for every order, with and without the jobs she cannot do."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from typing import Any

import pytest

from bench.synth import generate_jobs, generate_workers
from hataraku.core.clock import TOKYO
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.models import Job, JobMeeting
from hataraku.jobs.pay import job_pay
from hataraku.matching import columns, resident, selectors
from hataraku.matching import rows as job_rows
from hataraku.matching.constants import MarkKind, Order
from hataraku.matching.evaluation import load_jobs, load_workers
from hataraku.matching.feasibility import (
    Call,
    Slot,
    WorkerCalendar,
    WorkerTime,
    _usable_minutes,
    _usable_minutes_walk,
    assess,
    usable_minutes_many,
)
from hataraku.matching.models import JobMark
from hataraku.matching.ranking import JobFacts, order_key, rank_one
from hataraku.search import services as search_services

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


def full_evaluation(
    worker: Any,
    committed: float,
    *,
    order: str,
    show_all: bool,
    filters: job_selectors.JobFilters | None = None,
) -> list[tuple[Any, ...]]:
    """Every open job through feasibility and ranking, nothing skipped (what the page did before it had
    bounds), as (job id, verdict, overridden, reasons, score, why)."""
    jobs = list(job_selectors.job_list(viewer=worker, filters=filters).exclude(client=worker).defer(None))
    marks = dict(JobMark.objects.filter(worker=worker).values_list("job_id", "kind"))
    calls: dict[int, list[Call]] = {}
    for m in JobMeeting.objects.order_by("starts_at"):
        calls.setdefault(m.job_id, []).append(Call(m.starts_at, m.minutes))
    time = selectors.worker_time(worker, today=NOW.date())
    time = replace(time, committed_hours_per_week=committed)
    calendar = WorkerCalendar(worker=time, now=NOW)
    facts = selectors.worker_facts(worker, today=NOW.date())
    clients = job_rows.client_records({j.client_id for j in jobs})
    out = []
    for job in jobs:
        if marks.get(job.pk) == MarkKind.NOT_INTERESTED:
            continue
        feasibility = assess(time, selectors.job_needs(job, calls.get(job.pk, [])), NOW, calendar=calendar)
        if marks.get(job.pk) == MarkKind.CAN_DO:
            feasibility = replace(feasibility, overridden=True)
        if not feasibility.feasible and not show_all:
            continue
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
        ranked = rank_one(
            worker=facts, job=fact, client=clients[job.client_id], feasibility=feasibility, now=NOW
        )
        out.append((order_key(order, ranked, fact), ranked))
    out.sort(key=lambda pair: pair[0])
    return [
        (r.job_id, r.feasibility.verdict, r.feasibility.overridden, r.feasibility.reasons, r.score, r.why)
        for _key, r in out
    ]


def page_rows(result: Any) -> list[tuple[Any, ...]]:
    """The page as `full_evaluation` says it: (job id, verdict, overridden, reasons, score, why)."""
    return [
        (
            r.job.pk,
            r.feasibility.verdict,
            r.feasibility.overridden,
            r.feasibility.reasons,
            r.ranked.score,
            r.ranked.why,
        )
        for r in result.items
    ]


@pytest.mark.parametrize(
    ("seed", "in_memory", "reputed_cap"),
    [
        (1, False, 500),  # one sorted statement (a small site)
        (2, False, 500),
        (3, True, 500),  # the columns in memory (a large site)
        (4, True, -1),  # the columns in memory; every client's reputation bounded by 1
    ],
)
def test_the_first_page_equals_a_full_evaluation(
    seed: int, in_memory: bool, reputed_cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given 300 random open jobs published over five weeks, a few random workers, and random marks
    monkeypatch.setattr(columns, "IN_MEMORY_FROM", 0 if in_memory else 10**9)
    monkeypatch.setattr(resident, "REPUTED_CLIENTS_CAP", reputed_cap)
    columns.forget()
    rng = random.Random(seed)
    load_jobs(generate_jobs(300, seed=seed), now=NOW)
    for job in Job.objects.all():
        Job.objects.filter(pk=job.pk).update(published_at=NOW - dt.timedelta(minutes=rng.randrange(50_000)))
    search_services.index_rebuild()
    rows = list(generate_workers(4, seed=seed))
    workers = load_workers(rows)
    job_ids = list(Job.objects.values_list("pk", flat=True))
    for w in workers:
        for job_id in rng.sample(job_ids, 12):
            JobMark.objects.create(
                worker=w.user, job_id=job_id, kind=rng.choice(MarkKind.values), created_at=NOW
            )
    stopped_early = 0
    for w in workers:
        for order in Order.values:
            for show_all in (False, True):
                expected = full_evaluation(w.user, w.committed_hours, order=order, show_all=show_all)
                for limit in (1, 7, 40):
                    # when
                    result = selectors.recommendations_for(
                        w.user,
                        now=NOW,
                        order=order,
                        show_all=show_all,
                        limit=limit,
                        committed_hours=w.committed_hours,
                    )
                    got = page_rows(result)
                    # then
                    assert got == expected[:limit], (w.line_id, order, show_all, limit)
                    stopped_early += result.hidden_cannot_more
                # and the count of hidden jobs is exact once every job was read, a lower bound before
                whole = selectors.recommendations_for(
                    w.user, now=NOW, order=order, show_all=show_all, committed_hours=w.committed_hours
                )
                if not show_all:
                    shown_all = full_evaluation(w.user, w.committed_hours, order=order, show_all=True)
                    cannot = sum(1 for e in shown_all if e[1] == "cannot" and not e[2])
                    assert whole.hidden_cannot == cannot and not whole.hidden_cannot_more
    # (and the early stop was taken, so it is what the test proves)
    assert stopped_early > 10


def test_usable_minutes_by_whole_weeks_equal_the_day_by_day_walk() -> None:
    # given random windows (some across midnight), days off, weekly limits and committed hours
    rng = random.Random(3)
    for _trial in range(150):
        slots = []
        for _ in range(rng.randint(0, 8)):
            a, b = rng.randrange(0, 24 * 60, 15), rng.randrange(0, 24 * 60, 15)
            slots.append(Slot(rng.randrange(7), dt.time(a // 60, a % 60), dt.time(b // 60, b % 60)))
        now = NOW + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
        days_off = frozenset(now.date() + dt.timedelta(days=rng.randrange(-3, 60)) for _ in range(3))
        worker = WorkerTime(
            windows=tuple(slots),
            days_off=days_off,
            max_hours_per_week=rng.choice([None, 5, 10, 40]),
            committed_hours_per_week=rng.choice([0, 2, 7.5]),
            min_block_minutes=rng.choice([None, 15, 60]),
        )
        calendar = WorkerCalendar(worker=worker, now=now)
        keys = []
        for _ in range(20):
            deadline = now.date() + dt.timedelta(days=rng.randrange(-3, 120))
            block, interruptible = rng.choice([1, 15, 30, 60, 90, 180]), rng.random() < 0.5
            keys.append((deadline, block, interruptible))
            # when / then: the cached week sums give what walking every day gives
            assert _usable_minutes(calendar, deadline, block, interruptible) == _usable_minutes_walk(
                calendar, deadline, block, interruptible
            )
        # and so do the day sums for many deadlines at once (on a calendar that has worked out nothing yet)
        assert usable_minutes_many(WorkerCalendar(worker=worker, now=now), keys) == [
            _usable_minutes_walk(calendar, *key) for key in keys
        ]

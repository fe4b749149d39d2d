"""Review of the columns in memory (columns.py, vectors.py, resident.py): cases where a bound from the
columns could lie on the wrong side of the real key — a job that belongs on the page is then skipped — and
cases where the columns fall out of step. Each test builds a page where the job that belongs first has a
bound worse than 100+ other jobs (one piece), so a wrong bound shows as a wrong first job."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from hataraku.core.clock import TOKYO
from hataraku.jobs.constants import JobStatus, PayType
from hataraku.jobs.models import Job
from hataraku.jobs.pay import Pay
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.matching import columns, resident, selectors, vectors
from hataraku.matching import rows as job_rows
from hataraku.matching.constants import Order
from hataraku.matching.ranking import _reputation
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)
from hataraku.reviews.tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)  # the frozen clock
# One piece of candidates (resident.PIECE_MIN) and a few more.
CROWD = resident.PIECE_MIN + 20


def _set_path(monkeypatch: pytest.MonkeyPatch, in_memory: bool) -> None:
    monkeypatch.setattr(columns, "IN_MEMORY_FROM", 0 if in_memory else 10**12)
    columns.forget()


def _worker(prefecture: str = "13", skills: list[str] | None = None) -> Any:
    """A worker with plenty of time (every day 9–18, 40 h a week): every job below is できる for her."""
    worker = WorkerFactory()
    WorkerProfileFactory(user=worker, prefecture=prefecture, skills=skills or [])
    WorkConditionsFactory(user=worker, max_hours_per_week=40)
    for day in range(7):
        AvailabilityWindowFactory(user=worker, weekday=day, start=dt.time(9), end=dt.time(18))
    return worker


def _crowd(client: Any, count: int = CROWD, **fields: Any) -> list[Job]:
    return [
        JobFactory(client=client, estimated_hours=2, title=f"ふつうの仕事 {i}", **fields)
        for i in range(count)
    ]


@pytest.mark.parametrize("in_memory", [False, True])
def test_a_pay_range_starting_at_zero_yen_is_bounded_by_pay_middle(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    # given a worker in 東京都 (floor 1,226 円) and 120 hourly jobs at 1,400 円
    _set_path(monkeypatch, in_memory)
    worker = _worker()
    boss = ClientFactory()
    _crowd(boss, pay_type=PayType.HOURLY, hourly_rate_min=1400, hourly_rate_max=1400)
    # and one job whose range starts at 0 円: Pay.middle treats 0 as "no low end" → 2,400 円 (far better)
    best = JobFactory(
        client=boss, estimated_hours=2, title="ゼロ円から", pay_type=PayType.HOURLY,
        hourly_rate_min=0, hourly_rate_max=2400,
        published_at=NOW - dt.timedelta(minutes=1),
    )  # fmt: skip
    best.refresh_from_db()
    assert Pay(best.effective_hourly_min, best.effective_hourly_max).middle == 2400
    # when she opens her list (one job) in the recommended and the pay order
    for order in (Order.RECOMMENDED, Order.PAY):
        page = selectors.recommendations_for(worker, limit=1, order=order)
        # then the 0-円 job is first, as a full evaluation says (the columns' middle was (0 + 2400) // 2)
        assert [r.job.pk for r in page.items] == [best.pk], order


@pytest.mark.parametrize("in_memory", [False, True])
def test_a_person_rated_as_a_worker_has_no_record_as_a_client(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    # given a user who is a worker and a client: rated 5 as a worker, no contract as a client yet
    _set_path(monkeypatch, in_memory)
    both = WorkerFactory(is_client=True)
    review = ReviewFactory(contract__worker=both)
    ReviewFactory(contract=review.contract, reviewer=both)  # both sides wrote: visible
    Job.objects.update(status=JobStatus.CLOSED)  # the contract's own job is not in her list
    # then her record as a client is empty (reviews of her work are not reviews of her as a client)
    record = job_rows.client_records({both.pk})[both.pk]
    assert _reputation(record, explain=False)[0] == 0.5
    # and given 120 jobs of a client with no record, paying a little more than her job
    worker = _worker()
    _crowd(ClientFactory(), pay_type=PayType.HOURLY, hourly_rate_min=1400, hourly_rate_max=1400)
    hers = JobFactory(
        client=both, estimated_hours=2, title="二つの顔", pay_type=PayType.HOURLY,
        hourly_rate_min=1300, hourly_rate_max=1300, published_at=NOW - dt.timedelta(minutes=1),
    )  # fmt: skip
    # when the worker opens her list (one job)
    page = selectors.recommendations_for(worker, limit=1)
    # then the better-paid job is first: her worker reviews lend her job nothing
    assert [r.job.pk for r in page.items] != [hers.pk]


@pytest.mark.parametrize("order", [Order.NEWEST, Order.DEADLINE])
def test_jobs_published_within_one_millisecond_keep_their_order(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch, order: str
) -> None:
    # given 150 jobs published within half a millisecond, the later-written ones published earlier
    # (SQLite's julianday() rounds to the millisecond: the columns see them as published together)
    _set_path(monkeypatch, True)
    worker = _worker()
    boss = ClientFactory()
    base = NOW - dt.timedelta(hours=5)
    jobs = [
        JobFactory(client=boss, estimated_hours=2, published_at=base + dt.timedelta(microseconds=460 - 3 * i))
        for i in range(150)
    ]
    # when she asks for the 20 newest (or the 20 with the nearest deadline: all the same day)
    page = selectors.recommendations_for(worker, limit=20, order=order)
    # then they are the 20 published last, as a full evaluation orders them
    assert [r.job.pk for r in page.items] == [job.pk for job in jobs[:20]]


def test_editing_or_publishing_an_old_draft_does_not_load_every_job_again(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a draft written before the newest published job, and the columns loaded
    _set_path(monkeypatch, True)
    boss = ClientFactory()
    draft = JobFactory(client=boss, status=JobStatus.DRAFT, published_at=None)
    _crowd(boss, count=5)
    columns.store()
    loads: list[int] = []
    real_load = columns.Store.load

    def counted(self: columns.Store) -> None:
        loads.append(1)
        real_load(self)

    monkeypatch.setattr(columns.Store, "load", counted)
    # when the client edits the draft (one job, one change row) and a request comes
    Job.objects.filter(pk=draft.pk).update(title="下書きを直しました")
    columns.store()
    # then only that job was read, not every job (12 s at 1 M jobs, in every process)
    assert loads == []
    # when the draft is published
    Job.objects.filter(pk=draft.pk).update(status=JobStatus.PUBLISHED, published_at=NOW)
    store = columns.store()
    # then it is in the columns, again without loading everything
    assert store.cols["alive"][int(store.positions([draft.pk])[0])]
    assert loads == []


def test_a_refresh_by_another_thread_in_the_middle_of_a_ranking_waits_for_it(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given jobs, the columns loaded, then one more job with a deadline of its own (a new key, appended)
    _set_path(monkeypatch, True)
    worker = _worker()
    boss = ClientFactory()
    _crowd(boss, count=30)
    columns.store()
    JobFactory(client=boss, estimated_hours=2, deadline=NOW.date() + dt.timedelta(days=3))
    # when another thread (runserver's) asks for the columns while this request works out its bounds
    real = vectors.usable_minutes_many
    others: list[threading.Thread] = []
    seen: list[int] = []

    def other() -> None:
        # what `columns.store()` / `columns.locked()` take before refreshing (its database work is not the
        # point here: another connection to the test database would wait on this test's transaction)
        with columns._LOCK:
            seen.append(1)

    def interleaved(calendar: Any, keys: Any) -> Any:
        if not others:
            others.append(threading.Thread(target=other))
            others[0].start()
            others[0].join(0.2)
            # then the other thread is held (the columns are locked while the bounds are worked out)
            assert others[0].is_alive() and not seen
        return real(calendar, keys)

    monkeypatch.setattr(vectors, "usable_minutes_many", interleaved)
    page = selectors.recommendations_for(worker, limit=10)
    others[0].join(5)
    # and both finish: the request with one consistent copy, the other thread after it
    assert len(page.items) == 10 and seen


# --- two connections (PostgreSQL: transactions commit in any order) ----------------------------------------


def _edit_in_open_transaction(job_id: int, hours: int, started: Any, release: Any) -> None:
    """Another process's request: edits a job, then keeps its transaction open until released."""
    from django.db import connection, transaction

    try:
        with transaction.atomic():
            Job.objects.filter(pk=job_id).update(estimated_hours=hours)
            started.set()
            release.wait(20)
    finally:
        connection.close()


def _needed(job_id: int) -> int:
    store = columns.store()
    return int(store.cols["needed"][int(store.positions([job_id])[0])])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("load_while_open", [False, True])
def test_an_edit_that_commits_after_a_later_one_reaches_the_columns(
    monkeypatch: pytest.MonkeyPatch, load_while_open: bool
) -> None:
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: change rows commit in their order")
    # given two jobs and the columns loaded (or loaded later, while the first edit is still open)
    _set_path(monkeypatch, True)
    boss = ClientFactory()
    first, second = _crowd(boss, count=2)
    if not load_while_open:
        columns.store()
    # when another connection edits the first job and has not committed yet…
    started, release = threading.Event(), threading.Event()
    other = threading.Thread(target=_edit_in_open_transaction, args=(first.pk, 55, started, release))
    other.start()
    assert started.wait(20)
    # …this one edits the second (a higher change number, committed first) and the columns are used
    Job.objects.filter(pk=second.pk).update(estimated_hours=66)
    if load_while_open:
        columns.forget()
    assert _needed(second.pk) == 66 * 60
    # and then the first edit commits
    release.set()
    other.join(20)
    # then the columns have it too
    assert _needed(first.pk) == 55 * 60


def test_many_change_numbers_skipped_at_once_do_not_break_the_refresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("gaps are tracked on PostgreSQL only")
    # given the columns loaded
    _set_path(monkeypatch, True)
    boss = ClientFactory()
    (job,) = _crowd(boss, count=1)
    columns.store()
    # when a bulk update of 70,000 rows rolled back (its change numbers are used up: the sequence moved on)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('matching_jobchange', 'seq'), "
            "(SELECT max(seq) FROM matching_jobchange) + 70000)"
        )
    # and then a job is edited, twice, each time followed by a request
    Job.objects.filter(pk=job.pk).update(estimated_hours=3)
    assert _needed(job.pk) == 3 * 60
    Job.objects.filter(pk=job.pk).update(estimated_hours=4)
    # then the next request still reads the change rows, quickly (not 70,000 numbers in an `IN` list on
    # every request for GAP_SECONDS)
    import time

    started = time.perf_counter()
    assert _needed(job.pk) == 4 * 60
    assert time.perf_counter() - started < 0.1  # measured: 0.64 s, on every request for two minutes


# --- random data: the columns against a full evaluation, on what test_topk does not ask ---------------------


@pytest.fixture
def random_site() -> list[Any]:
    import random

    from bench.synth import generate_jobs, generate_workers
    from hataraku.matching.constants import MarkKind
    from hataraku.matching.evaluation import load_jobs, load_workers
    from hataraku.matching.models import JobMark
    from hataraku.search import services as search_services

    rng = random.Random(11)
    load_jobs(generate_jobs(250, seed=11), now=NOW)
    for job in Job.objects.all():
        Job.objects.filter(pk=job.pk).update(published_at=NOW - dt.timedelta(minutes=rng.randrange(50_000)))
    search_services.index_rebuild()
    workers = load_workers(list(generate_workers(4, seed=11)))
    job_ids = list(Job.objects.values_list("pk", flat=True))
    for w in workers:
        for job_id in rng.sample(job_ids, 15):
            JobMark.objects.create(
                worker=w.user, job_id=job_id, kind=rng.choice(MarkKind.values), created_at=NOW
            )
    return workers


def test_the_count_of_hidden_jobs_from_the_columns_is_exact_once_every_job_was_read(
    monkeypatch: pytest.MonkeyPatch, random_site: list[Any]
) -> None:
    from hataraku.jobs.selectors import JobFilters

    from .test_topk import full_evaluation

    _set_path(monkeypatch, True)
    cases = [JobFilters(), JobFilters(interruptible=True), JobFilters(q="データ"), JobFilters(min_wage=True)]
    for w in random_site:
        for filters in cases:
            # when her list is read to the end from the columns (a limit above the number of jobs)
            result = selectors.recommendations_for(
                w.user, now=NOW, limit=1000, committed_hours=w.committed_hours, filters=filters
            )
            # then the hidden count is the full evaluation's count of できない (without 「それでもできる」)
            every = full_evaluation(
                w.user, w.committed_hours, order=Order.RECOMMENDED, show_all=True, filters=filters
            )
            cannot = sum(1 for e in every if e[1] == "cannot" and not e[2])
            # (a keyword's ids may be a superset: then the count is a lower bound and says so)
            if result.hidden_cannot_more:
                assert filters.q and result.hidden_cannot <= cannot, (w.line_id, filters)
            else:
                assert result.hidden_cannot == cannot, (w.line_id, filters)
            assert [r.job.pk for r in result.items] == [e[0] for e in every if e[1] != "cannot" or e[2]]


WEIRD_KEYWORDS = [
    '"', "'", "*", "a*", "NEAR(デ タ)", "OR", "AND NOT", "-データ", "\\", "%", "_", "😀", "ﾃﾞｰﾀ",
    "デ", "データ データ データ", "x" * 200, "翻" * 200, "データ　入力", "(", ")", ":", "^", "NOT",
]  # fmt: skip


@pytest.mark.parametrize("keyword", WEIRD_KEYWORDS)
def test_a_weird_keyword_gives_the_same_page_both_ways(
    monkeypatch: pytest.MonkeyPatch, random_site: list[Any], keyword: str
) -> None:
    from hataraku.jobs.selectors import JobFilters

    w = random_site[0]
    pages = []
    for in_memory in (False, True):
        _set_path(monkeypatch, in_memory)
        result = selectors.recommendations_for(
            w.user, now=NOW, limit=30, committed_hours=w.committed_hours, filters=JobFilters(q=keyword)
        )
        pages.append([r.job.pk for r in result.items])
    assert pages[0] == pages[1]


def test_skills_named_in_an_english_category_name_bound_the_score(
    monkeypatch: pytest.MonkeyPatch, random_site: list[Any]
) -> None:
    from django.utils import translation

    from hataraku.profiles.models import WorkerProfile

    from .test_topk import full_evaluation

    # given workers whose skills are words of the English category names
    _set_path(monkeypatch, True)
    for w, skill in zip(random_site, ["translation", "data", "design", "writing"], strict=False):
        WorkerProfile.objects.filter(user=w.user).update(skills=[skill])
    with translation.override("en"):
        for w in random_site:
            expected = full_evaluation(w.user, w.committed_hours, order=Order.RECOMMENDED, show_all=False)
            for limit in (1, 5, 20):
                result = selectors.recommendations_for(
                    w.user, now=NOW, limit=limit, committed_hours=w.committed_hours
                )
                assert [r.job.pk for r in result.items] == [e[0] for e in expected[:limit]], (
                    w.line_id,
                    limit,
                )


@pytest.mark.parametrize("in_memory", [False, True])
@pytest.mark.parametrize("status", [JobStatus.DRAFT, JobStatus.PUBLISHED])
def test_a_job_due_on_the_last_day_of_year_9999_does_not_break_anyones_list(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch, in_memory: bool, status: str
) -> None:
    # given open jobs, and one (a draft, or published by a loader that skips the form) due 9999-12-31
    _set_path(monkeypatch, in_memory)
    worker = _worker()
    boss = ClientFactory()
    _crowd(boss, count=5)
    columns.store() if in_memory else None
    far = JobFactory(client=boss, status=status, deadline=dt.date(9999, 12, 31))
    # when a worker opens her list
    page = selectors.recommendations_for(worker, limit=20, show_all=True)
    # then it is there as usual (the far job, when published, among them)
    assert len(page.items) == 5 + (status == JobStatus.PUBLISHED)
    assert (far.pk in {r.job.pk for r in page.items}) == (status == JobStatus.PUBLISHED)


def test_every_order_with_filters_and_show_all_equals_a_full_evaluation(
    monkeypatch: pytest.MonkeyPatch, random_site: list[Any]
) -> None:
    from hataraku.jobs.selectors import ONSITE_REMOTE, JobFilters

    from .test_topk import full_evaluation, page_rows

    # given random jobs and workers with marks, the columns in use, and filters the columns answer
    _set_path(monkeypatch, True)
    cases = [
        JobFilters(text_only=True),
        JobFilters(min_wage=True, prefecture=ONSITE_REMOTE),
        JobFilters(q="入力", interruptible=True),
        JobFilters(pay_min=1000),  # not in EXACT_FILTERS: the database decides
    ]
    for w in random_site[:2]:
        for filters in cases:
            for order in Order.values:
                for show_all in (False, True):
                    expected = full_evaluation(
                        w.user, w.committed_hours, order=order, show_all=show_all, filters=filters
                    )
                    for limit in (1, 7):
                        # when
                        result = selectors.recommendations_for(
                            w.user,
                            now=NOW,
                            order=order,
                            show_all=show_all,
                            limit=limit,
                            committed_hours=w.committed_hours,
                            filters=filters,
                        )
                        # then the same jobs, verdicts, reasons, scores and card sentences, in the same order
                        assert page_rows(result) == expected[:limit], (
                            w.line_id,
                            filters,
                            order,
                            show_all,
                            limit,
                        )


@pytest.mark.django_db(transaction=True)
def test_an_edit_committed_by_another_connection_reaches_the_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from django.db import connection

    # given jobs and this process's columns loaded
    _set_path(monkeypatch, True)
    boss = ClientFactory()
    (job,) = _crowd(boss, count=1)
    assert _needed(job.pk) == 2 * 60

    # when another connection (another process's request) edits the job and commits
    def edit() -> None:
        try:
            Job.objects.filter(pk=job.pk).update(estimated_hours=9)
        finally:
            connection.close()

    other = threading.Thread(target=edit)
    other.start()
    other.join(20)
    # then this process's next use has it
    assert _needed(job.pk) == 9 * 60


def test_a_category_renamed_after_the_load_names_her_skill_at_once(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hataraku.jobs.models import Category
    from hataraku.jobs.tests.factories import category

    # given a worker with the skill 「水彩画」, 120 jobs paying a little more, and one job in another
    # category — the columns loaded before anything names her skill
    _set_path(monkeypatch, True)
    worker = _worker(skills=["水彩画"])
    boss = ClientFactory()
    _crowd(boss, pay_type=PayType.HOURLY, hourly_rate_min=1400, hourly_rate_max=1400)
    other = category("design-logo") if Category.objects.filter(slug="design-logo").exists() else None
    other = other or Category.objects.exclude(pk=category().pk).filter(parent__isnull=False).first()
    assert other is not None
    target = JobFactory(
        client=boss, estimated_hours=2, title="挿絵", category=other, pay_type=PayType.HOURLY,
        hourly_rate_min=1300, hourly_rate_max=1300, published_at=NOW - dt.timedelta(minutes=1),
    )  # fmt: skip
    columns.store()
    # when the category is renamed (no job row is written: no change row)
    Category.objects.filter(pk=other.pk).update(name="水彩画・挿絵")
    # then the job whose category now names her skill comes first (0.5 × 3 against −0.16 of pay)
    page = selectors.recommendations_for(worker, limit=1)
    assert [r.job.pk for r in page.items] == [target.pk]


def test_jobs_of_a_client_she_hid_are_neither_shown_nor_counted(
    frozen_clock: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hataraku.profiles.constants import ClientBlockKind
    from hataraku.profiles.models import ClientBlock

    # given a client she hid, with jobs she can and cannot do, and another client's job
    _set_path(monkeypatch, True)
    worker = _worker()
    hidden, shown = ClientFactory(), ClientFactory()
    _crowd(hidden, count=3)
    JobFactory(client=hidden, estimated_hours=900)  # できない
    mine = JobFactory(client=shown, estimated_hours=2)
    ClientBlock.objects.create(worker=worker, client=hidden, kind=ClientBlockKind.JOBS, created_at=NOW)
    # when she reads her list to the end
    page = selectors.recommendations_for(worker, limit=50)
    # then only the other client's job, and nothing counted as hidden for her time
    assert [r.job.pk for r in page.items] == [mine.pk]
    assert (page.hidden_cannot, page.hidden_cannot_more) == (0, False)

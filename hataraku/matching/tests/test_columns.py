"""The columns in memory (columns.py, vectors.py, resident.py): the page they give is the page a full
evaluation gives, with the list's filters and a keyword; and the columns follow every write to a job —
by the services or not, a new job, an edit, a close, a delete, and a transaction that rolled back."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from django.db import transaction

from bench.synth import generate_jobs, generate_workers
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Category, Job
from hataraku.jobs.selectors import ONSITE_REMOTE, JobFilters
from hataraku.matching import columns, selectors
from hataraku.matching.constants import Order
from hataraku.matching.evaluation import load_jobs, load_workers
from hataraku.matching.models import JobChange
from hataraku.matching.ranking import normalise
from hataraku.search import services as search_services

from .test_topk import NOW, full_evaluation, page_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "IN_MEMORY_FROM", 0)
    columns.forget()


def _page(worker: object, committed: float, filters: JobFilters, limit: int) -> list[tuple[object, ...]]:
    result = selectors.recommendations_for(
        worker,  # type: ignore[arg-type]
        now=NOW,
        filters=filters,
        limit=limit,
        committed_hours=committed,
    )
    return page_rows(result)


def test_the_page_from_the_columns_equals_a_full_evaluation_with_filters_and_a_keyword(
    in_memory: None,
) -> None:
    # given 300 random open jobs published over five weeks and a few random workers
    rng = random.Random(5)
    load_jobs(generate_jobs(300, seed=5), now=NOW)
    for job in Job.objects.all():
        Job.objects.filter(pk=job.pk).update(published_at=NOW - dt.timedelta(minutes=rng.randrange(50_000)))
    search_services.index_rebuild()
    workers = load_workers(list(generate_workers(3, seed=5)))
    parent = (
        Category.objects.filter(parent__isnull=True, jobs__isnull=False).first() or Category.objects.first()
    )
    assert parent is not None
    cases = [
        JobFilters(q="翻訳"),
        JobFilters(q="データ 入力"),
        JobFilters(q="ｴｸｾﾙ"),
        JobFilters(q="該当しない言葉ですよ"),
        JobFilters(q="!!!"),  # no letter or digit: narrows nothing
        JobFilters(interruptible=True, beginner_welcome=True),
        JobFilters(no_meetings=True),
        JobFilters(text_only=True, accessible_materials=True),
        JobFilters(category=parent.slug),
        JobFilters(pay_type="hourly", min_wage=True),
        JobFilters(prefecture=ONSITE_REMOTE),
        JobFilters(
            deadline_from=NOW.date() + dt.timedelta(days=7), deadline_to=NOW.date() + dt.timedelta(days=30)
        ),
        JobFilters(
            pay_min=1500, verified_client=True
        ),  # filters the columns do not hold: the database decides
    ]
    for w in workers:
        for filters in cases:
            expected = full_evaluation(
                w.user, w.committed_hours, order=Order.RECOMMENDED, show_all=False, filters=filters
            )
            for limit in (1, 10):
                # when
                got = _page(w.user, w.committed_hours, filters, limit)
                # then
                assert got == expected[:limit], (w.line_id, filters, limit)


def _kept(job: Job) -> dict[str, object]:
    store = columns.store()
    at = store.positions([job.pk])
    assert len(at) == 1
    p = int(at[0])
    return {
        "alive": bool(store.cols["alive"][p]),
        "middle": int(store.cols["middle"][p]),
        "needed": int(store.cols["needed"][p]),
        "title_named": bool(np.isin(p, store.named_in_title(normalise("ぴったりの言葉")))),
    }


def test_the_columns_follow_every_write_to_a_job(in_memory: None) -> None:
    # given jobs, and the columns loaded
    load_jobs(generate_jobs(40, seed=2), now=NOW)
    job = Job.objects.filter(status=JobStatus.PUBLISHED).order_by("pk").first()
    assert job is not None
    before = _kept(job)
    assert before["alive"]
    # when a bulk update changes its effort and pay (no service, no event)
    Job.objects.filter(pk=job.pk).update(
        estimated_hours=77, hourly_rate_min=5000, hourly_rate_max=5000, pay_type="hourly"
    )
    # then the columns have it
    after = _kept(job)
    assert after["needed"] == 77 * 60 and after["middle"] == 5000
    # when its title comes to name a skill
    Job.objects.filter(pk=job.pk).update(title="ぴったりの言葉が入った題")
    assert _kept(job)["title_named"]
    # when a new job is written
    newest = Job.objects.order_by("-pk").first()
    assert newest is not None
    newest.pk = None
    newest.title = "新しく書かれた仕事"
    newest.save()
    assert _kept(newest)["alive"]
    # when a job closes, and another is deleted
    Job.objects.filter(pk=job.pk).update(status=JobStatus.CLOSED)
    assert not _kept(job)["alive"]
    gone = newest.pk
    Job.objects.filter(pk=gone).delete()
    store = columns.store()
    position = int(store.positions([gone])[0])
    assert not store.cols["alive"][position]


def test_a_transaction_that_rolled_back_leaves_nothing_in_the_columns(in_memory: None) -> None:
    # given jobs and the columns loaded
    load_jobs(generate_jobs(20, seed=3), now=NOW)
    job = Job.objects.filter(status=JobStatus.PUBLISHED).order_by("pk").first()
    assert job is not None
    hours = job.estimated_hours
    columns.store()
    # when an edit is seen by the columns inside a transaction that then rolls back
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk).update(estimated_hours=hours + 100)
            assert _kept(job)["needed"] == (hours + 100) * 60
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    # then the next use finds the last change row gone (or another in its place) and reads the job again
    assert _kept(job)["needed"] == hours * 60
    # and a later change is applied as usual
    Job.objects.filter(pk=job.pk).update(estimated_hours=hours + 1)
    assert _kept(job)["needed"] == (hours + 1) * 60


def test_every_write_to_a_job_leaves_a_change_row() -> None:
    # given / when: jobs written, one updated, one deleted
    load_jobs(generate_jobs(3, seed=4), now=NOW)
    first, second = list(Job.objects.order_by("pk")[:2])
    JobChange.objects.all().delete()
    Job.objects.filter(pk=first.pk).update(title="変更")
    Job.objects.filter(pk=second.pk).delete()
    # then one row each, in order, with a random nonce
    rows = list(JobChange.objects.order_by("seq").values_list("job_id", "nonce"))
    assert [job_id for job_id, _nonce in rows] == [first.pk, second.pk]
    assert all(nonce != 0 for _job_id, nonce in rows)


def test_old_change_rows_are_pruned_but_the_newest_is_kept() -> None:
    # given change rows, all older than a day
    load_jobs(generate_jobs(3, seed=6), now=NOW)
    JobChange.objects.update(at=NOW - dt.timedelta(days=2))
    newest = JobChange.objects.order_by("-seq").first()
    assert newest is not None
    # when the minute tick prunes
    from hataraku.matching.services import job_changes_prune

    job_changes_prune(now=NOW)
    # then only the newest is left (a process's anchor), and nothing younger than a day would go
    assert list(JobChange.objects.values_list("seq", flat=True)) == [newest.seq]


def test_filters_the_columns_do_not_hold_leave_the_count_of_hidden_jobs_a_lower_bound(
    in_memory: None,
) -> None:
    # given jobs and a worker, and a filter the columns cannot answer (pay range)
    load_jobs(generate_jobs(60, seed=7), now=NOW)
    w = load_workers(list(generate_workers(1, seed=7)))[0]
    # when / then: read to the end with such a filter, the hidden count says "at least"
    result = selectors.recommendations_for(
        w.user, now=NOW, filters=JobFilters(pay_min=1), limit=1000, committed_hours=w.committed_hours
    )
    assert result.hidden_cannot_more
    # and without it the count is exact
    exact = selectors.recommendations_for(w.user, now=NOW, limit=1000, committed_hours=w.committed_hours)
    whole = full_evaluation(w.user, w.committed_hours, order=Order.RECOMMENDED, show_all=True)
    assert not exact.hidden_cannot_more
    assert exact.hidden_cannot == sum(1 for e in whole if e[1] == "cannot" and not e[2])


def test_a_job_holding_a_words_pairs_apart_is_not_a_match(in_memory: None) -> None:
    # given a job whose text holds every pair of 「ライティング」 but never the word, and one that holds it
    load_jobs(generate_jobs(30, seed=8), now=NOW)
    apart, whole = list(Job.objects.filter(status=JobStatus.PUBLISHED).order_by("pk")[:2])
    Job.objects.filter(pk=apart.pk).update(title="ライイテの件", description_md="ティングとィンの話")
    Job.objects.filter(pk=whole.pk).update(title="ライティングの件", description_md="記事を書きます")
    search_services.index_rebuild()
    w = load_workers(list(generate_workers(1, seed=8)))[0]
    # when she searches her list for the word, seeing every job
    result = selectors.recommendations_for(
        w.user,
        now=NOW,
        filters=JobFilters(q="ライティング"),
        show_all=True,
        limit=50,
        committed_hours=w.committed_hours,
    )
    # then only the job with the word is there (PostgreSQL reads the pairs' AND first, then asks again)
    ids = {r.job.pk for r in result.items}
    assert whole.pk in ids and apart.pk not in ids


def test_a_keyword_read_as_a_superset_then_exactly_gives_the_same_page(
    in_memory: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given random jobs and workers, and a superset that is always judged too loose after the first piece
    from hataraku.matching import resident

    monkeypatch.setattr(resident, "SUPERSET_TRIAL", 1)
    monkeypatch.setattr(resident, "SUPERSET_PRECISION", 2.0)
    load_jobs(generate_jobs(200, seed=9), now=NOW)
    search_services.index_rebuild()
    workers = load_workers(list(generate_workers(3, seed=9)))
    for w in workers:
        for filters in (JobFilters(q="データ入力"), JobFilters(q="翻訳 英語"), JobFilters(q="ライティング")):
            expected = full_evaluation(
                w.user, w.committed_hours, order=Order.RECOMMENDED, show_all=False, filters=filters
            )
            for limit in (1, 10, 100):
                # when the page is asked for (the superset first, then the exact matches)
                got = _page(w.user, w.committed_hours, filters, limit)
                # then it is the full evaluation's
                assert got == expected[:limit], (w.line_id, filters, limit)

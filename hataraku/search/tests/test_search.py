"""Search over open jobs, on whichever database the tests run (SQLite by default; PostgreSQL with
DATABASE_URL): what it finds, in what order, and that the index follows every publish, edit, close and
delete."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hataraku.core import clock
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs import services as job_services
from hataraku.jobs.constants import JobStatus, MeetingStyle
from hataraku.jobs.models import Job
from hataraku.jobs.tests.factories import ClientFactory, JobFactory, category
from hataraku.jobs.tests.factories import UserFactory as WorkerFactory
from hataraku.jobs.tests.test_services import job_input
from hataraku.search import backends, services
from hataraku.search.selectors import (
    SearchFilters,
    SearchResult,
    keyword_filter,
    matching_job_ids,
    parse,
    search_jobs,
)
from hataraku.search.text import matches

pytestmark = pytest.mark.django_db


def indexed(**kwargs: Any) -> Job:
    # The factory's category is 「データ入力」, its description mentions 入力: tests choose their own words.
    kwargs.setdefault("category", category("other-misc"))
    kwargs.setdefault("description_md", "詳しくはお問い合わせください。")
    kwargs.setdefault("skills", [])
    job = JobFactory(**kwargs)
    services.index_jobs(job_ids=[job.pk])
    return job


def found(text: str, **filters: Any) -> list[int]:
    return search_jobs(text, filters=SearchFilters(**filters), limit=100).ids


def test_half_width_and_full_width_find_the_stored_words() -> None:
    # given jobs written with ordinary characters
    entry = indexed(title="アンケートのデータ入力")
    web = indexed(title="Webサイトの更新", category=category("web-update"), description_md="文言の修正")
    # when people type half-width katakana or full-width Latin, then they find them
    assert found("ﾃﾞｰﾀ入力") == [entry.pk]
    assert found("ＷＥＢ") == [web.pk]
    assert found("web") == [web.pk]


def test_two_character_words_match() -> None:
    translation = indexed(title="英語の翻訳", description_md="在宅でできます")
    books = indexed(title="経理の手伝い", description_md="請求書の確認")
    assert found("翻訳") == [translation.pk]
    assert found("経理") == [books.pk]
    assert found("在宅") == [translation.pk]


def test_several_words_all_must_match() -> None:
    # given one job with both words and one with only one
    both = indexed(title="英語の翻訳", description_md="短い文書")
    indexed(title="中国語の翻訳", description_md="短い文書")
    # when searching for both words, then only the job with both is found — in any field
    assert found("翻訳 英語") == [both.pk]
    assert found("英語　短い") == [both.pk]
    assert found("翻訳 ドイツ語") == []


def test_skills_category_and_client_name_are_searched() -> None:
    client = ClientFactory(client_kind="company", company_name="ひだまり出版")
    job = indexed(
        title="記事の校正", client=client, skills=["WordPress"], category=category("writing-proofread")
    )
    assert found("ひだまり") == [job.pk]
    assert found("wordpress") == [job.pk]
    assert found("校閲") == [job.pk]  # the category 「校正・校閲」


def test_one_character_word_finds_every_place_it_occurs() -> None:
    end = indexed(title="英訳")
    middle = indexed(title="訳の確認")
    assert set(found("訳")) == {end.pk, middle.pk}


def test_title_matches_rank_first_then_newest() -> None:
    old_title = indexed(title="翻訳の仕事")
    body_only = indexed(title="文書の仕事", description_md="英語から日本語への翻訳です")
    new_title = indexed(title="翻訳チェック")
    assert found("翻訳") == [new_title.pk, old_title.pk, body_only.pk]
    # pages join the tiers without gaps or repeats
    page1 = search_jobs("翻訳", limit=2)
    page2 = search_jobs("翻訳", limit=2, offset=2)
    assert page1.total == page2.total == 3
    assert page1.ids + page2.ids == [new_title.pk, old_title.pk, body_only.pk]
    assert search_jobs("翻訳", limit=2, offset=1).ids == [old_title.pk, body_only.pk]


def test_filters_narrow_the_matches() -> None:
    beginner = indexed(title="入力作業", beginner_welcome=True, category=category("office-entry"))
    calls = indexed(
        title="入力作業", meeting_style=MeetingStyle.SCHEDULED_CALLS, category=category("translation-en")
    )
    verified = indexed(title="入力作業", verified_only=True, category=category("office-bookkeeping"))
    assert found("入力", beginner_welcome=True) == [beginner.pk]
    assert calls.pk not in found("入力", text_only=True)
    assert found("入力", category="translation") == [calls.pk]  # a parent category holds its children
    assert verified.pk not in found("入力", viewer_verified=False)
    assert set(found("", category="office")) == {beginner.pk, verified.pk}


def test_index_follows_publish_edit_close_and_delete(django_capture_on_commit_callbacks: Any) -> None:
    client = ClientFactory()
    # given a draft: not searchable
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.job_create(client=client, data=job_input(title="経理の補助"))
    assert found("経理") == []
    # when published, it is found
    with django_capture_on_commit_callbacks(execute=True):
        job_services.job_transition(job=job, actor=client, to=JobStatus.PUBLISHED)
    assert found("経理") == [job.pk]
    # when edited, the new words are found and the old ones are not
    with django_capture_on_commit_callbacks(execute=True):
        job_services.job_update(job=job, actor=client, data=job_input(title="請求書の確認"))
    assert found("経理") == []
    assert found("請求書") == [job.pk]
    # when closed, it is gone; when re-opened, back
    with django_capture_on_commit_callbacks(execute=True):
        job_services.job_transition(job=job, actor=client, to=JobStatus.CLOSED)
    assert found("請求書") == []
    with django_capture_on_commit_callbacks(execute=True):
        job_services.job_transition(job=job, actor=client, to=JobStatus.PUBLISHED)
    assert found("請求書") == [job.pk]
    # when deleted (by staff, nobody proposed), it is gone
    staff = WorkerFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        job_services.job_delete(job=job, actor=staff)
    assert found("請求書") == []
    assert search_jobs("").total == 0


def test_rolled_back_change_leaves_the_index_alone(django_capture_on_commit_callbacks: Any) -> None:
    client = ClientFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_services.job_create(client=client, data=job_input(title="経理の補助"))
        job_services.job_transition(job=job, actor=client, to=JobStatus.PUBLISHED)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job_services.job_transition(job=job, actor=client, to=JobStatus.CLOSED)
        raise RuntimeError("rolled back")
    assert found("経理") == [job.pk]


def test_expired_proposal_deadlines_leave_with_the_tick(frozen_clock: Any) -> None:
    # given a job whose proposal deadline is tomorrow
    job = indexed(title="経理の補助", proposal_deadline=clock.today() + dt.timedelta(days=1))
    # when the tick runs on the deadline day, it stays; the day after, it leaves
    frozen_clock.advance(dt.timedelta(days=1))
    assert services.index_purge_expired() == 0
    assert found("経理") == [job.pk]
    frozen_clock.advance(dt.timedelta(days=1))
    assert services.index_purge_expired() == 1
    assert found("経理") == []


def test_rebuild_indexes_only_open_jobs() -> None:
    open_job = JobFactory(title="経理の補助")
    JobFactory(title="経理の補助", status=JobStatus.DRAFT, published_at=None)
    JobFactory(title="経理の補助", status=JobStatus.CLOSED)
    assert services.index_rebuild() == 1
    assert found("経理") == [open_job.pk]


def test_job_list_keyword_box_uses_the_index() -> None:
    # given the job list's selector (newest first), when a half-width keyword is typed, then it matches
    job = indexed(title="アンケートのデータ入力")
    indexed(title="ロゴの作成")
    viewer = WorkerFactory()
    jobs = job_selectors.job_list(viewer=viewer, filters=job_selectors.JobFilters(q="ﾃﾞｰﾀ 入力"))
    assert [j.pk for j in jobs] == [job.pk]
    # text without letters narrows nothing
    assert keyword_filter(Job.objects.all(), "!!").count() == 2


# --- every match, compared with a brute-force scan -----------------------------------------------------

ALPHABET = "翻訳経理在宅データ入力英語ー"


@pytest.fixture
def corpus() -> dict[int, str]:
    rng = random.Random(11)
    texts: dict[int, str] = {}
    for _ in range(40):
        title = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))
        body = " ".join(
            "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))) for _ in range(rng.randint(0, 4))
        )
        job = indexed(title=title, description_md=body)
        doc = services.document(job)
        texts[job.pk] = "\n".join([doc.title, doc.tags, doc.body])
    return texts


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.lists(st.text(alphabet=ALPHABET + "ﾃﾞｰ", min_size=1, max_size=3), min_size=1, max_size=2).map(
        " ".join
    )
)
def test_search_finds_exactly_what_a_scan_finds(corpus: dict[int, str], query: str) -> None:
    expected = {pk for pk, text in corpus.items() if matches(text, query)}
    assert set(matching_job_ids(query)) == expected
    result = search_jobs(query, limit=100)
    assert set(result.ids) == expected
    assert result.total == len(expected)


def test_every_two_character_word_finds_every_match(corpus: dict[int, str]) -> None:
    words = {a + b for a in ALPHABET for b in ALPHABET}
    for word in sorted(words):
        expected = {pk for pk, text in corpus.items() if matches(text, word)}
        assert set(search_jobs(word, limit=100).ids) == expected, word


def reference_ranking(job_ids: list[int], query: str) -> list[int]:
    """The ranking by brute force: every word in the title first, then in title or category/skills, then
    anywhere; newest (highest id) first within each."""
    ranked = []
    for pk in job_ids:
        doc = services.document(Job.objects.get(pk=pk))
        places = [doc.title, "\n".join([doc.title, doc.tags]), "\n".join([doc.title, doc.tags, doc.body])]
        tier = next((t for t, text in enumerate(places) if matches(text, query, facets=doc.facets)), None)
        if tier is not None:
            ranked.append((tier, -pk))
    return [-negative for _, negative in sorted(ranked)]


@pytest.mark.parametrize("walk", [1, 4, 15, 1000])
def test_pages_rank_as_a_scan_does_however_far_postgresql_walks_by_id(
    corpus: dict[int, str], monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    # Given titles that hold the word in some jobs and only the body in others
    for i, title in enumerate(["英語の入力", "データ", "在宅の翻訳", "入力", "経理データ入力"]):
        job = indexed(title=title, description_md="翻訳と入力" if i % 2 else "経理")
        corpus[job.pk] = title
    # When PostgreSQL's walk by id stops after `walk` entries and the GIN index finds the older rest
    monkeypatch.setattr(backends, "WALK", walk)
    # Then every page is the brute-force ranking's slice (on SQLite, which has no walk, likewise)
    longest = 0
    for q in ["翻訳", "入力", "デー", "英語 入力", "ー", "経理", "在宅 デ", "データ入力"]:
        expected = reference_ranking(sorted(corpus), q)
        longest = max(longest, len(expected))
        for offset in (0, 5, 12, 30):
            page = search_jobs(q, limit=7, offset=offset)
            assert page.ids == expected[offset : offset + 7], (q, offset)
            assert page.total == len(expected), q  # the count walks by id too, then asks GIN for the rest
    assert longest > 30  # some query has pages beyond the last offset asked


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.lists(st.text(alphabet=ALPHABET + "ﾃﾞｰ", min_size=1, max_size=5), min_size=1, max_size=3).map(
        " ".join
    )
)
def test_sqlite_sketch_never_rules_out_a_match(corpus: dict[int, str], query: str) -> None:
    # Given SQLite's cheap first question (each word's rarest bigram; empty means no match at all)
    if connection.vendor != "sqlite":
        pytest.skip("the sketch is SQLite's")
    engine = backends.SqliteBackend()
    parsed = parse(query)
    ranked = set(reference_ranking(sorted(corpus), query))
    for tier in range(len(backends.TIERS)):
        sketch = engine._sketch(parsed, tier)
        if sketch is None:
            continue
        # When it is asked, then it holds every job the tier finds (and the tier the scan's matches)
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [sketch])
            held = {row[0] for row in cursor.fetchall()}
        in_tier = set(engine.tier_ids(parsed, tier, limit=1000))
        assert in_tier <= held, (query, tier, sketch)
    assert set(engine.tier_ids(parsed, len(backends.TIERS) - 1, limit=1000)) == ranked


def test_words_never_in_one_job_find_nothing_and_counts_stop_at_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given jobs with 「データ入力」 and jobs with 「英語翻訳」, never both
    entries = [indexed(title=f"データ入力 {i}") for i in range(4)]
    indexed(title="英語翻訳の仕事", description_md="英語翻訳")
    # When both are asked, then nothing is found
    assert search_jobs("データ入力 英語翻訳").total == 0
    assert matching_job_ids("データ入力 英語翻訳") == []
    # When a results page's cap is 2, then the total stops at 3 (「2件以上」) and the page is still newest first
    monkeypatch.setattr(backends, "TOTAL_CAP", 2)
    result = search_jobs("データ入力", limit=2)
    assert result.total == 3
    assert result.ids == [entries[3].pk, entries[2].pk]
    assert search_jobs("データ入力", limit=2, offset=2).ids == [entries[1].pk, entries[0].pk]
    # and so are pages past the cap of words found only in descriptions (no title tier fills them)
    bodies = [indexed(title="経理", description_md="請求書の確認") for _ in range(4)]
    assert search_jobs("請求書", limit=2, offset=2).ids == [bodies[1].pk, bodies[0].pk]
    # and a count asked with a higher cap counts every one
    assert backends.backend().count(parse("データ入力"), cap=10) == 4
    # and by default a page says 「1,000件以上」 only past 1,000
    monkeypatch.undo()
    assert not search_jobs("データ入力").capped
    assert SearchResult(ids=[], total=backends.TOTAL_CAP + 1).capped

"""Search over open jobs: one interface whichever database runs (SQLite FTS5 or PostgreSQL tsvector).

`search_jobs` ranks: jobs whose title holds every word first, then the others, newest first in each tier
(ARCHITECTURE.md § Search says why not bm25). `matching_job_ids` and `keyword_filter` give every match, for
callers that rank or order themselves (the matching app; the job list's keyword box)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from hataraku.jobs.constants import MeetingStyle, PayType
from hataraku.jobs.models import Category, Job

from .backends import TOTAL_CAP, Query, backend
from .text import query_words

MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchFilters:
    category: str = ""  # a category slug, parent or leaf
    pay_type: str = ""
    beginner_welcome: bool = False
    no_meetings: bool = False
    text_only: bool = False
    interruptible: bool = False
    accessible_materials: bool = False
    # A worker who is not verified is not shown jobs only verified workers may apply to.
    viewer_verified: bool = True


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]
    total: int  # counted up to TOTAL_CAP + 1 (then `capped`: say 「1,000件以上」)

    @property
    def capped(self) -> bool:
        return self.total > TOTAL_CAP


def parse(text: str, filters: SearchFilters | None = None) -> Query:
    f = filters or SearchFilters()
    required: list[str] = []
    excluded: list[str] = []
    if f.category:
        category_id = Category.objects.filter(slug=f.category).values_list("pk", flat=True).first()
        required.append(f"zc{category_id or 0}")
    if f.pay_type in PayType.values:
        required.append(f"zp{f.pay_type}")
    if f.beginner_welcome:
        required.append("zbeginner")
    if f.no_meetings:
        required.append("zm" + MeetingStyle.NONE.replace("_", ""))
    if f.text_only:
        excluded.append("zm" + MeetingStyle.SCHEDULED_CALLS.replace("_", ""))
    if f.interruptible:
        required.append("zinterruptible")
    if f.accessible_materials:
        required.append("za11y")
    if not f.viewer_verified:
        excluded.append("zverified")
    return Query(words=query_words(text), required=tuple(required), excluded=tuple(excluded))


def search_jobs(
    text: str, *, filters: SearchFilters | None = None, limit: int = 20, offset: int = 0
) -> SearchResult:
    """The ids of one page of open jobs matching every word of `text` (and the filters), ranked, and how
    many match in all, up to TOTAL_CAP + 1 (`capped`: 「1,000件以上」). An empty `text` lists by the filters
    alone, newest first."""
    limit = max(0, min(limit, MAX_LIMIT))
    ids, total = backend().search(parse(text, filters), limit=limit, offset=max(0, offset))
    return SearchResult(ids=ids, total=total)


def matching_job_ids(text: str, *, filters: SearchFilters | None = None) -> list[int]:
    """Every open job matching, unranked (for a caller that ranks them itself)."""
    sql, params = backend().ids_sql(parse(text, filters))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def matching_ids_text(text: str, *, exact: bool = False) -> tuple[str, bool] | None:
    """Every open job matching every word of `text`, as one comma-separated string of ids (a caller that
    reads 100 k ids parses it at once), and whether those are exactly the matches — on PostgreSQL a phrase
    is read as the AND of its pairs, a superset; `matching_among` then tells the few a caller shows. None
    when the text has no letter or digit (it narrows nothing). `exact`: the matches themselves, dearer."""
    query = parse(text)
    return backend().ids_text(query, exact=exact) if query.words else None


def matching_among(text: str, job_ids: list[int]) -> set[int]:
    """Which of these jobs match every word of `text` (one statement; for a few ids)."""
    query = parse(text)
    if not query.words:
        return set(job_ids)
    return backend().among(query, job_ids) if job_ids else set()


def keyword_filter(qs: QuerySet[Job], text: str) -> QuerySet[Job]:
    """`qs` narrowed to jobs matching every word of `text`, as a subquery (no list of ids in Python).
    Text without any letter or digit narrows nothing."""
    query = parse(text)
    if not query.words:
        return qs
    sql, params = backend().ids_sql(query)
    # The SQL is the backend's constant text; the query travels as a parameter.
    return qs.filter(pk__in=RawSQL(sql, params))  # type: ignore[arg-type]  # noqa: S611

"""The two engines behind one search: SQLite FTS5 and PostgreSQL tsvector, both over bigrams made in Python.

Both answer the same questions (write documents, drop them, count and rank the matches of a query, give a
subquery of matching ids) with the same meaning, which the tests check against a brute-force scan. Ranking
is deliberately cheap (ARCHITECTURE.md § Search): jobs whose title holds every word first, then those with
the words in title or category/skills, then the rest, newest (highest id) first within each tier. Walking an
index in id order stops after the page it needs, where bm25 must score every match first (300 ms for a
common bigram at a million jobs).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from .models import SearchDocument
from .text import Alt, Word, bigrams, index_tokens

# A tsvector keeps at most 256 positions per lexeme and positions up to 16383.
_PG_MAX_POSITIONS = 255
_PG_MAX_POSITION = 16383
ALL = "zall"  # a facet token every document carries, so filters work without words


@dataclass(frozen=True)
class Doc:
    job_id: int
    title: str
    tags: str  # the leaf category's name and the skills: what the job *is*
    body: str  # description, parent category, client name
    facets: tuple[str, ...]
    proposal_deadline: dt.date
    indexed_at: dt.datetime


@dataclass(frozen=True)
class Query:
    """A parsed query: words (each with its alternatives) ANDed, facet tokens required and excluded."""

    words: list[Word]
    required: tuple[str, ...] = ()
    excluded: tuple[str, ...] = field(default=())


# The tiers of the ranking, best first: where every word must be found (title; title or tags; anywhere).
# A job is ranked in the first tier it meets; newest first inside a tier. The first two tiers are asked
# through marked copies of the title's and tags' tokens ("t翻訳", "g翻訳"), whose lists hold only the jobs
# with the word *there*: a column filter on the plain tokens would walk every job that has the word
# anywhere (a million for a word in every description) to find the few with it in the title.
TIERS: tuple[tuple[str, ...], ...] = (("t",), ("t", "g"), ())
MARKS = {"title": "t", "tags": "g"}
# A results page counts its matches up to TOTAL_CAP + 1 and then says 「1,000件以上」: counting costs time in
# proportion to the matches (a phrase of common bigrams: every job holding them is read), nobody pages that
# far, and at a million jobs counting to 10,001 was most of a search (SQLite 24 ms, PostgreSQL 80–160 ms).
TOTAL_CAP = 1_000
# PostgreSQL: how many of the newest entries a tier checks in id order before it weighs going on against
# asking the GIN index (PostgresBackend.tier_ids), and the relative costs it weighs (1 M jobs: about 3 µs to
# check a walked entry, 8 µs to recheck a GIN match with its heap and TOAST reads).
WALK = 1000
# SQLite: how many of a bigram's newest matches tell how common it is (SqliteBackend._rarity).
PROBE = 64
_WALK_COST, _RECHECK_COST = 3.0, 8.0
# …and, for a count, what the GIN index spends per match building its bitmap (a word in every job: 65 ms).
_BITMAP_COST = 0.1
_MAX_ID = 2**63 - 1


class Backend:
    def write(self, docs: Sequence[Doc]) -> None:
        """Insert or replace these documents (their SearchDocument rows too)."""
        raise NotImplementedError

    def delete(self, job_ids: Sequence[int]) -> None:
        """Drop these documents' words (the caller deletes their SearchDocument rows)."""
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def count(self, query: Query, *, cap: int = TOTAL_CAP) -> int:
        """How many jobs match, counted up to `cap` + 1."""
        raise NotImplementedError

    def tier_ids(self, query: Query, tier: int, *, limit: int) -> list[int]:
        """The newest `limit` ids matching tier `tier`'s words — which the earlier tiers' matches meet too
        (title ⊂ title or tags ⊂ anywhere) — newest first; the last tier with no words lists everything the
        filters allow."""
        raise NotImplementedError

    def ids_sql(self, query: Query) -> tuple[str, list[str]]:
        """SQL selecting the ids of every match, to use as a subquery."""
        raise NotImplementedError

    def ids_text(self, query: Query, *, exact: bool = False) -> tuple[str, bool]:
        """The ids of every match as one comma-separated string ("" for none) — a caller that reads 100 k
        ids parses one string at once instead of making 100 k Python rows — and whether they are exactly
        the matches (else a cheaper superset: `among` then says which of a few are; `exact` asks for the
        matches themselves)."""
        raise NotImplementedError

    def among(self, query: Query, job_ids: Sequence[int]) -> set[int]:
        """Which of these few jobs match."""
        raise NotImplementedError

    def search(self, query: Query, *, limit: int, offset: int) -> tuple[list[int], int]:
        total = self.count(query, cap=TOTAL_CAP)
        if not total or offset >= total or not limit:
            return [], total
        need = offset + limit
        tiers = range(len(TIERS)) if query.words else range(len(TIERS) - 1, len(TIERS))
        # The page is ranked[offset:need]. A tier's words are met by every earlier tier's matches, so
        # instead of asking "this tier but not the one before" (an index walk of both), each tier asks for
        # its newest matches beyond the ones already ranked and drops those. Going on to the next tier
        # means this one had fewer than asked: every one of its matches is then ranked.
        ranked: list[int] = []
        for tier in tiers:
            seen = set(ranked)
            got = self.tier_ids(query, tier, limit=need)  # `need` ≥ len(ranked) + what is still wanted
            ranked += [i for i in got if i not in seen][: need - len(ranked)]
            if len(ranked) >= need or len(ranked) == total <= TOTAL_CAP:  # a page or every match
                break
        return ranked[offset:need], total


# --- SQLite FTS5 ---------------------------------------------------------------------------------------


def _fts_run(run: str, mark: str = "") -> str:
    if len(run) == 1:
        return f'"{mark}{run}" *'
    return '"' + " ".join(mark + b for b in bigrams(run)) + '"'


def _fts_alt(alt: Alt, marks: Sequence[str]) -> str:
    if alt.facet:
        return f"(facets : {alt.facet})"
    if not marks:
        return "({title tags body} : (" + " AND ".join(_fts_run(r) for r in alt.runs) + "))"
    runs = ["(" + " OR ".join(_fts_run(r, m) for m in marks) + ")" for r in alt.runs]
    return "(heads : (" + " AND ".join(runs) + "))"


def _fts_words(words: Sequence[Word], marks: Sequence[str]) -> str:
    return " AND ".join("(" + " OR ".join(_fts_alt(a, marks) for a in word) + ")" for word in words)


def heads(title: str, tags: str) -> list[str]:
    """The marked copies of the title's and tags' tokens."""
    return [MARKS["title"] + t for t in index_tokens(title).split()] + [
        MARKS["tags"] + t for t in index_tokens(tags).split()
    ]


class SqliteBackend(Backend):
    def write(self, docs: Sequence[Doc]) -> None:
        if not docs:
            return
        SearchDocument.objects.bulk_create(
            [
                SearchDocument(
                    job_id=d.job_id, proposal_deadline=d.proposal_deadline, indexed_at=d.indexed_at
                )
                for d in docs
            ],
            update_conflicts=True,
            unique_fields=["job_id"],
            update_fields=["proposal_deadline", "indexed_at"],
        )
        with connection.cursor() as cursor:
            self._delete(cursor, [d.job_id for d in docs])
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, tags, body, heads, facets) VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (
                        d.job_id,
                        index_tokens(d.title),
                        index_tokens(d.tags),
                        index_tokens(d.body),
                        " ".join(heads(d.title, d.tags)),
                        " ".join((ALL, *d.facets)),
                    )
                    for d in docs
                ],
            )

    def _delete(self, cursor: Any, job_ids: Sequence[int]) -> None:
        for start in range(0, len(job_ids), 500):
            chunk = list(job_ids[start : start + 500])
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM search_fts WHERE rowid IN ({marks})", chunk)  # noqa: S608 - placeholders only

    def delete(self, job_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, job_ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def _expr(self, query: Query, tier: int = len(TIERS) - 1) -> str:
        """The match of one tier's words (the last tier: the whole match) and the filters."""
        text = _fts_words(query.words, TIERS[tier]) if query.words else ALL
        expr = " AND ".join([f"({text})", *query.required])
        for token in query.excluded:
            expr = f"({expr}) NOT {token}"
        return expr

    def __init__(self) -> None:
        self._newest: dict[str, int] = {}  # bigram → rowid of its PROBE-th newest match (-1: fewer)

    def _rarity(self, tokens: Iterable[str]) -> dict[str, int]:
        """Each bigram's rowid of its PROBE-th newest match: the lower, the rarer (-1: fewer matches in
        all). FTS5 reads PROBE entries of a list in about 15 µs, however long the list."""
        wanted = sorted(set(tokens) - self._newest.keys())
        if wanted:
            probe = "(SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT 1 OFFSET %s)"
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT " + ", ".join([probe] * len(wanted)),
                    [p for t in wanted for p in (f'"{t}"', PROBE - 1)],
                )
                row = cursor.fetchone()
            self._newest.update((t, -1 if r is None else int(r)) for t, r in zip(wanted, row, strict=True))
        return self._newest

    def _sketch(self, query: Query, tier: int) -> str | None:
        """A cheaper match that every match of the tier meets: each word by the rarest bigram of each of its
        alternatives (no phrase, no column, no filter); None when it would cost as much as the match.

        FTS5 finds a phrase by stepping through every one of its bigrams' lists, and an AND by stepping
        through its children's: a phrase or a word made of common bigrams reads each of those lists whole
        (30 ms at a million jobs for 「デザインデータあり 挿絵イラスト」, which has no match; its sketch
        「タあ」 AND 「挿絵」 is empty in 0.4 ms). An empty sketch means an empty match."""
        terms = [b for word in query.words for a in word for r in a.runs for b in bigrams(r)]
        if not terms:
            return None
        newest = self._rarity(terms)
        marks = TIERS[tier]
        words, kept = [], 0
        for word in query.words:
            options = []
            for alt in word:
                if alt.facet:
                    options.append(f'"{alt.facet}"')
                    continue
                rarest = min((b for r in alt.runs for b in bigrams(r)), key=newest.__getitem__, default=None)
                if rarest is None:  # only one-character (prefix) runs: nothing cheap to ask for this word
                    break
                options.append(" OR ".join(f'"{m}{rarest}"' for m in marks) if marks else f'"{rarest}"')
            else:
                words.append("(" + " OR ".join(options) + ")")
                kept += len(options)
        if not words or (kept == len(terms) and len(words) == len(query.words)):
            return None  # nothing to ask, or the sketch is the match itself
        return " AND ".join(words)

    def _empty(self, query: Query, tier: int = len(TIERS) - 1) -> bool:
        sketch = self._sketch(query, tier)
        if sketch is None:
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM search_fts WHERE search_fts MATCH %s LIMIT 1", [sketch])
            return cursor.fetchone() is None

    def count(self, query: Query, *, cap: int = TOTAL_CAP) -> int:
        if query.words and self._empty(query):
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH %s LIMIT %s)",
                [self._expr(query), cap + 1],
            )
            return int(cursor.fetchone()[0])

    def tier_ids(self, query: Query, tier: int, *, limit: int) -> list[int]:
        if query.words and tier < len(TIERS) - 1 and self._empty(query, tier):
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s",
                [self._expr(query, tier), limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def ids_sql(self, query: Query) -> tuple[str, list[str]]:
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [self._expr(query)]

    def ids_text(self, query: Query, *, exact: bool = False) -> tuple[str, bool]:
        # The sketch (each word's rarest bigram, no phrase) reads one list per word instead of stepping
        # through every bigram's list with positions: 「ライティング」 at 1 M jobs, 147 k matches, 30–160 ms
        # as a phrase, 12 ms as 「ライ」 — a superset, for a whole word nearly always the same jobs.
        sketch = None if exact else self._sketch(query, len(TIERS) - 1)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT group_concat(rowid) FROM search_fts WHERE search_fts MATCH %s",
                [sketch or self._expr(query)],
            )
            return cursor.fetchone()[0] or "", sketch is None

    def among(self, query: Query, job_ids: Sequence[int]) -> set[int]:
        marks = ", ".join(["%s"] * len(job_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH %s AND rowid IN ({marks})",  # noqa: S608
                [self._expr(query), *job_ids],
            )
            return {row[0] for row in cursor.fetchall()}


# --- PostgreSQL tsvector -------------------------------------------------------------------------------


def _tsvector(tokens: Iterable[str]) -> str:
    """A tsvector literal of the tokens, positions in order. Built here, not by `to_tsvector`, so no
    text-search parser (whose idea of a letter depends on the server's locale) ever splits the bigrams."""
    positions: dict[str, list[int]] = defaultdict(list)
    for pos, token in enumerate(tokens, start=1):
        if len(positions[token]) < _PG_MAX_POSITIONS:
            positions[token].append(min(pos, _PG_MAX_POSITION))
    return " ".join(f"'{tok}':{','.join(map(str, ps))}" for tok, ps in positions.items())


def _ts_run(run: str, mark: str = "") -> str:
    if len(run) == 1:
        return f"'{mark}{run}':*"
    return "(" + " <-> ".join(f"'{mark}{b}'" for b in bigrams(run)) + ")"


def _ts_alt(alt: Alt, marks: Sequence[str]) -> str:
    if alt.facet:
        return f"'{alt.facet}'"
    if not marks:
        return "(" + " & ".join(_ts_run(r) for r in alt.runs) + ")"
    return "(" + " & ".join("(" + " | ".join(_ts_run(r, m) for m in marks) + ")" for r in alt.runs) + ")"


def _ts_words(words: Sequence[Word], marks: Sequence[str]) -> str:
    return " & ".join("(" + " | ".join(_ts_alt(a, marks) for a in word) + ")" for word in words)


class PostgresBackend(Backend):
    def __init__(self) -> None:
        # tsquery → the newest matches `count` walked, and whether they are every match. The last tier
        # asks the same tsquery for its page.
        self._walked: dict[str, tuple[list[int], bool]] = {}

    def write(self, docs: Sequence[Doc]) -> None:
        if not docs:
            return
        rows = []
        for d in docs:
            # Title, tags and body in one run of positions (a phrase never spans two of them: each part
            # ends with a one-character token and phrases are made of bigrams), then the marked copies
            # and the facets.
            text = "\n".join([d.title, d.tags, d.body])
            tsv = _tsvector([*index_tokens(text).split(), *heads(d.title, d.tags), ALL, *d.facets])
            rows.append((d.job_id, d.proposal_deadline, d.indexed_at, tsv))
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_searchdocument (job_id, proposal_deadline, indexed_at, doc_tsv) "
                "VALUES (%s, %s, %s, %s::tsvector) ON CONFLICT (job_id) DO UPDATE SET "
                "proposal_deadline = EXCLUDED.proposal_deadline, indexed_at = EXCLUDED.indexed_at, "
                "doc_tsv = EXCLUDED.doc_tsv",
                rows,
            )

    def delete(self, job_ids: Sequence[int]) -> None:
        """The words go with their SearchDocument rows (the services delete those)."""

    def clear(self) -> None:
        """As `delete`."""

    def _query(self, query: Query, tier: int = len(TIERS) - 1) -> str:
        parts = [f"({_ts_words(query.words, TIERS[tier])})" if query.words else f"'{ALL}'"]
        parts += [f"'{t}'" for t in query.required]
        parts += [f"!'{t}'" for t in query.excluded]
        return " & ".join(parts)

    def search(self, query: Query, *, limit: int, offset: int) -> tuple[list[int], int]:
        # For a word in most jobs the planner prefers reading the whole table, unpacking every job's
        # tsvector (287 ms to count 10 k jobs); the GIN index answers the same count in 15 ms without
        # opening one. The count and the tiers walk the primary key backwards first (an index scan) either way.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            return super().search(query, limit=limit, offset=offset)

    def _walk(self, cursor: Any, tsq: str, limit: int, *, every_match: bool) -> tuple[list[int], int | None]:
        """The newest matches found by walking the primary key from the newest entry, checking each
        tsvector — while that costs less than asking the GIN index for the rest — and the id the walk
        stopped above (None: the page is full or the whole index was read, nothing is left to ask).

        Two plans whose cost is known, instead of the planner's guess (it cannot tell how often a phrase
        occurs): the walk costs the rows walked — little for a common word, the whole table for a rare one;
        the GIN bitmap costs a recheck of the matches it reads — every one of them when they must be sorted
        (`every_match`, a tier's page), up to `limit` for a count — and, for a count, building the bitmap of
        every match (a million for a word in every job: 65 ms). The first WALK entries are walked; the
        matches found there tell how far the page is (the words' density), and the walk goes on only while
        that costs less than the GIN index."""
        ids: list[int] = []
        below, walked, chunk = _MAX_ID, 0, WALK
        cursor.execute(
            "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'search_searchdocument'::regclass"
        )
        entries = float(cursor.fetchone()[0]) or 1.0
        while True:
            cursor.execute(
                "SELECT job_id FROM (SELECT job_id, doc_tsv FROM search_searchdocument WHERE job_id < %s"
                " ORDER BY job_id DESC LIMIT %s) w WHERE doc_tsv @@ %s::tsquery ORDER BY job_id DESC LIMIT %s",
                [below, chunk, tsq, limit - len(ids)],
            )
            ids += [row[0] for row in cursor.fetchall()]
            if len(ids) >= limit:
                return ids, None
            cursor.execute(
                "SELECT job_id FROM search_searchdocument WHERE job_id < %s ORDER BY job_id DESC LIMIT 1 OFFSET %s",
                [below, chunk - 1],
            )
            oldest = cursor.fetchone()
            if oldest is None:  # the walk read the whole index
                return ids, None
            below, walked = oldest[0], walked + chunk
            density = len(ids) / walked
            left = limit - len(ids)
            rows_to_walk = left / density if density else float("inf")
            matches = density * entries
            gin = (
                matches * _RECHECK_COST
                if every_match
                else min(left, matches) * _RECHECK_COST + matches * _BITMAP_COST
            )
            if rows_to_walk * _WALK_COST >= gin:
                return ids, below
            chunk = int(rows_to_walk * 1.5) + 1

    def count(self, query: Query, *, cap: int = TOTAL_CAP) -> int:
        tsq = self._query(query)
        with connection.cursor() as cursor:
            ids, below = self._walk(cursor, tsq, cap + 1, every_match=False)
            self._walked[tsq] = (ids, below is None and len(ids) <= cap)
            if below is None:
                return len(ids)
            cursor.execute(
                # `job_id + 0`: the GIN bitmap, never a walk of the key with a filter (which the planner
                # picks for a word it estimates well and which then checks every older job: 53 ms for 英語).
                "SELECT count(*) FROM (SELECT 1 FROM search_searchdocument WHERE doc_tsv @@ %s::tsquery"
                " AND job_id + 0 < %s LIMIT %s) s",
                [tsq, below, cap + 1 - len(ids)],
            )
            return len(ids) + int(cursor.fetchone()[0])

    def tier_ids(self, query: Query, tier: int, *, limit: int) -> list[int]:
        tsq = self._query(query, tier)
        with connection.cursor() as cursor:
            walked, every = self._walked.get(tsq, ([], False))
            if len(walked) >= limit or every:  # the count's walk found the page (or every match)
                return walked[:limit]
            # Walked again with a page's costs: the count weighed hers (GIN stops at its cap) differently.
            ids, below = self._walk(cursor, tsq, limit, every_match=True)
            if below is None:
                return ids
            loose = tsq.replace(" <-> ", " & ")
            if loose == tsq:  # no phrase: the GIN index's answer is exact, nothing is rechecked
                cursor.execute(
                    # `job_id + 0`: sorted after the GIN bitmap, never a walk of the key with a filter.
                    "SELECT job_id FROM search_searchdocument WHERE doc_tsv @@ %s::tsquery AND job_id < %s"
                    " ORDER BY job_id + 0 DESC LIMIT %s",
                    [tsq, below, limit - len(ids)],
                )
                return ids + [row[0] for row in cursor.fetchall()]
            # A phrase: sorting its matches would recheck every candidate's tsvector out of TOAST (2,000
            # of them: 45 ms at a million jobs). The same words without their order are answered by the
            # GIN index alone, so the newest candidates are sorted without opening a tsvector, and only
            # those are checked for the phrase, newest first, in growing steps until the page is full.
            step = max(4 * (limit - len(ids)), 100)
            while len(ids) < limit:
                cursor.execute(
                    "SELECT job_id FROM search_searchdocument WHERE doc_tsv @@ %s::tsquery AND job_id + 0 < %s"
                    " ORDER BY job_id + 0 DESC LIMIT %s",
                    [loose, below, step],
                )
                candidates = [row[0] for row in cursor.fetchall()]
                if not candidates:
                    break
                cursor.execute(
                    # `OFFSET 0`: each candidate read by its key, never the GIN index's every match again.
                    "SELECT job_id FROM (SELECT job_id, doc_tsv FROM search_searchdocument WHERE job_id = ANY(%s)"
                    " OFFSET 0) c WHERE doc_tsv @@ %s::tsquery ORDER BY job_id DESC LIMIT %s",
                    [candidates, tsq, limit - len(ids)],
                )
                ids += [row[0] for row in cursor.fetchall()]
                if len(candidates) < step:
                    break
                below, step = candidates[-1], step * 4
            return ids

    def ids_sql(self, query: Query) -> tuple[str, list[str]]:
        return "SELECT job_id FROM search_searchdocument WHERE doc_tsv @@ %s::tsquery", [self._query(query)]

    def ids_text(self, query: Query, *, exact: bool = False) -> tuple[str, bool]:
        # Phrases as plain ANDs of their bigrams: the GIN index answers those without opening a single
        # tsvector (a phrase rechecks each match's positions out of TOAST: 「ライティング」, 147 k matches at
        # 1 M jobs, 846 ms → 140 ms). A superset — for a whole word nearly always the same jobs.
        tsq = self._query(query)
        loose = tsq if exact else tsq.replace(" <-> ", " & ")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the GIN bitmap, as `search` (below)
            cursor.execute(
                "SELECT string_agg(job_id::text, ',') FROM search_searchdocument WHERE doc_tsv @@ %s::tsquery",
                [loose],
            )
            return cursor.fetchone()[0] or "", loose == tsq

    def among(self, query: Query, job_ids: Sequence[int]) -> set[int]:
        with connection.cursor() as cursor:
            # By the primary key, then each row's tsvector (OFFSET 0 keeps the planner from turning it into
            # the GIN index's whole match, rechecked: 1.7 s for a common phrase at 1 M jobs).
            cursor.execute(
                "SELECT job_id FROM (SELECT job_id, doc_tsv FROM search_searchdocument"
                " WHERE job_id = ANY(%s) OFFSET 0) d WHERE doc_tsv @@ %s::tsquery",
                [list(job_ids), self._query(query)],
            )
            return {row[0] for row in cursor.fetchall()}


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()

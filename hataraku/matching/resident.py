"""「あなたにできる仕事」 on a large site, in any order: the jobs in bound order from the columns in memory (vectors.py),
each piece read through the job list's own query and worked out exactly, until the `limit`-th job found
is better than every bound left (the threshold stop of `selectors.recommendations_for`).

The keyword: the ids of every match are read from the search index in one string (a common word at 1 M
jobs: 150 k ids, 15–60 ms on SQLite) and narrow the columns; the jobs read afterwards are asked without
the keyword, which would make the database gather every match again for each piece.
"""

from __future__ import annotations

import datetime as dt
from bisect import insort
from dataclasses import replace
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet

from hataraku.accounts.models import User
from hataraku.accounts.selectors import is_verified
from hataraku.contracts.models import Contract
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.models import Category, Job
from hataraku.profiles.constants import ClientBlockKind
from hataraku.profiles.models import ClientBlock
from hataraku.search import selectors as search

from . import columns, rows, vectors
from .constants import MarkKind, Order
from .feasibility import WorkerCalendar, WorkerTime
from .ranking import ClientRecord, WorkerFacts, _reputation, order_key, rank_one

# Jobs worked out in the first piece at least (then twice as many each time, up to PIECE_MAX).
PIECE_MIN = 20
PIECE_MAX = 4000
# A keyword read as a superset (search.selectors.matching_ids_text) is read exactly instead once this many
# of its jobs were asked and fewer than this share of them matched.
SUPERSET_TRIAL = 200
SUPERSET_PRECISION = 0.5


def rules_for(
    worker: User, filters: job_selectors.JobFilters, marks: dict[int, str], *, exact_keyword: bool = False
) -> vectors.Rules:
    """The list's rules and filters for the columns (the keyword: every match's id, read at once — a
    cheaper superset unless `exact_keyword`)."""
    keyword_ids = None
    keyword_exact = True
    if filters.q:
        found = search.matching_ids_text(filters.q, exact=exact_keyword)
        if found is not None:
            text, keyword_exact = found
            keyword_ids = np.array(text.split(","), dtype=np.int64) if text else np.empty(0, dtype=np.int64)
    category_ids = None
    if filters.category:
        category_ids = list(
            Category.objects.filter(Q(slug=filters.category) | Q(parent__slug=filters.category)).values_list(
                "pk", flat=True
            )
        )
    floor = job_selectors.wage_floor_for(worker) if filters.min_wage else None
    return vectors.Rules(
        worker_id=worker.pk,
        verified=is_verified(worker),
        hidden_clients=list(
            ClientBlock.objects.filter(worker=worker, kind=ClientBlockKind.JOBS).values_list(
                "client_id", flat=True
            )
        ),
        not_interested=[job_id for job_id, kind in marks.items() if kind == MarkKind.NOT_INTERESTED],
        can_do=[job_id for job_id, kind in marks.items() if kind == MarkKind.CAN_DO],
        filters=filters if keyword_ids is not None else replace(filters, q=""),
        category_ids=category_ids,
        floor_amount=floor.amount if floor is not None else None,
        keyword_ids=keyword_ids,
        keyword_exact=keyword_exact,
    )


# Up to this many clients with a contract have their records read at once (their reputation bounds their
# jobs exactly); with more, every client's reputation is bounded by 1 and records are read as jobs are.
REPUTED_CLIENTS_CAP = 500
NEUTRAL_REPUTATION = 0.5


def reputed_clients() -> tuple[dict[int, ClientRecord] | None, dict[int, float] | None]:
    """(the record of every client with a contract, and those whose reputation is above the neutral 0.5
    with it), or (None, None) when too many clients have a contract to look at. A client without a
    contract has no record: the empty `ClientRecord()`, reputation exactly 0.5 (ranking._reputation)."""
    ids = list(
        Contract.objects.order_by().values_list("client_id", flat=True).distinct()[: REPUTED_CLIENTS_CAP + 1]
    )
    if len(ids) > REPUTED_CLIENTS_CAP:
        return None, None
    known = rows.client_records(set(ids)) if ids else {}
    found = {}
    for client_id, record in known.items():
        reputation = _reputation(record, explain=False)[0]
        if reputation > NEUTRAL_REPUTATION:
            found[client_id] = reputation
    return known, found


def recommended(
    worker: User,
    filters: job_selectors.JobFilters,
    bounded: QuerySet[Job],
    *,
    limit: int,
    show_all: bool,
    facts: WorkerFacts,
    time: WorkerTime,
    calendar: WorkerCalendar,
    now: dt.datetime,
    marks: dict[int, str],
    order: str = Order.RECOMMENDED,
) -> tuple[rows.Found, int, bool]:
    """(the first `limit` jobs, jobs she cannot do that were left out, whether that count is exact).
    `bounded`: the job list's query with the tier bound and every filter but the keyword (asked above or
    per piece: a keyword subquery would make the database gather every match again for each piece)."""
    rules = rules_for(worker, filters, marks)
    known, reputed = reputed_clients()
    skill_categories = vectors.categories_naming(facts.skills)

    def bounded_in_order(rules: vectors.Rules) -> vectors.Candidates:
        # The bounds are worked out with the columns held (no other thread refreshes them half-way); the
        # database is asked for nothing meanwhile.
        with columns.locked() as store:
            return vectors.Candidates(
                store,
                rules,
                facts=facts,
                time=time,
                calendar=calendar,
                reputed=reputed,
                now=now,
                show_all=show_all,
                order=order,
                skill_categories=skill_categories,
            )

    candidates = bounded_in_order(rules)
    clients = dict(known or {})
    found: rows.Found = []
    hidden_cannot = 0
    # The first piece: the page and a little more (the bounds are tight: most pages are settled by it).
    size = max(PIECE_MIN, limit + limit // 5)
    exhausted = True
    seen: set[int] = set()
    asked = matched = 0
    while piece := candidates.take(size):
        if len(found) >= limit and found[limit - 1][0] < piece[0][0]:
            exhausted = False
            break
        ids = [job_id for bound, job_id in piece if len(found) < limit or not found[limit - 1][0] < bound]
        ids = [job_id for job_id in ids if job_id not in seen]
        if not rules.keyword_exact and ids:
            # The keyword's ids were a superset (search.selectors.matching_ids_text): these few are asked.
            matching = search.matching_among(filters.q, ids)
            asked, matched = asked + len(ids), matched + len(matching)
            seen.update(ids)
            ids = [job_id for job_id in ids if job_id in matching]
            if asked >= SUPERSET_TRIAL and matched < asked * SUPERSET_PRECISION:
                # Mostly not matches (a word whose rarest pair is common elsewhere, 「テープ起こし」's
                # 「こし」): its exact matches are read after all, and the bounds worked out again.
                rules = rules_for(worker, filters, marks, exact_keyword=True)
                candidates = bounded_in_order(rules)
                size = max(PIECE_MIN, limit + limit // 5)
        seen.update(ids)
        read: list[tuple[Any, ...]] = rows.full_rows(bounded, ids) if ids else []
        calls = rows.calls_of([row[0] for row in read])
        if known is None:
            clients.update(rows.client_records({row[14] for row in read} - clients.keys()))
        for row in read:
            fact, feasibility = rows.assessed(row, calls, time, now, calendar, marks)
            if not feasibility.feasible and not show_all:
                hidden_cannot += 1
                continue
            client = clients.get(row[14]) or rows.NO_RECORD
            result = rank_one(
                worker=facts, job=fact, client=client, feasibility=feasibility, now=now, explain=False
            )
            key = order_key(order, result, fact)
            if len(found) >= limit and not key < found[-1][0]:
                continue
            insort(found, (key, row[0], (fact, client, feasibility)))
            if len(found) > limit:
                found.pop()
        size = min(size * 2, PIECE_MAX)
    if show_all:
        return found, 0, exhausted
    if exhausted and candidates.exact:
        return found, hidden_cannot + candidates.cannot, True
    return found, hidden_cannot, False

"""「あなたにできる仕事」 in the recommended order, read from indexes (Fagin's threshold algorithm) instead of
sorting every open job by computed bounds (selectors.recommendations_for uses it on a large site).

A job's place is (tier, −score, newest, −id) (ranking.order_key). Of the score, only pay and freshness are
continuous; the rest take a few values that are known before a job is read, or bounded by a class of jobs:

- **Classes.** The open jobs (with the list's filters and keyword) are cut by conditions the database
  answers from a row alone: the lower bound of her tier (bounds.py: 0, 1, 2), one of her skills in the search
  index (skill ≤ 1; outside it the skill is 0), 初心者歓迎 (when she is new), accessible materials (when
  she reads by screen reader or magnification), and a client with any reputation above the neutral 0.5
  (few clients have any record: only clients with a contract can). Each class has a best possible key:
  its tier bound and the score of a job that gets everything the class allows.
- **Two sorted lists per class**, each read in pieces by an index in its own order with a keyset
  (`(published_at, id) < (…)`): newest first (index jobs_job (published_at, id)) and highest 時給換算 top
  first (index (effective_hourly_max, id)). A job not read yet in a class is below the last row read in
  both, so its pay is at most the pay list's last top and its freshness at most the newest list's last
  date: the class's bound (the threshold) falls as either list is read. Rows without a date or a top
  (rare) are read first, apart, with the largest bound.
- **Best class first.** The class with the best bound is read next, each new job worked out once in
  Python (feasibility + rank_one, as a full evaluation would); reading stops when the `limit`-th job found
  is better than every class's bound. The skill class overlaps the others (a job of her skill is also in
  "any skill"); a job is evaluated once, and each unread job is still covered by a class whose bound holds
  for it, so the page is exact. Lists read narrow rows (`FIELDS`); a row whose own best key (`row_key`)
  cannot beat the worst job kept is not worked out (only counted, if every job ends up read).
- **Her skills' jobs** come from the search index (`Skills`): a few are read in one statement and sorted
  here; many are a filter on each piece of the lists (`+id IN (…)`), whose id set the database builds
  again for every statement — so those pieces are large (`SKILL_FIRST_READ`). At a million jobs that set
  is most of the cost left (notes in ARCHITECTURE.md).

Scores are bounded with the very sum `rank_one` makes (same terms, same order, rounded the same way), each
term at its bound: floating-point addition and rounding never decrease when a term grows, so no job can
score above its class's bound, and a job whose score equals it is still ordered by (newest, id) against
the list's position, as in the database.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from hataraku.contracts.models import Contract
from hataraku.core import wages
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Job
from hataraku.search import selectors as search_selectors

from . import bounds
from .ranking import (
    ACCESSIBLE_WEIGHT,
    BEGINNER_WEIGHT,
    FRESH_DAYS,
    FRESHNESS_WEIGHT,
    PAY_WEIGHT,
    REPUTATION_WEIGHT,
    SKILL_WEIGHT,
    STALE_DAYS,
    ClientRecord,
    WorkerFacts,
    _reputation,
)

Row = tuple[Any, ...]
Key = tuple[float, ...]
# Positions in a row (selectors._ROW_FIELDS).
# What the lists read of each job: what its class and its best key need (the rest of a row is read only
# for the jobs worked out).
FIELDS = (
    "pk",
    "published_at",
    "effective_hourly_max",
    "beginner_welcome",
    "accessibility_notes",
    "client_id",
    "tier_lb",
)
PK, PUBLISHED, PAY_TOP, BEGINNER, NOTES, CLIENT, TIER = range(len(FIELDS))
# Rows of one list read at a time (narrow rows): first a piece that fills most pages from the best class,
# then doubling, so a long read is a few statements; her skills' lists start larger (see above).
FIRST_READ = 200
LARGEST_READ = 3200
SKILL_FIRST_READ = 400
# More clients with a contract than this: reputation is bounded by 1 for every job rather than by class.
REPUTED_CLIENTS_CAP = 500
NEUTRAL_REPUTATION = 0.5
NEVER = -math.inf
# At most this many jobs of her skills (of all jobs, before her filters): read at once as classes of their own.
SMALL_SKILL_SET = 2000


def score_bound(
    *, skill: float, pay: float, reputation: float, beginner: float, fresh: float, acc: float
) -> float:
    """`ranking.rank_one`'s sum with each term at its bound (same order, same rounding)."""
    return round(
        SKILL_WEIGHT * skill
        + PAY_WEIGHT * pay
        + REPUTATION_WEIGHT * reputation
        + BEGINNER_WEIGHT * beginner
        + FRESHNESS_WEIGHT * fresh
        + ACCESSIBLE_WEIGHT * acc,
        4,
    )


def freshness_bound(published: dt.datetime, now: dt.datetime) -> float:
    """`ranking._freshness` of a job published at `published` (it only falls as a job gets older)."""
    days = (now - published).total_seconds() / 86400
    if days <= FRESH_DAYS:
        return 1.0
    return max(0.0, 1 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS))


def pay_bound(top: int | None, floor: wages.WageFloor | None) -> float:
    """The best `ranking._pay` of a job whose 時給換算 top is at most `top` (its middle is at most its top)."""
    if floor is None:
        return 0.0
    if top is None:
        return 1.0
    return max(-1.0, min(1.0, top / floor.amount - 1.0))


def reputed_clients(
    records: Callable[[set[int]], dict[int, ClientRecord]],
) -> tuple[dict[int, ClientRecord] | None, dict[int, float] | None]:
    """(the record of every client with a contract, and those whose reputation is above the neutral 0.5
    with it), or (None, None) when too many clients have a contract to look at (every job is then bounded
    by 1 and records are loaded as rows are read). A client without a contract has no record: the empty
    `ClientRecord()`, reputation exactly 0.5 (ranking._reputation)."""
    ids = list(
        Contract.objects.order_by().values_list("client_id", flat=True).distinct()[: REPUTED_CLIENTS_CAP + 1]
    )
    if len(ids) > REPUTED_CLIENTS_CAP:
        return None, None
    known = records(set(ids)) if ids else {}
    found = {}
    for client_id, record in known.items():
        reputation = _reputation(record, explain=False)[0]
        if reputation > NEUTRAL_REPUTATION:
            found[client_id] = reputation
    return known, found


def _row_below(columns: Sequence[str], values: Sequence[object]) -> RawSQL:
    """`(a, b) < (x, y)`: a row value, which SQLite and PostgreSQL both answer by an index range."""
    names = ", ".join(bounds._column(c) for c in columns)
    marks = ", ".join(["%s"] * len(values))
    return RawSQL(f"({names}) < ({marks})", list(values), output_field=BooleanField())  # noqa: S611


@dataclass
class Skills:
    """Her skills' jobs in the search index (bounds._skill_jobs says why that holds every job whose skill
    can count), classes of their own: few (`small`) are read at once and sorted in Python (`classes`); many
    are read by the lists with `in_order`. Rows of the other classes may be hers too: each piece read asks
    the index which (by a range of ids, which it answers from its own order), so a row that cannot reach
    the page is not worked out."""

    condition: RawSQL  # id IN (…), for a statement
    in_order: RawSQL | None  # the same, for a list read in its index's order (SQLite only)
    parts: list[tuple[str, list[Any]]]
    small: bool
    ids: set[int] | None = None  # when small: hers among the open jobs (filled by `classes`)

    def members(self, ids: Sequence[int]) -> set[int] | None:
        """Which of `ids` are hers; None when they lie too far apart to ask by a range."""
        if self.ids is not None:
            return {i for i in ids if i in self.ids}
        low, high = min(ids), max(ids)
        if high - low > PROBE_SPAN * len(ids):
            return None
        found: set[int] = set()
        with connection.cursor() as cursor:
            for sql, params in self.parts:
                column = connection.ops.quote_name(_id_column(cursor, sql, params))
                cursor.execute(
                    f"SELECT * FROM ({sql}) AS s WHERE s.{column} BETWEEN %s AND %s",  # noqa: S608 - constant SQL
                    [*params, low, high],
                )
                found.update(row[0] for row in cursor.fetchall())
        return found & set(ids)


# A piece's ids may span at most this many times their number to be asked about by one range.
PROBE_SPAN = 50
_ID_COLUMNS: dict[str, str] = {}


def _id_column(cursor: Any, sql: str, params: list[Any]) -> str:
    """The name of the id column of the backend's id SQL (rowid on SQLite, job_id on PostgreSQL)."""
    if sql not in _ID_COLUMNS:
        cursor.execute(f"SELECT * FROM ({sql}) AS s LIMIT 0", params)  # noqa: S608 - constant SQL
        _ID_COLUMNS[sql] = cursor.description[0][0]
    return _ID_COLUMNS[sql]


def skill_condition(skills: Sequence[str]) -> Skills | None:
    """Her skills' jobs in the search index, or None when every job may count (a reader in another
    language: category names are compared in hers) or she names no word."""
    if bounds._skill_jobs(skills) is None:
        return None
    parts: list[tuple[str, list[Any]]] = []
    for skill in skills:
        query = search_selectors.parse(skill)
        if not skill.strip() or not query.words:
            continue
        sql, sql_params = search_selectors.backend().ids_sql(query)
        parts.append((sql, list(sql_params)))
    if not parts:
        return None
    # The backend's constant SQL text; the words travel as parameters.
    union = " UNION ".join(f"SELECT * FROM ({sql}) AS s{i}" for i, (sql, _p) in enumerate(parts))  # noqa: S608
    params = [param for _sql, part_params in parts for param in part_params]
    count = 0
    with connection.cursor() as cursor:
        for sql, part_params in parts:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS counted",  # noqa: S608 - the backend's constant SQL
                [*part_params, SMALL_SKILL_SET + 1],
            )
            count += cursor.fetchone()[0]
            if count > SMALL_SKILL_SET:
                break
    column = bounds._column("id")
    return Skills(
        RawSQL(f"{column} IN ({union})", params, output_field=BooleanField()),  # noqa: S611
        # The unary plus keeps SQLite walking the list's own index and looking each row up in the ids
        # (built once a statement) rather than starting from the ids and sorting them all again.
        # PostgreSQL has no such hint (a `+` makes the ids a subplan run again for every row once they
        # outgrow work_mem; a plain IN became a 5 s semi-join at 1 M): there many jobs of her skills are
        # not a class of their own, and each piece asks the index which rows are hers (`members`).
        RawSQL(f"+{column} IN ({union})", params, output_field=BooleanField())  # noqa: S611
        if connection.vendor == "sqlite"
        else None,
        parts,
        small=count <= SMALL_SKILL_SET,
    )


def row_key(
    row: Row, *, skill: float, facts: WorkerFacts, reputed: dict[int, float] | None, now: dt.datetime
) -> Key:
    """The best key the job of this row can have (its tier bound, its score with her skill at `skill` and
    reputation at its bound): a row whose key is not better than the worst job kept is not worked out."""
    published = row[PUBLISHED]
    score = score_bound(
        skill=skill,
        pay=pay_bound(row[PAY_TOP], facts.floor),
        reputation=1.0 if reputed is None else reputed.get(row[CLIENT], NEUTRAL_REPUTATION),
        beginner=1.0 if facts.beginner and row[BEGINNER] else 0.0,
        fresh=freshness_bound(published, now) if published is not None else 0.0,
        acc=1.0 if facts.needs_accessible_materials and row[NOTES] != "" else 0.0,
    )
    return (row[TIER], -score, -(published.timestamp() if published is not None else 0), -row[PK])


@dataclass
class SortedList:
    """One class's jobs in one index order, read in pieces after the last row read."""

    qs: QuerySet[Job]
    column: str  # "published_at" or "effective_hourly_max"; then the id, both descending
    fields: Sequence[str]
    last: Row | None = None
    done: bool = False
    size: int = FIRST_READ
    # A class of her skills: its rows, read at once and sorted here (see `classes`).
    rows: list[Row] | None = None

    def read(self) -> list[Row]:
        if self.rows is not None:
            rows, self.rows = self.rows[: self.size], self.rows[self.size :]
            self.done = not self.rows
            if rows:
                self.last = rows[-1]
            self.size = min(self.size * 2, LARGEST_READ)
            return rows
        qs = self.qs.filter(**{f"{self.column}__isnull": False})
        if self.last is not None:
            value = self.last[PUBLISHED if self.column == "published_at" else PAY_TOP]
            if self.column == "published_at":
                value = connection.ops.adapt_datetimefield_value(value)
            qs = qs.filter(_row_below((self.column, "id"), (value, self.last[PK])))
        rows = list(qs.order_by(f"-{self.column}", "-pk").values_list(*self.fields)[: self.size])
        if len(rows) < self.size:
            self.done = True
        if rows:
            self.last = rows[-1]
        self.size = min(self.size * 2, LARGEST_READ)
        return rows


@dataclass
class JobClass:
    """Jobs that share the values of the score's few-valued terms (or their bound) and a tier bound."""

    tier: int
    skill: float
    beginner: float
    acc: float
    reputation: float
    newest: SortedList
    pay: SortedList | None  # None without a minimum wage to compare with (pay is then 0 for every job)
    now: dt.datetime
    floor: wages.WageFloor | None
    _reads: int = field(default=0)

    @property
    def done(self) -> bool:
        return self.newest.done or (self.pay is not None and self.pay.done)

    def score(self, *, fresh: float | None = None) -> float:
        last_new, last_pay = self.newest.last, self.pay.last if self.pay else None
        if fresh is None:
            fresh = 1.0 if last_new is None else freshness_bound(last_new[PUBLISHED], self.now)
        pay = pay_bound(None if last_pay is None else last_pay[PAY_TOP], self.floor)
        return score_bound(
            skill=self.skill,
            pay=pay,
            reputation=self.reputation,
            beginner=self.beginner,
            fresh=fresh,
            acc=self.acc,
        )

    def key(self) -> Key:
        """The best key a job of this class not read yet can have."""
        last = self.newest.last
        if last is None:
            return (self.tier, -self.score(), NEVER, NEVER)
        return (self.tier, -self.score(), -last[PUBLISHED].timestamp(), -last[PK])

    def read(self, worst_found: Key | None) -> list[Row]:
        """A piece of a list: the newest list (it finds jobs as well as the other, and its bound falls with
        every row), and the pay list every other time while even freshness 0 would leave the bound above
        the worst job kept (then only a lower pay can stop the class; TA's round robin, where it helps)."""
        self._reads += 1
        use_pay = (
            self.pay is not None
            and self._reads % 2 == 0
            and worst_found is not None
            and (self.tier, -self.score(fresh=0.0)) < tuple(worst_found[:2])
        )
        return (self.pay if use_pay and self.pay is not None else self.newest).read()


def classes(
    qs: QuerySet[Job],
    *,
    facts: WorkerFacts,
    now: dt.datetime,
    tiers: Iterable[int],
    skills: Skills | None,
    reputed: dict[int, float] | None,
    fields: Sequence[str],
) -> list[JobClass]:
    """Every class with its two lists, best bound first. Each class is a filter on `qs` (annotated with
    `tier_lb`); together they cover every job of `qs` whose tier bound is in `tiers`."""
    # (condition in SQL, the same on a row read, bound) for each few-valued term; one part where it does not
    # divide the jobs.
    beginner: list[Part] = (
        [
            (Q(beginner_welcome=True), lambda row: bool(row[BEGINNER]), 1.0),
            (Q(beginner_welcome=False), lambda row: not row[BEGINNER], 0.0),
        ]
        if facts.beginner
        else [(Q(), _always, 0.0)]
    )
    acc: list[Part] = (
        [
            (~Q(accessibility_notes=""), lambda row: row[NOTES] != "", 1.0),
            (Q(accessibility_notes=""), lambda row: row[NOTES] == "", 0.0),
        ]
        if facts.needs_accessible_materials
        else [(Q(), _always, 0.0)]
    )
    reputation: list[Part]
    if reputed is None:
        reputation = [(Q(), _always, 1.0)]
    elif reputed:
        reputation = [
            (Q(client_id__in=list(reputed)), lambda row: row[CLIENT] in reputed, max(reputed.values())),
            (~Q(client_id__in=list(reputed)), lambda row: row[CLIENT] not in reputed, NEUTRAL_REPUTATION),
        ]
    else:
        reputation = [(Q(), _always, NEUTRAL_REPUTATION)]
    skill: list[tuple[RawSQL | None, float]] = (
        [(skills.in_order if not skills.small else skills.condition, 1.0), (None, 0.0)]
        if skills is not None and (skills.small or skills.in_order is not None)
        else [(None, 1.0 if facts.skills else 0.0)]
    )
    # Few jobs of her skills, scattered through both orders: an index scan would pass over most rows to
    # find them. They are read once, from the search index's ids (the database's own plan), and split into
    # their classes and sorted here.
    skill_rows: list[Row] | None = None
    if skills is not None and skills.small:
        skill_rows = list(
            qs.filter(skills.condition, tier_lb__in=list(tiers))  # type: ignore[misc]  # an annotation
            .order_by()
            .values_list(*fields)
        )
        skills.ids = {row[PK] for row in skill_rows}
    found = []
    for tier, (s_q, s), (b_q, b_in, b), (a_q, a_in, a), (r_q, r_in, r) in product(
        tiers, skill, beginner, acc, reputation
    ):
        part = qs.filter(b_q, a_q, r_q, tier_lb=tier)  # type: ignore[misc]  # an annotation
        newest = SortedList(part, "published_at", fields)
        pay = SortedList(part, "effective_hourly_max", fields) if facts.floor is not None else None
        if s_q is not None and skill_rows is None:
            # Each statement builds her skills' ids again: fewer, larger pieces.
            newest.qs, newest.size = newest.qs.filter(s_q), SKILL_FIRST_READ
            if pay is not None:
                pay.qs, pay.size = pay.qs.filter(s_q), SKILL_FIRST_READ
        if s_q is not None and skill_rows is not None:
            mine = [row for row in skill_rows if row[TIER] == tier and b_in(row) and a_in(row) and r_in(row)]
            newest.rows = sorted(
                (row for row in mine if row[PUBLISHED] is not None),
                key=lambda row: (row[PUBLISHED], row[PK]),
                reverse=True,
            )
            if pay is not None:
                pay.rows = sorted(
                    (row for row in mine if row[PAY_TOP] is not None),
                    key=lambda row: (row[PAY_TOP], row[PK]),
                    reverse=True,
                )
        found.append(
            JobClass(
                tier=tier,
                skill=s,
                beginner=b,
                acc=a,
                reputation=r,
                newest=newest,
                pay=pay,
                now=now,
                floor=facts.floor,
            )
        )
    found.sort(key=JobClass.key)
    return found


Part = tuple[Q, Callable[[Row], bool], float]


def _always(row: Row) -> bool:
    return True


def unsorted_rows(qs: QuerySet[Job], fields: Sequence[str], tiers: Sequence[int]) -> list[Row]:
    """The jobs one of the lists does not hold (no publication date, or no 時給換算 top): read first and
    apart (there are few or none), as if they had everything."""
    # Two statements, each by its own index (an OR of the two is read by a scan of every row).
    rows: dict[int, Row] = {}
    for column in ("published_at", "effective_hourly_max"):
        # First the bare question, by the index alone (the list's own statement costs ~10 ms to run).
        if not Job.objects.filter(**{f"{column}__isnull": True}, status=JobStatus.PUBLISHED).exists():
            continue
        part = qs.filter(**{f"{column}__isnull": True}, tier_lb__in=list(tiers)).order_by()  # type: ignore[misc]
        rows.update((row[PK], row) for row in part.values_list(*fields))
    return list(rows.values())

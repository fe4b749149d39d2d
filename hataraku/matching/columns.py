"""The published jobs as columns in memory, one copy per process, for 「あなたにできる仕事」 on a large site.

Ranking every open job for one worker is, per job, a handful of comparisons and sums (her usable time by
the job's deadline against its effort, pay against her minimum wage, freshness…). A database does them
row by row; numpy does them for a million jobs in a few milliseconds. `vectors.py` works out from these
columns, for every job at once, a lower bound of its tier and an upper bound of its score, and only the
few jobs that can reach the page are then read from the database and worked out exactly (as before).

Kept in step with the database, whoever writes: triggers on `jobs_job` add a `JobChange` row for every
insert, update and delete (migration 0002). Before each use the store reads the rows after the last one it
applied and re-reads those jobs (a job not kept yet — new, or an old draft published — is added at the end:
rows are in no particular order, `positions` maps ids). It checks that the last row it applied is still
there (its number and random nonce) — a transaction that rolled back (tests, a failed request) takes its
rows with it, and SQLite hands the same numbers out again — and loads everything again if not. On
PostgreSQL a row number can become visible after a higher one (transactions commit in any order): numbers
skipped, and at load the missing ones just below the newest, are asked for again for `GAP_SECONDS`.
A request works its bounds out with the store held (`locked`), so another thread never refreshes it
half-way.

Nothing here decides what a worker sees: every job the bounds choose is read again through the job list's
own query (its rules and filters) before it is shown, so a job closed a moment ago is never shown; the
columns only have to bound a job's place from the right side (tested against a full evaluation).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType
from hataraku.jobs.models import Job

from .feasibility import COMFORT_RATIO
from .ranking import normalise

logger = logging.getLogger(__name__)

# A number skipped in the change rows is asked for again this long (PostgreSQL: a transaction that had
# taken it may still commit).
GAP_SECONDS = 120.0
# Seconds taken off −published in the bound of the "newest" place (see `_converted`).
NEWEST_SLACK = 0.002
# Rows fetched at a time when loading (a gunicorn worker says it is alive between them).
LOAD_CHUNK = 100_000
# On PostgreSQL, this many numbers below the newest change row are checked at load for ones not yet
# committed (PostgreSQL: numbers are taken at insert; transactions commit in any order).
LOAD_GAP_WINDOW = 1000
STYLE = {MeetingStyle.NONE: 0, MeetingStyle.TEXT_CHAT: 1, MeetingStyle.SCHEDULED_CALLS: 2}
VOICE, VIDEO = 1, 2

# (column, SQL per vendor). Dates and times arrive as numbers, so a million rows need no Python parsing.
_SELECT: list[tuple[str, dict[str, str]]] = [
    ("id", {"sqlite": "id", "postgresql": "id"}),
    (
        "published",
        {
            "sqlite": "(julianday(published_at) - 2440587.5) * 86400.0",
            "postgresql": "EXTRACT(EPOCH FROM published_at)::float8",
        },
    ),
    (
        "proposal_deadline",
        {
            "sqlite": "CAST(julianday(proposal_deadline) - 1721424.5 AS INTEGER)",
            "postgresql": "(proposal_deadline - DATE '0001-01-01') + 1",
        },
    ),
    (
        "deadline",
        {
            "sqlite": "CAST(julianday(deadline) - 1721424.5 AS INTEGER)",
            "postgresql": "(deadline - DATE '0001-01-01') + 1",
        },
    ),
    ("hours", {"sqlite": "estimated_hours", "postgresql": "estimated_hours"}),
    ("block", {"sqlite": "min_block_minutes", "postgresql": "min_block_minutes"}),
    ("interruptible", {"sqlite": "interruptible", "postgresql": "interruptible"}),
    ("style", {"sqlite": "meeting_style", "postgresql": "meeting_style"}),
    (
        "modes",
        {
            "sqlite": "(instr(call_modes, '\"voice\"') > 0) + 2 * (instr(call_modes, '\"video\"') > 0)",
            "postgresql": "(call_modes ? 'voice')::int + 2 * (call_modes ? 'video')::int",
        },
    ),
    ("skills", {"sqlite": "skills", "postgresql": "skills::text"}),
    ("beginner", {"sqlite": "beginner_welcome", "postgresql": "beginner_welcome"}),
    ("notes", {"sqlite": "accessibility_notes <> ''", "postgresql": "accessibility_notes <> ''"}),
    ("low", {"sqlite": "effective_hourly_min", "postgresql": "effective_hourly_min"}),
    ("high", {"sqlite": "effective_hourly_max", "postgresql": "effective_hourly_max"}),
    ("client", {"sqlite": "client_id", "postgresql": "client_id"}),
    ("category", {"sqlite": "category_id", "postgresql": "category_id"}),
    ("pay_type", {"sqlite": "pay_type", "postgresql": "pay_type"}),
    ("onsite", {"sqlite": "onsite_prefecture", "postgresql": "onsite_prefecture"}),
    ("verified_only", {"sqlite": "verified_only", "postgresql": "verified_only"}),
    ("status", {"sqlite": "status", "postgresql": "status"}),
    ("title", {"sqlite": "title", "postgresql": "title"}),
]
NAMES = [name for name, _sql in _SELECT]
# numpy types of the columns kept (a million jobs: about 45 MB).
DTYPES: dict[str, Any] = {
    "id": np.int64,
    "alive": np.bool_,
    "published": np.float64,  # seconds since 1970, NaN: not published
    "proposal_deadline": np.int32,  # date.toordinal()
    "deadline": np.int32,
    "needed": np.int32,  # effort in minutes
    "key": np.int32,  # index into Store.keys: (deadline, the job's shortest block, interruptible)
    "interruptible": np.bool_,
    "style": np.int8,
    "modes": np.int8,  # VOICE | VIDEO; 0: the job named none (either)
    "beginner": np.bool_,
    "notes": np.bool_,
    "low": np.int32,  # 時給換算, -1: none
    "high": np.int32,
    "middle": np.int32,  # Pay.middle, -1: none
    "client": np.int64,
    "category": np.int32,
    "hourly": np.bool_,
    "onsite": np.int8,  # JIS code as a number, 0: remote
    "verified_only": np.bool_,
    # Worked out from the above once, so a request does fewer operations over a million rows:
    "comfort": np.float64,  # effort × COMFORT_RATIO (できる from this much usable time)
    "newest": np.float64,  # −published (0 when never published): ranking.order_key's third place
    "fresh_from": np.float64,  # published, −inf when never published (freshness 0)
    "middle_f": np.float64,  # Pay.middle, NaN: none
    "top_f": np.float64,  # the top of the range (the middle without one), NaN: none
    "calls_voice": np.bool_,  # scheduled calls a worker who takes voice can join
    "calls_video": np.bool_,
}


def _code(prefecture: str | None) -> int:
    """A JIS code as a number: 0 for remote work, -1 for anything else."""
    if not prefecture:
        return 0
    return int(prefecture) if prefecture.isdigit() and len(prefecture) <= 2 else -1


def _rows_sql(where: str) -> str:
    vendor = connection.vendor if connection.vendor in ("sqlite", "postgresql") else "sqlite"
    columns = ", ".join(sql[vendor] for _name, sql in _SELECT)
    return f"SELECT {columns} FROM jobs_job WHERE {where} ORDER BY id"  # noqa: S608  # our own text


@dataclass
class Store:
    """The columns (first `n` of each array are in use), the skills' jobs, and where the change rows were
    read up to."""

    n: int = 0
    cols: dict[str, np.ndarray] = field(default_factory=dict)
    keys: list[tuple[int, int, bool]] = field(default_factory=list)
    key_index: dict[tuple[int, int, bool], int] = field(default_factory=dict)
    # A normalised skill → row positions of the jobs that ask for it (as loaded), plus later additions.
    skill_rows: dict[str, np.ndarray] = field(default_factory=dict)
    skill_added: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    # Every normalised title as loaded, one string ("\x00" between titles), and where each starts; titles
    # written since, by position. A skill → positions of the titles naming it (`named_in_title`).
    titles: str = ""
    title_starts: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    titles_since: dict[int, str] = field(default_factory=dict)
    named: dict[str, np.ndarray] = field(default_factory=dict)
    named_added: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    last_seq: int = 0
    last_nonce: int | None = None
    gaps: dict[int, float] = field(default_factory=dict)  # a skipped number → when first seen missing
    _table: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _table_rows: int = -1
    _order: np.ndarray | None = None

    def col(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]

    def positions(self, ids: Any) -> np.ndarray:
        """Row positions of these job ids, in their order (ids not kept are left out). Ids handed out by the
        database are dense, so a table from id to position answers at once; the sorted ids otherwise."""
        wanted = np.asarray(ids, dtype=np.int64)
        if not len(wanted) or not self.n:
            return np.empty(0, dtype=np.int64)
        if self._table_rows != self.n:
            kept = self.col("id")
            highest = int(kept.max())
            if highest <= 4 * self.n + 1_000_000:
                table = np.full(highest + 1, -1, dtype=np.int64)
                table[kept] = np.arange(self.n, dtype=np.int64)
                self._table, self._order = table, None
            else:  # sparse ids: the kept ids sorted, and where each sits
                self._order = np.argsort(kept)
                self._table = kept[self._order]
            self._table_rows = self.n
        if self._order is None:
            inside = (wanted >= 0) & (wanted < len(self._table))
            at = self._table[wanted[inside]]
            return np.asarray(at[at >= 0], dtype=np.int64)
        i = np.minimum(np.searchsorted(self._table, wanted), self.n - 1)
        hit = self._table[i] == wanted
        return np.asarray(self._order[i[hit]], dtype=np.int64)

    def named_in_title(self, skill: str) -> np.ndarray:
        """Positions of the jobs whose normalised title holds `skill` (a normalised skill), worked out once
        per skill and process (about 10–35 ms at 1 M jobs; the skills jobs ask for are done at load). A
        title edited since may be listed for a skill it no longer names: that only loosens a bound."""
        found = self.named.get(skill)
        if found is None:
            offsets = [m.start() for m in re.finditer(re.escape(skill), self.titles)] if skill else []
            at = np.searchsorted(self.title_starts, np.array(offsets, dtype=np.int64), side="right") - 1
            since = [p for p, title in self.titles_since.items() if skill in title]
            found = self.named[skill] = np.unique(np.concatenate([at, np.array(since, dtype=np.int64)]))
        added = self.named_added.get(skill)
        return np.concatenate([found, np.asarray(added, dtype=np.int64)]) if added else found

    def skill_positions(self, skill: str) -> np.ndarray:
        found = self.skill_rows.get(skill, np.empty(0, dtype=np.int64))
        added = self.skill_added.get(skill)
        return np.concatenate([found, np.asarray(added, dtype=np.int64)]) if added else found

    # --- writing ---------------------------------------------------------------------------------------

    def _key(self, deadline: int, block: int, interruptible: bool) -> int:
        key = (deadline, block, interruptible)
        found = self.key_index.get(key)
        if found is None:
            found = self.key_index[key] = len(self.keys)
            self.keys.append(key)
        return found

    def _converted(
        self, rows: list[tuple[Any, ...]]
    ) -> tuple[dict[str, np.ndarray], list[list[str]], list[str]]:
        """Columns for these rows (in their order), each row's normalised skills and normalised title."""
        by_name = dict(zip(NAMES, zip(*rows, strict=True), strict=True)) if rows else {n: () for n in NAMES}
        count = len(rows)

        def numbers(name: str, dtype: Any, missing: float = -1) -> np.ndarray:
            return np.array([missing if v is None else v for v in by_name[name]], dtype=dtype)

        out: dict[str, np.ndarray] = {
            "id": numbers("id", np.int64),
            "alive": np.array([s == JobStatus.PUBLISHED for s in by_name["status"]], dtype=np.bool_),
            "published": numbers("published", np.float64, np.nan),
            "proposal_deadline": numbers("proposal_deadline", np.int32, 0),
            "deadline": numbers("deadline", np.int32, 0),
            "needed": numbers("hours", np.int32, 0) * 60,
            "interruptible": np.array([bool(v) for v in by_name["interruptible"]], dtype=np.bool_),
            "style": np.array([STYLE.get(v, 2) for v in by_name["style"]], dtype=np.int8),
            "modes": numbers("modes", np.int8, 0),
            "beginner": np.array([bool(v) for v in by_name["beginner"]], dtype=np.bool_),
            "notes": np.array([bool(v) for v in by_name["notes"]], dtype=np.bool_),
            "low": numbers("low", np.int32),
            "high": numbers("high", np.int32),
            "client": numbers("client", np.int64),
            "category": numbers("category", np.int32),
            "hourly": np.array([v == PayType.HOURLY for v in by_name["pay_type"]], dtype=np.bool_),
            "onsite": np.array([_code(v) for v in by_name["onsite"]], dtype=np.int8),
            "verified_only": np.array([bool(v) for v in by_name["verified_only"]], dtype=np.bool_),
        }
        low, high = out["low"], out["high"]
        # Pay.middle: ((low or high) + (high or low)) // 2, None when both are missing.
        # Pay.middle: ((low or high or 0) + (high or low or 0)) // 2 — a 0 counts as missing there — and None
        # only when both are missing (−1 here).
        zero = np.zeros_like(low)
        lo = np.where(low > 0, low, np.where(high > 0, high, zero)).astype(np.int64)
        hi = np.where(high > 0, high, np.where(low > 0, low, zero)).astype(np.int64)
        out["middle"] = np.where((low < 0) & (high < 0), -1, (lo + hi) // 2).astype(np.int32)
        out["comfort"] = out["needed"].astype(np.float64) * COMFORT_RATIO
        published = out["published"]
        # 2 ms below: SQLite's julianday() keeps milliseconds (and a little float error), so the bound of the
        # newest place must not pass the real −timestamp.
        out["newest"] = np.where(np.isnan(published), 0.0, -published - NEWEST_SLACK)
        out["fresh_from"] = np.where(np.isnan(published), -np.inf, published)
        middle = out["middle"]
        out["middle_f"] = np.where(middle >= 0, middle, np.nan)
        out["top_f"] = np.where(high >= 0, high, out["middle_f"])
        calls = out["style"] == STYLE[MeetingStyle.SCHEDULED_CALLS]
        modes = out["modes"]
        out["calls_voice"] = calls & ((modes == 0) | ((modes & VOICE) != 0))
        out["calls_video"] = calls & ((modes == 0) | ((modes & VIDEO) != 0))
        blocks = [v or 0 for v in by_name["block"]]
        out["key"] = np.array(
            [
                self._key(d, b, bool(i))
                for d, b, i in zip(by_name["deadline"], blocks, by_name["interruptible"], strict=True)
            ],
            dtype=np.int32,
        )
        skills: list[list[str]] = []
        for raw in by_name["skills"]:
            listed = json.loads(raw) if isinstance(raw, str) else (raw or [])
            skills.append([normalise(s) for s in listed if isinstance(s, str) and s.strip()])
        titles = [normalise(t or "") for t in by_name["title"]]
        assert all(len(v) == count for v in out.values())
        return out, skills, titles

    def load(self, alive: Callable[[], None] | None = None) -> None:
        """Read every published job (`alive`, if given, is called between chunks: gunicorn's notify)."""
        recent: set[int] = set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq, nonce FROM matching_jobchange ORDER BY seq DESC LIMIT 1")
            anchor = cursor.fetchone()
            if anchor and connection.vendor == "postgresql":
                # Numbers below the anchor not yet committed when it was read: asked for again like gaps.
                cursor.execute(
                    "SELECT seq FROM matching_jobchange WHERE seq > %s", [anchor[0] - LOAD_GAP_WINDOW]
                )
                recent = {row[0] for row in cursor.fetchall()}
            cursor.execute(_rows_sql("status = %s"), [JobStatus.PUBLISHED])
            rows: list[tuple[Any, ...]] = []
            while chunk := cursor.fetchmany(LOAD_CHUNK):
                rows += chunk
                if alive is not None:
                    alive()
        self.keys, self.key_index = [], {}
        converted, skills, titles = self._converted(rows)
        self.n = len(rows)
        self.titles = "\x00".join(titles)
        self.title_starts = np.cumsum([0, *(len(t) + 1 for t in titles[:-1])]) if titles else np.empty(0)
        self.titles_since, self.named, self.named_added = {}, {}, defaultdict(list)
        self.cols = converted
        pairs: dict[str, list[int]] = defaultdict(list)
        for position, names in enumerate(skills):
            for name in names:
                pairs[name].append(position)
        self.skill_rows = {name: np.array(rows_, dtype=np.int64) for name, rows_ in pairs.items()}
        self.skill_added = defaultdict(list)
        for name in self.skill_rows:  # the skills jobs ask for: most workers' skills are among them
            self.named_in_title(name)
        self.last_seq, self.last_nonce = (anchor[0], anchor[1]) if anchor else (0, None)
        self.gaps = {}
        if anchor and connection.vendor == "postgresql":
            self._note_gaps(range(max(1, anchor[0] - LOAD_GAP_WINDOW + 1), anchor[0]), recent, time.time())
        self._table_rows = -1

    def _grow(self, extra: int) -> None:
        capacity = len(self.cols["id"])
        if self.n + extra <= capacity:
            return
        size = max(self.n + extra, capacity * 2, 1024)
        for name, array in self.cols.items():
            grown = np.zeros(size, dtype=array.dtype)
            grown[: self.n] = array[: self.n]
            self.cols[name] = grown

    def apply(self, job_ids: set[int]) -> None:
        """Re-read these jobs: a job kept gets its new values (or is no longer alive), another is added at
        the end (rows are in no particular order: `positions` maps ids)."""
        rows: list[tuple[Any, ...]] = []
        ordered = sorted(job_ids)
        with connection.cursor() as cursor:
            for start in range(0, len(ordered), 500):
                piece = ordered[start : start + 500]
                marks = ", ".join(["%s"] * len(piece))
                cursor.execute(_rows_sql(f"id IN ({marks})"), piece)
                rows += cursor.fetchall()
        converted, skills, titles = self._converted(rows)
        found = {int(i): k for k, i in enumerate(converted["id"])}
        at = self.positions(ordered)
        kept = {int(self.cols["id"][p]): int(p) for p in at}
        new = [i for i in ordered if i in found and i not in kept]
        # Gone (deleted): no longer alive.
        for job_id, position in kept.items():
            if job_id not in found:
                self.cols["alive"][position] = False
        self._grow(len(new))
        for job_id in ordered:
            k = found.get(job_id)
            if k is None:
                continue
            if job_id in kept:
                position = kept[job_id]
            else:
                position = self.n
                self.n += 1
            for name, array in converted.items():
                self.cols[name][position] = array[k]
            for name in skills[k]:
                # Never removed: a skill a job no longer asks for only loosens its bound.
                self.skill_added[name].append(position)
            self.titles_since[position] = titles[k]
            for name in self.named:
                if name in titles[k]:
                    self.named_added[name].append(position)

    def _note_gaps(self, numbers: range, seen: set[int], now: float) -> None:
        """Numbers in `numbers` not seen: a transaction that took one may still commit (PostgreSQL hands
        numbers out at insert, and transactions commit in any order)."""
        for seq in numbers:
            if seq not in seen:
                self.gaps.setdefault(seq, now)

    def refresh(self) -> None:
        """Apply the change rows written since the last call (see the module docstring)."""
        now = time.time()
        with connection.cursor() as cursor:
            if self.last_seq:
                cursor.execute("SELECT nonce FROM matching_jobchange WHERE seq = %s", [self.last_seq])
                row = cursor.fetchone()
                if row is None or row[0] != self.last_nonce:
                    self.load()
                    return
            self.gaps = {seq: seen for seq, seen in self.gaps.items() if now - seen < GAP_SECONDS}
            if self.gaps:
                # The rows between the lowest and highest number skipped (few: the ones that did commit in
                # between, read again and dropped below), not a list of every number skipped.
                cursor.execute(
                    "SELECT seq, job_id, nonce FROM matching_jobchange WHERE seq > %s OR seq BETWEEN %s AND %s",
                    [self.last_seq, min(self.gaps), max(self.gaps)],
                )
                changes = [c for c in cursor.fetchall() if c[0] > self.last_seq or c[0] in self.gaps]
            else:
                cursor.execute(
                    "SELECT seq, job_id, nonce FROM matching_jobchange WHERE seq > %s", [self.last_seq]
                )
                changes = cursor.fetchall()
        if not changes:
            return
        seqs = {seq for seq, _job, _nonce in changes}
        for seq in list(self.gaps):
            if seq in seqs:
                del self.gaps[seq]
        top_seq, _top_job, top_nonce = max(changes)
        if connection.vendor == "postgresql":
            self._note_gaps(range(self.last_seq + 1, top_seq), seqs, now)
        self.apply({job for _seq, job, _nonce in changes})
        if top_seq > self.last_seq:
            self.last_seq, self.last_nonce = top_seq, top_nonce


_STORES: dict[tuple[str, str], Store] = {}
_LOCK = threading.Lock()


def store() -> Store:
    """This process's columns for the database in use, brought up to date."""
    with locked() as found:
        return found


@contextmanager
def locked() -> Iterator[Store]:
    """This process's columns, brought up to date, held while the caller works them out: another thread
    (runserver's) must not refresh them half-way. Nothing inside may wait on the network but the refresh."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    with _LOCK:
        found = _STORES.get(key)
        if found is None:
            found = _STORES[key] = Store()
            found.load()
        else:
            found.refresh()
        yield found


# From this many jobs on (by the highest id: one index probe) 「あなたにできる仕事」 is ranked from these columns,
# on both databases; below it the database's sorted statement costs less than keeping them.
IN_MEMORY_FROM = 30_000


def in_use() -> bool:
    highest = Job.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (highest or 0) >= IN_MEMORY_FROM


def warm(alive: Callable[[], None] | None = None) -> None:
    """Load this process's columns now if the site is large enough to use them (gunicorn's
    post_worker_init; `alive` tells the arbiter the worker lives while it loads, so a load longer than
    its timeout is not killed and started again). A database that cannot be read yet (not migrated) is
    left for the first request."""
    from django.db import DatabaseError, connections

    try:
        if in_use():
            key = (connection.alias, str(connection.settings_dict.get("NAME")))
            with _LOCK:
                if key not in _STORES:
                    loaded = Store()
                    loaded.load(alive)
                    _STORES[key] = loaded
    except DatabaseError:
        pass
    except Exception:  # a warm-up must never stop a worker: the first request loads (and fails loudly)
        logger.exception("matching.columns: warm-up failed")
    finally:
        connections.close_all()


def forget() -> None:
    """Drop every process copy (tests)."""
    with _LOCK:
        _STORES.clear()

"""Bounds for every published job at once, from the columns in memory (`columns.py`), and the jobs in
bound order for the threshold stop of `selectors.recommendations_for`.

For each job left by the list's rules and the filters this module can read from the columns:
- **tier** — exact from what the columns hold: deadline passed, a call mode she does not take (or
  「打ち合わせなし」), and her usable time by the deadline (`feasibility.usable_minutes`, worked out once per
  (deadline, shortest block, interruptible) — a few hundred keys for a million jobs) against the effort,
  with the same comparisons as `feasibility.assess`. What the columns do not hold — whether each scheduled
  call falls inside her windows — can only make a job worse, so this is a lower bound; 「それでもできる」 is 0.
- **score** — the very terms of `ranking.rank_one`, each exact except skill (1 for a job that asks for one of
  her skills, else 0.5 when she has skills: her skill may be named in its title or category) and
  reputation (exact for clients whose record is known, else 1), plus a margin for `rank_one`'s rounding.

Jobs are handed out best bound first — (tier, −score, newest, id), the order of `ranking.order_key` — in
growing pieces, each piece chosen with `argpartition` (linear) rather than sorting a million rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import get_language

from hataraku.core import clock, prefectures
from hataraku.core.clock import TOKYO
from hataraku.jobs.constants import MeetingStyle, PayType
from hataraku.jobs.labels import category_label
from hataraku.jobs.models import Category
from hataraku.jobs.selectors import ONSITE_REMOTE, JobFilters

from .columns import STYLE, Store
from .constants import Order
from .feasibility import WorkerCalendar, WorkerTime, usable_minutes_many
from .ranking import (
    ACCESSIBLE_WEIGHT,
    BEGINNER_WEIGHT,
    FRESH_DAYS,
    FRESHNESS_WEIGHT,
    PAY_WEIGHT,
    REPUTATION_WEIGHT,
    SKILL_WEIGHT,
    STALE_DAYS,
    WorkerFacts,
    normalise,
)

# rank_one rounds its score to 4 places: a bound this much above the sum is never below the rounded score.
MARGIN = 2e-4
# Filters the columns answer exactly; with any other filter on, the columns keep a superset (the database
# has the last word on every job shown) and counts of jobs left out are not exact.
EXACT_FILTERS = frozenset(
    {
        "q",
        "category",
        "pay_type",
        "beginner_welcome",
        "no_meetings",
        "text_only",
        "interruptible",
        "accessible_materials",
        "deadline_from",
        "deadline_to",
        "prefecture",
        "min_wage",
    }
)


@dataclass
class Rules:
    """What the job list's rules and filters say for this request, in the columns' terms."""

    worker_id: int
    verified: bool
    hidden_clients: list[int]
    not_interested: list[int]
    can_do: list[int]
    filters: JobFilters
    category_ids: list[int] | None  # the category filter's ids (leaf and children), None: no filter
    floor_amount: int | None  # the min-wage filter's amount
    keyword_ids: np.ndarray | None  # every job matching the keyword (None: no keyword)
    keyword_exact: bool = True  # False: `keyword_ids` is a superset (each job shown is asked again)


def _member(values: np.ndarray, wanted: list[int]) -> np.ndarray:
    """`np.isin` for small non-negative ids (categories): one lookup per row in a table of flags."""
    if not wanted:
        return np.zeros(len(values), dtype=np.bool_)
    top = max(wanted)
    table = np.zeros(top + 2, dtype=np.bool_)
    table[wanted] = True
    return table[np.clip(values, 0, top + 1)]


class View:
    """The columns of every kept job, or of a few gathered once (a keyword's matches): the bounds are worked
    out over this many rows only."""

    def __init__(self, store: Store, at: np.ndarray | None = None) -> None:
        self.store, self.at = store, at
        self.n = store.n if at is None else len(at)
        self._gathered: dict[str, np.ndarray] = {}
        self._inverse: np.ndarray | None = None

    def col(self, name: str) -> np.ndarray:
        if self.at is None:
            return self.store.col(name)
        found = self._gathered.get(name)
        if found is None:
            found = self._gathered[name] = self.store.cols[name][self.at]
        return found

    def local(self, positions: np.ndarray) -> np.ndarray:
        """These store positions as indexes of this view (those outside it left out)."""
        if self.at is None or not len(positions):
            return positions
        if self._inverse is None:
            self._inverse = np.full(self.store.n, -1, dtype=np.int64)
            self._inverse[self.at] = np.arange(len(self.at), dtype=np.int64)
        found = self._inverse[positions]
        return found[found >= 0]

    def positions(self, ids: Any) -> np.ndarray:
        return self.local(self.store.positions(ids))


def _mask(view: View, rules: Rules) -> tuple[np.ndarray, bool]:
    """Positions the list's rules and filters allow, and whether that is exactly the database's list."""
    f = rules.filters
    # The job list's own rule, on its own clock (jobs.selectors._job_list), whatever `now` ranks with.
    mask = view.col("alive") & (view.col("proposal_deadline") >= clock.today().toordinal())
    mask &= view.col("client") != rules.worker_id
    if not rules.verified:
        mask &= ~view.col("verified_only")
    if rules.hidden_clients:
        mask &= ~np.isin(view.col("client"), rules.hidden_clients)
    style = view.col("style")
    if f.category:
        mask &= _member(view.col("category"), rules.category_ids or [])
    if f.pay_type in PayType.values:
        mask &= view.col("hourly") == (f.pay_type == PayType.HOURLY)
    if f.beginner_welcome:
        mask &= view.col("beginner")
    if f.no_meetings:
        mask &= style == STYLE[MeetingStyle.NONE]
    if f.text_only:
        mask &= style != STYLE[MeetingStyle.SCHEDULED_CALLS]
    if f.interruptible:
        mask &= view.col("interruptible")
    if f.accessible_materials:
        mask &= view.col("notes")
    if f.deadline_from is not None:
        mask &= view.col("deadline") >= f.deadline_from.toordinal()
    if f.deadline_to is not None:
        mask &= view.col("deadline") <= f.deadline_to.toordinal()
    if f.prefecture == ONSITE_REMOTE:
        mask &= view.col("onsite") == 0
    elif f.prefecture:
        code = int(f.prefecture) if f.prefecture in prefectures.BY_CODE else -1
        mask &= view.col("onsite") == code
    if f.min_wage and rules.floor_amount is not None:
        low, high = view.col("low"), view.col("high")
        mask &= (low >= rules.floor_amount) | ((low < 0) & (high >= rules.floor_amount))
    if rules.not_interested:
        mask[view.positions(rules.not_interested)] = False
    exact = rules.keyword_exact
    for name, value in vars(f).items():
        if name not in EXACT_FILTERS and value not in (None, False, ""):
            exact = False
    return mask, exact


def _tiers(
    view: View, rules: Rules, time: WorkerTime, calendar: WorkerCalendar, today: dt.date
) -> np.ndarray:
    """The tier lower bound of every kept job (0 できる, 1 ぎりぎり, 2 できない)."""
    worker_block = time.min_block_minutes or 0
    store_keys = view.store.keys
    # Only the keys of the jobs in view (all of them without a keyword; a keyword's matches share a few).
    if view.at is None:
        wanted: Any = range(len(store_keys))
    else:
        present = np.zeros(len(store_keys), dtype=np.bool_)
        present[view.col("key")] = True
        wanted = np.flatnonzero(present).tolist()
    available = np.full(len(store_keys), -1.0)
    usable = usable_minutes_many(
        calendar,
        [
            (dt.date.fromordinal(store_keys[k][0]), max(store_keys[k][1], worker_block, 1), store_keys[k][2])
            for k in wanted
        ],
    )
    for k, minutes in zip(wanted, usable, strict=True):
        # A deadline already passed stays −1: できない whatever the effort.
        if store_keys[k][0] >= today.toordinal():
            available[k] = minutes
    have = available[view.col("key")]
    # assess: available < needed × COMFORT_RATIO is not できる; available < needed is できない.
    tier = (have < view.col("comfort")).view(np.int8) + (have < view.col("needed"))
    if time.no_meetings:
        tier[view.col("style") == STYLE[MeetingStyle.SCHEDULED_CALLS]] = 2
    else:
        joinable = np.zeros(view.n, dtype=np.bool_)
        if time.accepts_voice:
            joinable |= view.col("calls_voice")
        if time.accepts_video:
            joinable |= view.col("calls_video")
        blocked = (view.col("style") == STYLE[MeetingStyle.SCHEDULED_CALLS]) & ~joinable
        tier[blocked] = 2
    # Work on site (feasibility._onsite_problem): elsewhere than where she lives is できない; when she has not
    # said where she lives, at best ぎりぎり.
    onsite = view.col("onsite")
    if time.prefecture.isdigit():
        tier[(onsite != 0) & (onsite != int(time.prefecture))] = 2
    elif not time.prefecture:
        np.maximum(tier, (onsite != 0).view(np.int8), out=tier)
    if rules.can_do:
        tier[view.positions(rules.can_do)] = 0
    return tier


def _scores(
    view: View,
    facts: WorkerFacts,
    reputed: dict[int, float] | None,
    now: dt.datetime,
    skill_categories: dict[str, list[int]] | None = None,
) -> np.ndarray:
    """An upper bound of `rank_one`'s score for every kept job."""
    constant = MARGIN
    pay = np.zeros(view.n)
    if facts.floor is not None:
        floor = float(facts.floor.amount)
        pay = view.col("middle_f") * (1.0 / floor) - 1.0
        np.clip(pay, -1.0, 1.0, out=pay)
        pay[view.col("top_f") < floor] = -1.0
        pay[np.isnan(pay)] = 0.0  # no figure
    # freshness: 1 for FRESH_DAYS, then down to 0 at STALE_DAYS: (STALE_DAYS − days) / (STALE − FRESH), in [0, 1]
    span = (STALE_DAYS - FRESH_DAYS) * 86400.0
    fresh = view.col("fresh_from") * (1.0 / span) + (STALE_DAYS * 86400.0 - now.timestamp()) / span
    np.clip(fresh, 0.0, 1.0, out=fresh)
    score = pay
    score *= PAY_WEIGHT
    score += FRESHNESS_WEIGHT * fresh
    if facts.beginner:
        score += BEGINNER_WEIGHT * view.col("beginner")
    if facts.needs_accessible_materials:
        score += ACCESSIBLE_WEIGHT * view.col("notes")
    if reputed is None:
        constant += REPUTATION_WEIGHT * 1.0
    else:
        constant += REPUTATION_WEIGHT * 0.5
        if reputed:
            ids = np.array(sorted(reputed), dtype=np.int64)
            extra = np.array([reputed[i] - 0.5 for i in ids.tolist()])
            clients = view.col("client")
            where = np.minimum(np.searchsorted(ids, clients), len(ids) - 1)
            hit = ids[where] == clients
            score[hit] += REPUTATION_WEIGHT * extra[where[hit]]
    if facts.skills:
        score += SKILL_WEIGHT * _skill_bound(view, facts, skill_categories or {})
    score += constant
    return score


def _skill_bound(view: View, facts: WorkerFacts, categories: dict[str, list[int]]) -> np.ndarray:
    """`ranking._skills` from above: 1 for a job that asks for one of her skills; 0.5 where one is named in
    its title or its category's name; else 0. A skill with a space may run from the title into the
    category text (the card's text is 「title category」): such a job must hold each space-free part of it
    in its title or its category. Exact but for those and for titles edited since the load."""
    bound = np.zeros(view.n)
    for skill in _skills(facts.skills):
        named = np.ones(view.n, dtype=np.bool_)
        for part in skill.split():
            here = _member(view.col("category"), categories.get(part, []))
            here[view.local(view.store.named_in_title(part))] = True
            named &= here
        bound[named] = 0.5
    for skill in _skills(facts.skills):
        bound[view.local(view.store.skill_positions(skill))] = 1.0
    return bound


def _skills(skills: tuple[str, ...] | list[str]) -> list[str]:
    return [normalise(s) for s in skills if s.strip()]


def categories_naming(skills: tuple[str, ...] | list[str]) -> dict[str, list[int]]:
    """For each space-free part of these skills (normalised), the ids of the categories whose text on a
    card (「親 / 子」, in the reader's language, as rows.needs_and_facts writes it) holds it. The names are
    read each time (a rename shows at once); each name's normalised text is worked out once per language."""
    parts = {part for skill in _skills(skills) for part in skill.split()}
    if not parts:
        return {}
    language = get_language() or ""
    found: dict[str, list[int]] = {part: [] for part in parts}
    for pk, name, parent in Category.objects.values_list("pk", "name", "parent__name"):
        key = (language, name, parent)
        text = _CATEGORY_TEXT.get(key)
        if text is None:
            label = f"{category_label(parent)} / {category_label(name)}" if parent else category_label(name)
            text = _CATEGORY_TEXT[key] = normalise(label)
        for part in parts:
            if part in text:
                found[part].append(pk)
    return found


_CATEGORY_TEXT: dict[tuple[str, str, str | None], str] = {}


# How far apart the first place of the order key is spread in `Candidates.key` (more than the second
# place's range: a score is within ±20; newest is −seconds since 1970; a deadline is a day number; pay is yen).
SPREAD: dict[str, float] = {
    Order.RECOMMENDED: 100.0,
    Order.NEWEST: 1e11,
    Order.DEADLINE: 1e7,
    Order.PAY: 1e10,
}


def _order_value(view: View, order: str) -> np.ndarray:
    """The second place of `ranking.order_key` for the other orders (exact: the columns hold it)."""
    if order == Order.DEADLINE:
        return view.col("deadline").astype(np.float64)
    if order == Order.PAY:
        return -np.maximum(view.col("middle"), 0).astype(np.float64)  # −(Pay.middle or 0)
    return view.col("newest").copy()


class Candidates:
    """The allowed jobs in bound order, handed out in pieces (`take`)."""

    def __init__(
        self,
        store: Store,
        rules: Rules,
        *,
        facts: WorkerFacts,
        time: WorkerTime,
        calendar: WorkerCalendar,
        reputed: dict[int, float] | None,
        now: dt.datetime,
        show_all: bool,
        order: str = Order.RECOMMENDED,
        skill_categories: dict[str, list[int]] | None = None,
    ) -> None:
        today = now.astimezone(TOKYO).date()
        self.order = order
        at = None
        if rules.keyword_ids is not None:
            # A keyword: only its matches are worked out (gathered once), not every job.
            at = store.positions(rules.keyword_ids)
            if len(at) > 1 and not bool(np.all(at[1:] > at[:-1])):
                at = np.unique(at)  # the search index gives ids in order; sorted here if not
        view = self.view = View(store, at)
        mask, self.exact = _mask(view, rules)
        self.tier = _tiers(view, rules, time, calendar, today)
        # Jobs she certainly cannot do (counted, not read, unless she asked to see them).
        self.cannot = int(np.count_nonzero(mask & (self.tier == 2)))
        if not show_all:
            mask &= self.tier < 2
        # One number per job in the order's first places (ranking.order_key), the rest broken by (newest, id).
        if order == Order.RECOMMENDED:
            # (tier, −score): the tiers are 100 apart and a score is within ±20.
            self.second = -_scores(view, facts, reputed, now, skill_categories or {})
            self.first = self.tier
        else:
            # (feasible, the order's own value): a job she cannot do after every one she can.
            self.first = (self.tier == 2).view(np.int8)
            self.second = _order_value(view, order)
        self.key = self.first * SPREAD[order] + self.second
        self.key[~mask] = np.inf
        # Taken now: `take` runs after the columns are let go (another thread may grow them meanwhile).
        self.ids, self.newest = view.col("id"), view.col("newest")
        self.count = int(np.count_nonzero(mask))
        self.taken = 0
        self.prefix: np.ndarray = np.empty(0, dtype=np.int64)  # indexes of the view, in bound order

    def _smallest(self, want: int) -> np.ndarray:
        """Indexes of every job whose key is at most the `want`-th smallest (ties included): a prefix of
        the bound order whatever the ties. A strided sample guesses a cut-off first, so the exact
        partition runs over a few thousand keys instead of every job."""
        key = self.key
        if want >= self.count:
            return np.flatnonzero(np.isfinite(key))
        stride = max(1, len(key) // 8192)
        sample = key[::stride]
        share = min(1.0, 4.0 * want / self.count)
        at = min(len(sample) - 1, int(share * len(sample)) + 1)
        guess = np.partition(sample, at)[at]
        chosen = np.flatnonzero(key <= guess)
        if len(chosen) < want:
            chosen = np.flatnonzero(np.isfinite(key))
        kth = np.partition(key[chosen], want - 1)[want - 1]
        return chosen[key[chosen] <= kth]

    def take(self, count: int) -> list[tuple[tuple[float, ...], int]]:
        """The next `count` jobs as (bound key, job id), best first; [] when every one was handed out."""
        if self.taken >= len(self.prefix):
            if len(self.prefix) >= self.count:
                return []
            chosen = self._smallest(min(self.count, max(4 * len(self.prefix), 2 * count, 256)))
            ids = self.ids[chosen]
            order = np.lexsort((-ids, self.newest[chosen], self.key[chosen]))
            self.prefix = chosen[order]
        piece = self.prefix[self.taken : self.taken + count]
        self.taken += len(piece)
        firsts = self.first[piece].tolist()
        seconds = self.second[piece].tolist()
        newest = self.newest[piece].tolist()
        ids = self.ids[piece].tolist()
        if self.order == Order.NEWEST:  # order_key: (feasible, newest, −id)
            return [((a, c, -i), i) for a, c, i in zip(firsts, newest, ids, strict=True)]
        return [((a, b, c, -i), i) for a, b, c, i in zip(firsts, seconds, newest, ids, strict=True)]

"""What the database can say about one worker's jobs before any feasibility is worked out in Python:
bounds, computed in SQL from the job's columns and a few numbers of hers, that `selectors.recommendations_for`
orders the open jobs by, so it can stop reading once no job further down could still reach the page.

- `tier_lb`, a lower bound of the job's tier (0 できる or 「それでもできる」, 1 ぎりぎり, 2 できない): 2 when a
  scheduled call is certain to be in a mode she does not take, or the deadline has passed, or the job's
  effort is more than her *most* usable time by its deadline (`capacity`: her windows with the smallest
  block and interruptions allowed, which no job can beat), or the job has work on site in a prefecture
  other than the one she said she lives in; 1 when the effort is more than that time ÷ 1.25.
- `score_ub`, an upper bound of the ranking score (ranking.py): pay against her minimum wage, beginner fit,
  accessible materials exactly; freshness rounded up to the day; client reputation 1; skills 1 only for
  jobs that the search index finds for one of her skills (the index holds every job whose skills, title
  or category contain it — and more, which an upper bound allows).
Each bound is never on the wrong side of what Python would compute, so the list is the one a full
evaluation of every open job would give (tests/test_topk.py proves it on random data).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from django.db import connection
from django.db.models import Case, ExpressionWrapper, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest, Least, NullIf
from django.utils import translation

from hataraku.jobs import integrations
from hataraku.jobs.constants import MeetingStyle
from hataraku.jobs.models import Job

from .feasibility import COMFORT_RATIO, WorkerCalendar, WorkerTime, _usable_minutes
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
)

# Deadlines up to this many days ahead get their own capacity, then a step a week up to CAPACITY_DAYS;
# further away the capacity is not used (the bound is then "any effort").
DAILY_DAYS = 21
CAPACITY_DAYS = 120
FRESH_STEP = 3
# Jobs whose shortest block is at least one of these get a capacity of their own (largest first).
BLOCK_CLASSES = (120, 60)
# Rounding room: the score is rounded to 4 places in Python, the bound is a float sum in SQL.
EPSILON = 0.001


def capacity_steps(calendar: WorkerCalendar, today: dt.date, *, block: int = 1) -> list[tuple[dt.date, int]]:
    """(last date of a step, her most usable minutes by that date for a job needing at least `block`
    minutes at a time): for a deadline inside the step, no such job can have more usable time than this
    (usable time only grows with the deadline; with interruptions allowed it shrinks as the block grows,
    and a job without interruptions never gets more)."""
    block = max(calendar.worker.min_block_minutes or 0, block, 1)
    ends = [today + dt.timedelta(days=d) for d in range(DAILY_DAYS)]
    day = ends[-1]
    while (day - today).days < CAPACITY_DAYS:
        day += dt.timedelta(days=7)
        ends.append(day)
    steps: list[tuple[dt.date, int]] = []
    for end in ends:
        minutes = _usable_minutes(calendar, end, block, True)
        if steps and steps[-1][1] == minutes:
            steps[-1] = (end, minutes)  # the same bound: one step
        else:
            steps.append((end, minutes))
    return steps


def _column(name: str) -> str:
    ops = connection.ops
    return f"{ops.quote_name(Job._meta.db_table)}.{ops.quote_name(name)}"


Sql = tuple[str, list[object]]


def _first_true(column: str, op: str, steps: Sequence[tuple[object, Sql]], default: Sql) -> Sql:
    """SQL for "the value of the first step whose `column op threshold` holds, else `default`", where a step
    that holds means every later one holds too (thresholds in order): a balanced tree of CASEs, so each row
    costs about log2(steps) comparisons, not one per step."""
    if len(steps) == 1:
        ((threshold, (value, params)),) = steps
        return f"CASE WHEN {column} {op} %s THEN {value} ELSE {default[0]} END", [
            threshold,
            *params,
            *default[1],
        ]
    mid = (len(steps) - 1) // 2
    # Left of the middle, the middle itself holds: its value is the left part's default.
    left, left_params = _first_true(column, op, steps[: mid + 1], steps[mid][1])
    right, right_params = _first_true(column, op, steps[mid + 1 :], default)
    return f"CASE WHEN {column} {op} %s THEN {left} ELSE {right} END", [
        steps[mid][0],
        *left_params,
        *right_params,
    ]


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _literal(sql: str, params: Sequence[object]) -> str:
    """`sql` with its parameters written in as constants. Only our own numbers and dates (never anything a
    person typed): with hundreds of bound parameters SQLite plans the statement again at every run
    (30 ms at 100 k jobs for a 40-row read), with constants it keeps the prepared one."""
    values: list[str] = []
    for value in params:
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise TypeError(value)
        if isinstance(value, str):
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            values.append(f"'{value}'")
        else:
            values.append(repr(value))
    return sql.replace("%", "%%").replace("%%s", "%s") % tuple(values)


def _value(value: object) -> Sql:
    return "%s", [value]


# The long CASEs are written as SQL text: Django's expression compiler takes longer to build ~40 WHENs
# than the database takes to run them (a third of a request at 10 k jobs).
def _tier_by_time(calendar: WorkerCalendar, today: dt.date) -> RawSQL:
    """0/1/2 from her most usable time by the job's deadline against its effort (× 1.25 for できる), with
    that time worked out for the job's class: its shortest block at least 0, 60 or 120 minutes (a job's
    own block is at least its class's, so its usable time is at most the class's)."""
    adapt = connection.ops.adapt_datefield_value
    hours, deadline, block = _column("estimated_hours"), _column("deadline"), _column("min_block_minutes")
    comfortable = round(60 * COMFORT_RATIO)

    def tier(minutes: int) -> Sql:
        return (
            f"CASE WHEN {hours} * 60 > %s THEN 2 WHEN {hours} * {comfortable} > %s THEN 1 ELSE 0 END",
            [minutes, minutes],
        )

    def by_deadline(least_block: int) -> Sql:
        # Interruptions allowed even for a job that allows none: a whole block of B minutes or more
        # counts fully here and at most that in the job's own count, so this stays a bound (the
        # job's own count is not monotone in B: 100 free minutes give 90 in 90-minute blocks, 60 in 60s).
        steps = capacity_steps(calendar, today, block=least_block)
        return _first_true(deadline, "<=", [(adapt(end), tier(m)) for end, m in steps], _value(0))

    parts, params = [], []
    for least in BLOCK_CLASSES:
        part, part_params = by_deadline(least)
        parts.append(f"WHEN {block} >= %s THEN {part}")
        params += [least, *part_params]
    base, base_params = by_deadline(1)
    sql = f"CASE {' '.join(parts)} ELSE {base}"
    params += base_params
    return RawSQL(_literal(sql + " END", params), [], output_field=IntegerField())  # noqa: S611


def _call_mode_refused(worker: WorkerTime) -> Q | None:
    """Jobs whose calls she is certain not to take (feasibility._call_mode_problem), or None."""
    calls = Q(meeting_style=MeetingStyle.SCHEDULED_CALLS)
    if worker.no_meetings or not (worker.accepts_voice or worker.accepts_video):
        return calls
    if worker.accepts_voice and worker.accepts_video:
        return None
    # Only the exact one-mode lists are certain; anything else is left to Python (a lower bound may be low).
    other = "video" if worker.accepts_voice else "voice"
    return calls & Q(call_modes=[other])


def with_tier_bound(
    qs: QuerySet[Job], *, calendar: WorkerCalendar, today: dt.date, can_do: list[int]
) -> QuerySet[Job]:
    whens = []
    if can_do:
        whens.append(When(pk__in=can_do, then=Value(0)))
    refused = _call_mode_refused(calendar.worker)
    if refused is not None:
        whens.append(When(refused, then=Value(2)))
    whens.append(When(deadline__lt=today, then=Value(2)))
    if calendar.worker.prefecture:
        # Work on site elsewhere (feasibility._onsite_problem). Without her prefecture the job is at most
        # ぎりぎり, but 0 stays a lower bound: nothing is added then.
        away = ~Q(onsite_prefecture="") & ~Q(onsite_prefecture=calendar.worker.prefecture)
        whens.append(When(away, then=Value(2)))
    return qs.annotate(
        tier_lb=Case(*whens, default=_tier_by_time(calendar, today), output_field=IntegerField())
    )


def pay_middle() -> Coalesce:
    """`Pay.middle` in SQL (0 without a figure), from the generated 時給換算 columns. As in Python
    (`low or high`), a 0 counts as missing."""
    low = NullIf(F("effective_hourly_min"), Value(0))
    high = NullIf(F("effective_hourly_max"), Value(0))
    return Coalesce(
        (Coalesce(low, high, Value(0)) + Coalesce(high, low, Value(0))) / 2,
        Value(0),
        output_field=IntegerField(),
    )


def _skill_jobs(skills: Sequence[str]) -> Q | None:
    """Jobs that may match one of her skills (ranking._skills), or None when every job may."""
    if not translation.get_language() or not translation.get_language().startswith("ja"):
        return None  # category names are compared in the reader's language; the index holds Japanese
    found = Q()
    for skill in skills:
        if not skill.strip():
            continue
        narrowed = integrations.keyword_filter(Job.objects.all(), skill)
        if narrowed is None:
            return None
        found |= Q(pk__in=narrowed.values("pk"))
    return found


def with_score_bound(qs: QuerySet[Job], *, facts: WorkerFacts, now: dt.datetime) -> QuerySet[Job]:
    parts: list[object] = [Value(REPUTATION_WEIGHT)]
    skill = _skill_jobs(facts.skills) if facts.skills else Q(pk__in=[])
    if skill is None:
        parts.append(Value(SKILL_WEIGHT))
    else:
        parts.append(Case(When(skill, then=Value(SKILL_WEIGHT)), default=Value(0.0)))
    if facts.floor is not None:
        ratio = pay_middle() * 1.0 / facts.floor.amount - 1.0
        pay = Case(
            When(effective_hourly_min__isnull=True, effective_hourly_max__isnull=True, then=Value(0.0)),
            default=Least(Value(1.0), Greatest(Value(-1.0), ratio)),
            output_field=FloatField(),
        )
        parts.append(pay * PAY_WEIGHT)
    if facts.beginner:
        parts.append(Case(When(beginner_welcome=True, then=Value(BEGINNER_WEIGHT)), default=Value(0.0)))
    if facts.needs_accessible_materials:
        parts.append(
            Case(When(~Q(accessibility_notes=""), then=Value(ACCESSIBLE_WEIGHT)), default=Value(0.0))
        )
    # Freshness is 1 for FRESH_DAYS, then falls linearly to 0 at STALE_DAYS: bounded per whole day.
    # (In steps of FRESH_STEP days: a job published within FRESH_DAYS + k steps is at least (k-1) steps old.)
    span = STALE_DAYS - FRESH_DAYS
    column, adapt = _column("published_at"), connection.ops.adapt_datetimefield_value
    fresh: list[tuple[dt.datetime, float]] = [(now - dt.timedelta(days=FRESH_DAYS), FRESHNESS_WEIGHT)]
    for k in range(1, span // FRESH_STEP + 2):
        since = now - dt.timedelta(days=FRESH_DAYS + k * FRESH_STEP)
        fresh.append((since, FRESHNESS_WEIGHT * max(0.0, 1 - (k - 1) * FRESH_STEP / span)))
    steps = [(adapt(since), _value(weight)) for since, weight in fresh]
    sql, params = _first_true(column, ">=", steps, _value(0.0))
    parts.append(RawSQL(sql, params, output_field=FloatField()))  # noqa: S611
    total = Value(EPSILON)
    for part in parts:
        total = total + part  # type: ignore[assignment,operator]
    return qs.annotate(score_ub=ExpressionWrapper(total, output_field=FloatField()))

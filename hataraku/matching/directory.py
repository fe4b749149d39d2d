"""The client's worker directory ranked for one of her open jobs (issue 11 item 6).

Fit is the same two things a worker's own list weighs first — whether her time fits the job
(`feasibility.assess`, the very code that ranks jobs for her) and how many of the job's skills she lists —
and nothing else. A client sees only the coarse verdict, never what it is made of: no windows, no dates off,
no reasons, nothing from the special-care or accessibility data (which are not even read here).

Who is never ranked: a worker who left the directory, one who hides her availability summary (a verdict
about her time would reveal what she chose to hide), one who hid this client's jobs or stopped his
messages, and the client herself.

A job with work on site: a worker whose profile names another prefecture does not fit in time (the same rule
as her own list, `feasibility.lives_elsewhere`), and her card says so in place of the time words (the
prefecture is on her card already); one who named none is at most 「ぎりぎり」.

Order: score = SKILL_WEIGHT × share of the job's skills she lists + TIME_WEIGHT × time fit (1 fits, 0.5
tight, 0 does not), then verified first, then the directory's own order (newest profile). A job that names
no skills ranks by time alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.jobs.models import Job, JobMeeting
from hataraku.profiles import selectors as profile_selectors
from hataraku.profiles.selectors import DirectoryRow

from .feasibility import Call, Slot, Verdict, WorkerTime, assess, lives_elsewhere
from .ranking import normalise
from .selectors import committed_hours_many, job_needs

SKILL_WEIGHT = 2.0
TIME_WEIGHT = 1.0
# Candidates read from the directory before ranking; the page shows the best DIRECTORY_LIMIT.
CANDIDATES = 200
TIME_POINTS = {Verdict.CAN: 1.0, Verdict.TIGHT: 0.5, Verdict.CANNOT: 0.0}


@dataclass(frozen=True)
class WorkerFit:
    row: DirectoryRow
    matched: int
    wanted: int
    verdict: Verdict | None  # None: she has not registered any time yet
    score: float
    away: bool = False  # the job has work on site in a prefecture other than hers

    @property
    def why(self) -> list[str]:
        """Short words for the card: only counts and the coarse verdict."""
        words = []
        if self.wanted:
            words.append(_("スキル一致: %(n)s/%(of)s") % {"n": self.matched, "of": self.wanted})
        if self.away:
            words.append(_("現地での作業がある都道府県と、お住まいの地域が違います"))
        elif self.verdict is None:
            words.append(_("働ける時間がまだ登録されていません"))
        else:
            words.append(str(TIME_WORDS[self.verdict]))
        return words


TIME_WORDS = {
    Verdict.CAN: gettext_lazy("締切までの時間に合う"),
    Verdict.TIGHT: gettext_lazy("締切までの時間にぎりぎり合う"),
    Verdict.CANNOT: gettext_lazy("締切までの時間が足りないかもしれません"),
}


def skill_match(
    worker_skills: list[str] | tuple[str, ...], job_skills: list[str] | tuple[str, ...]
) -> tuple[int, int]:
    """(how many of the job's skills she lists, how many the job names), NFKC- and case-insensitive."""
    wanted = {normalise(s) for s in job_skills if s.strip()}
    have = {normalise(s) for s in worker_skills if s.strip()}
    return len(wanted & have), len(wanted)


def _worker_times(ids: set[int], *, today: dt.date) -> dict[int, WorkerTime]:
    """`selectors.worker_time` for many workers: the same fields, in four queries whatever their number."""
    facts = profile_selectors.time_facts_many(ids, from_date=today)
    committed = committed_hours_many(ids, today=today)
    times = {}
    for uid, f in facts.items():
        c = f.conditions
        times[uid] = WorkerTime(
            windows=tuple(Slot(w.weekday, w.start, w.end) for w in f.windows),
            days_off=f.days_off,
            max_hours_per_week=c.max_hours_per_week if c else None,
            committed_hours_per_week=committed[uid],
            min_block_minutes=c.min_block_minutes if c else None,
            accepts_voice=bool(c and c.accepts_voice),
            accepts_video=bool(c and c.accepts_video),
            no_meetings=bool(c and c.no_meetings),
        )
    return times


def ranked_workers(
    *,
    job: Job,
    client: User,
    skill: str = "",
    prefecture: str = "",
    band: str = "",
    verified_only: bool = False,
    now: dt.datetime | None = None,
) -> list[WorkerFit]:
    """The directory (with the client's filters) ranked by fit for `job`, best first, at most
    DIRECTORY_LIMIT. The caller has checked that `job` is the client's own open job."""
    now = now or clock.now()
    today = now.astimezone(clock.TOKYO).date()
    rows = profile_selectors.worker_directory(
        skill=skill,
        prefecture=prefecture,
        band=band,
        verified_only=verified_only,
        client_id=client.pk,
        availability_shown_only=True,
        limit=CANDIDATES,
    )
    times = _worker_times({r.user.pk for r in rows}, today=today)
    calls = [Call(m.starts_at, m.minutes) for m in JobMeeting.objects.filter(job=job).order_by("starts_at")]
    needs = job_needs(job, calls)
    fits = []
    for position, row in enumerate(rows):
        matched, wanted = skill_match(row.profile.skills or [], job.skills or [])
        time = replace(times[row.user.pk], prefecture=row.profile.prefecture or "")
        verdict = assess(time, needs, now).verdict if time.windows else None
        away = lives_elsewhere(time, needs)
        share = matched / wanted if wanted else 0.0
        score = SKILL_WEIGHT * share + TIME_WEIGHT * (TIME_POINTS[verdict] if verdict and not away else 0.0)
        fit = WorkerFit(row, matched, wanted, verdict, score, away)
        fits.append((-score, not row.verified, position, fit))
    fits.sort(key=lambda t: t[:3])
    return [fit for *_key, fit in fits][: profile_selectors.DIRECTORY_LIMIT]

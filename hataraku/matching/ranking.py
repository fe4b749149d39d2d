"""「あなたにできる仕事」: the order and the words that explain it. Pure functions, no database.

Order: jobs she can do first (できる, or marked 「それでもできる」), then ぎりぎり, then (only when she asks to
see them) できない. Inside a tier, a score:

    3 × skill match + 2 × pay against her prefecture's minimum wage + 1 × client reputation
    + 1 × beginner fit + 0.5 × freshness + 0.5 × accessible materials (for a worker who reads by screen
    reader or magnification)

Each part that helps puts one plain sentence on the card, so the card says why it is there. The weights
are deliberately few and round: a worker (and a reviewer) can follow them, and the relevance set of issue
11 can tune them later without changing what the card says.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hataraku.core.wages import WageFloor
from hataraku.core.words import compose, theirs
from hataraku.jobs.pay import Pay

from .feasibility import Feasibility, Verdict

SKILL_WEIGHT = 3.0
PAY_WEIGHT = 2.0
REPUTATION_WEIGHT = 1.0
BEGINNER_WEIGHT = 1.0
FRESHNESS_WEIGHT = 0.5
ACCESSIBLE_WEIGHT = 0.5
FRESH_DAYS = 3
STALE_DAYS = 30


@dataclass(frozen=True)
class ClientRecord:
    on_time_payment_rate: float | None = None
    median_days_to_acceptance: float | None = None
    average_rating: float | None = None
    completed_contracts: int = 0


@dataclass(frozen=True)
class JobFacts:
    job_id: int
    skills: tuple[str, ...]
    text: str  # title and category, for skills named only there
    pay: Pay
    beginner_welcome: bool
    published_at: dt.datetime | None
    deadline: dt.date
    accessible_materials: bool = False


@dataclass(frozen=True)
class WorkerFacts:
    skills: tuple[str, ...]
    beginner: bool  # no completed contract yet
    floor: WageFloor | None
    needs_accessible_materials: bool = False


@dataclass(frozen=True)
class Ranked:
    job_id: int
    feasibility: Feasibility
    score: float
    why: tuple[str, ...]
    pay: Pay
    floor: WageFloor | None
    below_floor: bool

    @property
    def tier(self) -> int:
        if self.feasibility.overridden or self.feasibility.verdict == Verdict.CAN:
            return 0
        return 1 if self.feasibility.verdict == Verdict.TIGHT else 2


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _skills(worker: WorkerFacts, job: JobFacts, explain: bool = True) -> tuple[float, list[str]]:
    if not worker.skills:
        return 0.0, []
    wanted = {normalise(s): s for s in job.skills if s.strip()}
    text = normalise(job.text)
    listed = [s for s in worker.skills if normalise(s) in wanted]
    if listed:
        if not explain:
            return 1.0, []
        return 1.0, [
            compose(_("あなたのスキル(%(skills)s)を求めています"), {"skills": theirs("、".join(listed))})
        ]
    named = [s for s in worker.skills if s.strip() and normalise(s) in text]
    if named:
        if not explain:
            return 0.5, []
        return 0.5, [
            compose(_("あなたのスキル(%(skills)s)に近い仕事です"), {"skills": theirs("、".join(named))})
        ]
    return 0.0, []


def _pay(worker: WorkerFacts, job: JobFacts, explain: bool = True) -> tuple[float, list[str], bool]:
    floor, pay = worker.floor, job.pay
    if floor is None or pay.middle is None:
        return 0.0, [], False
    top = pay.high if pay.high is not None else pay.middle
    if top < floor.amount:
        if not explain:
            return -1.0, [], True
        return -1.0, [_("%(pay)s。%(floor)sを下回ります") % {"pay": pay.text(), "floor": floor.label()}], True
    ratio = pay.middle / floor.amount
    score = max(-1.0, min(1.0, ratio - 1.0))
    if explain and pay.low is not None and pay.low >= floor.amount:
        return score, [_("%(pay)s。%(floor)s以上です") % {"pay": pay.text(), "floor": floor.label()}], False
    return score, [], False


def _reputation(client: ClientRecord, explain: bool = True) -> tuple[float, list[str]]:
    parts: list[float] = []
    why: list[str] = []
    if client.on_time_payment_rate is not None:
        parts.append(client.on_time_payment_rate)
        if explain and client.on_time_payment_rate >= 0.9:
            why.append(
                _("検収が期日どおりのクライアントです(%(rate)s%%)")
                % {"rate": round(client.on_time_payment_rate * 100)}
            )
    if client.median_days_to_acceptance is not None:
        parts.append(max(0.0, min(1.0, (14 - client.median_days_to_acceptance) / 11)))
    if client.average_rating is not None:
        parts.append(client.average_rating / 5)
        if explain and client.average_rating >= 4:
            why.append(_("クライアントの評価 %(r)s") % {"r": client.average_rating})
    # A client with no record yet is neither rewarded nor punished.
    return (sum(parts) / len(parts) if parts else 0.5), why


def _freshness(job: JobFacts, now: dt.datetime, explain: bool = True) -> tuple[float, list[str]]:
    if job.published_at is None:
        return 0.0, []
    days = (now - job.published_at).total_seconds() / 86400
    if days <= FRESH_DAYS:
        return 1.0, [_("新着の仕事です")] if explain else []
    return max(0.0, 1 - (days - FRESH_DAYS) / (STALE_DAYS - FRESH_DAYS)), []


def rank_one(
    *,
    worker: WorkerFacts,
    job: JobFacts,
    client: ClientRecord,
    feasibility: Feasibility,
    now: dt.datetime,
    explain: bool = True,
) -> Ranked:
    """The job's score and, with `explain`, the sentences for its card (without: the same score and no
    words, for the many jobs a ranking only compares)."""
    skill, skill_why = _skills(worker, job, explain)
    pay, pay_why, below = _pay(worker, job, explain)
    reputation, reputation_why = _reputation(client, explain)
    beginner = 1.0 if (job.beginner_welcome and worker.beginner) else 0.0
    fresh, fresh_why = _freshness(job, now, explain)
    accessible = 1.0 if (worker.needs_accessible_materials and job.accessible_materials) else 0.0
    score = (
        SKILL_WEIGHT * skill
        + PAY_WEIGHT * pay
        + REPUTATION_WEIGHT * reputation
        + BEGINNER_WEIGHT * beginner
        + FRESHNESS_WEIGHT * fresh
        + ACCESSIBLE_WEIGHT * accessible
    )
    if not explain:
        return Ranked(job.job_id, feasibility, round(score, 4), (), job.pay, worker.floor, below)
    why = [*feasibility_why(feasibility), *skill_why, *pay_why, *reputation_why]
    if beginner:
        why.append(_("初心者歓迎です"))
    if accessible:
        why.append(_("資料のアクセシビリティに配慮があります"))
    why.extend(fresh_why)
    return Ranked(job.job_id, feasibility, round(score, 4), tuple(why), job.pay, worker.floor, below)


def feasibility_why(feasibility: Feasibility) -> list[str]:
    if feasibility.overridden:
        return [_("あなたが「それでもできる」と選んだ仕事です")]
    if feasibility.verdict == Verdict.CAN:
        return [_("あなたの時間帯で納期までに終えられます")]
    if feasibility.verdict == Verdict.TIGHT:
        return [_("あなたの時間帯で終えられますが、余裕はあまりありません")]
    return []


def order_key(order: str, ranked: Ranked, job: JobFacts) -> tuple[float, ...]:
    """Sort key for each order; every order keeps the feasible jobs first. Each ends with the id, so no
    two jobs tie (matching.bounds orders the database the same way)."""
    feasible = 0 if ranked.tier < 2 else 1
    newest = -(job.published_at.timestamp() if job.published_at else 0)
    if order == "newest":
        return (feasible, newest, -job.job_id)
    if order == "deadline":
        return (feasible, job.deadline.toordinal(), newest, -job.job_id)
    if order == "pay":
        return (feasible, -(ranked.pay.middle or 0), newest, -job.job_id)
    return (ranked.tier, -ranked.score, newest, -job.job_id)

"""`hataraku match eval`: load a corpus of jobs and workers (JSON lines, formats in the README) into the
database the command runs on — always a throw-away one (management/commands/match.py) — and rank each
worker's top N through `selectors.recommendations_for`, the code behind the page and the API."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model

from hataraku.core import clock, prefectures, wages
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import CallMode, JobStatus, MeetingStyle, PayType
from hataraku.jobs.models import Category, Job, JobMeeting
from hataraku.profiles.constants import ExceptionKind
from hataraku.profiles.models import AvailabilityWindow, DateException, WorkConditions, WorkerProfile

from . import selectors
from .present import recommendation_dict

MEETINGS = {
    "none": MeetingStyle.NONE,
    "text_chat": MeetingStyle.TEXT_CHAT,
    "scheduled_call": MeetingStyle.SCHEDULED_CALLS,
    "scheduled_calls": MeetingStyle.SCHEDULED_CALLS,
}
ACCESSIBILITY = {
    "screen_reader": "screen_reader",
    "keyboard_only": "keyboard_only",
    "low_vision": "low_vision",
    "deaf": "deaf_hoh",
    "deaf_hoh": "deaf_hoh",
}
FALLBACK_CATEGORY = "other-misc"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from exc
    return rows


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text if len(text) > 4 else text.zfill(5))


def _category(row: dict[str, Any], by_slug: dict[str, Category], by_name: dict[str, Category]) -> Category:
    value = str(row.get("category") or "")
    return by_slug.get(value) or by_name.get(value) or by_slug[FALLBACK_CATEGORY]


def load_jobs(rows: Iterable[dict[str, Any]], *, now: dt.datetime) -> dict[int, Any]:
    """Create the jobs (published, open until their deadline); answer {job pk: the line's id}."""
    ensure_categories()
    wages.ensure_shipped_tables()
    categories = list(Category.objects.all())
    by_slug = {c.slug: c for c in categories}
    by_name = {c.name: c for c in categories}
    User = get_user_model()
    clients: dict[str, Any] = {}
    today = now.astimezone(clock.TOKYO).date()
    ids: dict[int, Any] = {}
    for row in rows:
        client_key = str(row.get("client") or "eval-client")
        client = clients.get(client_key)
        if client is None:
            client = clients[client_key] = User.objects.create_user(
                f"client-{len(clients)}@eval.invalid", None, display_name=client_key[:60], is_client=True
            )
        hourly = row.get("pay_type") == "hourly"
        low, high = row.get("pay_min_yen"), row.get("pay_max_yen")
        if row.get("deadline"):
            deadline = dt.date.fromisoformat(str(row["deadline"])[:10])
        else:
            deadline = today + dt.timedelta(days=int(row.get("deadline_days", 30)))
        style = MEETINGS.get(str(row.get("meetings") or "none"), MeetingStyle.NONE)
        onsite = _onsite(row)
        job = Job.objects.create(
            client=client,
            title=str(row.get("title", ""))[:120],
            description_md=str(row.get("description", "")),
            category=_category(row, by_slug, by_name),
            skills=list(row.get("skills") or []),
            pay_type=PayType.HOURLY if hourly else PayType.FIXED,
            budget_min=None if hourly else low,
            budget_max=None if hourly else high,
            hourly_rate_min=low if hourly else None,
            hourly_rate_max=high if hourly else None,
            estimated_hours=max(1, math.ceil(float(row.get("effort_hours") or 1))),
            deadline=deadline,
            proposal_deadline=deadline,
            meeting_style=style,
            call_modes=[m for m in (row.get("call_modes") or []) if m in CallMode.values],
            interruptible=bool(row.get("interruptible", True)),
            min_block_minutes=int(row.get("min_block_minutes") or 30),
            beginner_welcome=bool(row.get("beginner_welcome", False)),
            accessibility_notes=str(row.get("accessibility_notes") or ""),
            onsite_prefecture=onsite,
            status=JobStatus.PUBLISHED,
            published_at=now,
        )
        ids[job.pk] = row.get("id", job.pk)
        if style == MeetingStyle.SCHEDULED_CALLS:
            JobMeeting.objects.bulk_create(_weekly_calls(job, row.get("meeting_times") or [], today))
    return ids


def _onsite(row: dict[str, Any]) -> str:
    """A job line's `prefecture` (work on site there; name or JIS code) as a JIS code; absent = remote."""
    value = str(row.get("prefecture") or "").strip()
    if not value:
        return ""
    code = wages.prefecture_code(value)
    if code is None or code not in prefectures.BY_CODE:
        raise ValueError(
            f"job {row.get('id')}: unknown prefecture {value!r} (a name such as 高知県 or a JIS code)"
        )
    return code


def _weekly_calls(job: Job, repeats: list[dict[str, Any]], today: dt.date) -> list[JobMeeting]:
    """Weekly repeats expanded to dated calls from today (the --now date) to the deadline."""
    meetings = []
    day = today
    while day <= job.deadline:
        for repeat in repeats:
            if int(repeat["weekday"]) == day.weekday():
                start = dt.datetime.combine(day, _time(str(repeat["start"])), tzinfo=clock.TOKYO)
                meetings.append(JobMeeting(job=job, starts_at=start, minutes=int(repeat.get("minutes", 30))))
        day += dt.timedelta(days=1)
    return meetings


@dataclass(frozen=True)
class EvalWorker:
    line_id: Any
    user: Any
    committed_hours: float


def load_workers(rows: Iterable[dict[str, Any]]) -> list[EvalWorker]:
    User = get_user_model()
    found = []
    for index, row in enumerate(rows):
        user = User.objects.create_user(
            f"worker-{index}@eval.invalid", None, display_name=str(row.get("id", index))[:60], is_worker=True
        )
        WorkerProfile.objects.create(
            user=user,
            prefecture=wages.prefecture_code(str(row.get("prefecture") or "")) or "",
            skills=list(row.get("skills") or []),
        )
        modes = set(row.get("communication") or ["text"])
        conditions = WorkConditions(
            user=user,
            max_hours_per_week=row.get("max_hours_per_week"),
            min_block_minutes=row.get("min_block_minutes"),
            accepts_voice="voice" in modes,
            accepts_video="video" in modes,
            no_meetings=not row.get("accepts_meetings", True),
        )
        # Encrypted special-care data; set on the instance (the typed create() does not know the field).
        conditions.accessibility_needs = [
            ACCESSIBILITY[a] for a in row.get("accessibility") or [] if a in ACCESSIBILITY
        ]
        conditions.save()
        windows = []
        for w in row.get("windows") or []:
            start, end = _time(str(w["start"])), _time(str(w["end"]))
            windows.append(
                AvailabilityWindow(
                    user=user,
                    weekday=int(w["weekday"]),
                    start=start,
                    end=end,
                    crosses_midnight=end < start and end != dt.time(0),
                )
            )
        AvailabilityWindow.objects.bulk_create(windows)
        DateException.objects.bulk_create(
            DateException(user=user, date=dt.date.fromisoformat(str(e["date"])), kind=ExceptionKind.DAY_OFF)
            for e in row.get("exceptions") or []
        )
        found.append(EvalWorker(row.get("id", index), user, float(row.get("committed_hours_per_week") or 0)))
    return found


def run(
    *, jobs_path: Path, workers_path: Path, now: dt.datetime, top: int, show_all: bool = False
) -> dict[str, Any]:
    clock.set_time(now)
    job_ids = load_jobs(read_jsonl(jobs_path), now=now)
    workers = load_workers(read_jsonl(workers_path))
    out = []
    for worker in workers:
        result = selectors.recommendations_for(
            worker.user,
            now=now,
            show_all=show_all,
            # Every job is read (no early stop), so the count of hidden jobs is exact; the top N are the
            # same either way (tests/test_topk.py).
            limit=None,
            committed_hours=worker.committed_hours,
        )
        out.append(
            {
                "worker": worker.line_id,
                "hidden_cannot": result.hidden_cannot,
                "jobs": [recommendation_dict(r, job_id=job_ids.get(r.job.pk)) for r in result.items[:top]],
            }
        )
    return {"now": now.isoformat(), "top": top, "jobs": len(job_ids), "workers": out}

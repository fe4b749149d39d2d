"""Demo data for 「あなたにできる仕事」: two more worker personas (../shared/PERSONAS.md) and the jobs that
show what feasibility decides. Idempotent: profiles are made once, jobs are found by (client, title).

- 小林 由美 takes voice and video calls, but only in her evening and Saturday-morning windows: a job whose
  calls are on weekday mornings is never offered to her as doable, because of her windows.
- 伊藤 真一 has five hours a week in one-hour blocks: a 40-hour job due in three days is never doable.
- 佐藤 美咲 communicates by text only: a job with voice calls (inside her windows) is not doable for her.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hataraku.core import clock
from hataraku.core.wages import ensure_shipped_tables
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import CallMode, JobStatus, MeetingStyle, PayType
from hataraku.jobs.models import Category, Job, JobMeeting
from hataraku.jobs.rendering import render_markdown
from hataraku.profiles import services as profile_services
from hataraku.profiles.availability import Window
from hataraku.profiles.models import AvailabilityWindow, WorkConditions, WorkerProfile

D = dt.timedelta


def _t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _week(days: list[int], *ranges: tuple[str, str]) -> list[Window]:
    return [Window(weekday=d, start=_t(a), end=_t(b)) for d in days for a, b in ranges]


WORKERS: dict[str, dict[str, Any]] = {
    "yumi": {
        "profile": {
            "prefecture": "11",
            "municipality": "川越市",
            "skills": ["Webデザイン", "WordPress"],
            "bio": "平日の午前はパートの仕事です。平日の夜と土曜の午前に、Webデザインと WordPress の作業をしています。通話も大丈夫です。",
        },
        "conditions": {
            "max_hours_per_week": 15,
            "min_block_minutes": 60,
            "accepts_voice": True,
            "accepts_video": True,
        },
        "windows": _week([0, 1, 2, 3, 4], ("19:00", "22:00")) + _week([5], ("09:00", "12:00")),
    },
    "shinichi": {
        "profile": {
            "prefecture": "01",
            "municipality": "旭川市",
            "skills": ["スプレッドシート", "技術文書の校正", "Excel"],
            "bio": "元エンジニアです。体調のため、1週間に5時間ほど、1時間ずつ作業しています。",
        },
        "conditions": {"max_hours_per_week": 5, "min_block_minutes": 60},
        "windows": _week([0, 1, 2, 3, 4], ("10:00", "11:00")),
    },
}


# Job specs in the shape of jobs/demo.py; "calls" are (weekday, "HH:MM") repeated weekly until the deadline.
JOBS: list[dict[str, Any]] = [
    {
        "client": "hidamari",
        "category": "web-update",
        "title": "自社サイトのWordPress更新(平日10:00に定例の通話)",
        "description_md": "自社サイトの WordPress テーマの手直しと、記事ページの更新をお願いします。\n\n毎週火曜と木曜の10:00から30分、通話(音声かビデオ)で進み具合を確認します。",
        "skills": ["WordPress", "Webデザイン"],
        "pay_type": PayType.FIXED,
        "budget_min": 30000,
        "budget_max": 40000,
        "estimated_hours": 12,
        "deadline": 28,
        "proposal_deadline": 14,
        "meeting_style": MeetingStyle.SCHEDULED_CALLS,
        "call_modes": [],
        "calls": [(1, "10:00"), (3, "10:00")],
        "interruptible": True,
        "min_block_minutes": 60,
    },
    {
        "client": "hidamari",
        "category": "translation-en",
        "title": "海外著者との打ち合わせメモの英訳(音声通話あり)",
        "description_md": "海外の著者との打ち合わせ(音声通話)に同席し、その内容を英語と日本語のメモにまとめてください。",
        "skills": ["翻訳", "英語"],
        "pay_type": PayType.FIXED,
        "budget_min": 20000,
        "budget_max": 25000,
        "estimated_hours": 8,
        "deadline": 21,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.SCHEDULED_CALLS,
        "call_modes": [CallMode.VOICE],
        "calls": [(2, "14:00")],
        "interruptible": True,
        "min_block_minutes": 30,
    },
    {
        "client": "hidamari",
        "category": "writing-proofread",
        "title": "社内マニュアルの全面改訂(急ぎ・40時間)",
        "description_md": "社内マニュアル(約200ページ)を、3日以内にまとめて見直していただける方を探しています。",
        "skills": ["校正", "技術文書の校正"],
        "pay_type": PayType.FIXED,
        "budget_min": 60000,
        "budget_max": 80000,
        "estimated_hours": 40,
        "deadline": 3,
        "proposal_deadline": 1,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 60,
    },
    {
        "client": "hidamari",
        "category": "office-entry",
        "title": "売上表の数式チェック(ゆっくりで大丈夫です)",
        "description_md": "月ごとの売上表(スプレッドシート)の数式に誤りがないか確かめてください。1時間ずつ進めていただいてかまいません。",
        "skills": ["スプレッドシート", "Excel"],
        "pay_type": PayType.FIXED,
        "budget_min": 5000,
        "budget_max": 6000,
        "estimated_hours": 3,
        "deadline": 28,
        "proposal_deadline": 14,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 60,
    },
]


def _load_workers(people: dict[str, Any]) -> None:
    for key, spec in WORKERS.items():
        user = people.get(key)
        if user is None:
            continue
        if not WorkerProfile.objects.filter(user=user).exists():
            profile_services.profile_update(
                user=user,
                display_name=user.display_name,
                invoice_number="",
                portfolio_links=[],
                qualifications=[],
                **spec["profile"],
            )
        if not WorkConditions.objects.filter(user=user).exists():
            profile_services.conditions_update(
                user=user,
                **{
                    "max_hours_per_week": None,
                    "min_block_minutes": None,
                    "accepts_voice": False,
                    "accepts_video": False,
                    "no_meetings": False,
                    "quiet_start": None,
                    "quiet_end": None,
                    "accessibility_needs": [],
                    "show_accessibility_publicly": False,
                    **spec["conditions"],
                },
            )
        if not AvailabilityWindow.objects.filter(user=user).exists():
            profile_services.availability_replace(user=user, windows=spec["windows"])


def _load_jobs(people: dict[str, Any]) -> None:
    ensure_categories()
    ensure_shipped_tables()
    categories = {c.slug: c for c in Category.objects.all()}
    today = clock.today()
    for spec in JOBS:
        spec = dict(spec)
        client = people[spec.pop("client")]
        calls = spec.pop("calls", [])
        if Job.objects.filter(client=client, title=spec["title"]).exists():
            continue
        job = Job(client=client)
        for key, value in {
            **spec,
            "category": categories[spec["category"]],
            "deadline": today + D(days=spec["deadline"]),
            "proposal_deadline": today + D(days=spec["proposal_deadline"]),
            "status": JobStatus.PUBLISHED,
            "published_at": clock.now(),
        }.items():
            setattr(job, key, value)
        job.description_html = render_markdown(job.description_md)
        job.save()
        for weekday, start in calls:
            day = today + D(days=1)
            while day <= job.deadline:
                if day.weekday() == weekday:
                    JobMeeting.objects.create(
                        job=job, starts_at=dt.datetime.combine(day, _t(start), tzinfo=clock.TOKYO), minutes=30
                    )
                day += D(days=1)


def load(people: dict[str, Any]) -> None:
    _load_workers(people)
    _load_jobs(people)

"""Demo data: 佐藤 美咲 keeps one search (text-only translation work) with alerts on, in-app and by a daily
e-mail, and one job saved for later — so the crawl reaches 「保存した検索条件」, its pages and
「保存した仕事」. Idempotent: found by (worker, name) and (worker, job)."""

from __future__ import annotations

from typing import Any

from hataraku.core import clock
from hataraku.jobs.models import Job

from .constants import Frequency
from .models import Bookmark, SavedSearch

SEARCH_NAME = "テキストだけでできる翻訳"
SEARCH_QUERY = "q=%E7%BF%BB%E8%A8%B3&text_only=on"  # q=翻訳&text_only=on
BOOKMARKED_TITLE = "児童書の原稿校正(テキストのみでやりとり)"


def load(people: dict[str, Any]) -> None:
    misaki = people["misaki"]
    now = clock.now()
    if not SavedSearch.objects.filter(worker=misaki, name=SEARCH_NAME).exists():
        SavedSearch.objects.create(
            worker=misaki,
            name=SEARCH_NAME,
            query=SEARCH_QUERY,
            alerts_on=True,
            alert_in_app=True,
            alert_email=True,
            frequency=Frequency.DAILY,
            alerts_since=now,
            created_at=now,
            updated_at=now,
        )
    job = Job.objects.filter(title=BOOKMARKED_TITLE).first()
    if job is not None:
        Bookmark.objects.get_or_create(worker=misaki, job=job, defaults={"created_at": now})

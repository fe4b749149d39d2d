"""The alerts app's part of the personal-data download and of account deletion: her saved searches (with
what they alerted about) and her bookmarks are hers alone, so deletion removes them all."""

from __future__ import annotations

from typing import Any

from .models import AlertMatch, Bookmark, SavedSearch


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "保存した検索条件": [
            {
                "名前": s.name,
                "条件": s.query,
                "新しい仕事のお知らせ": s.alerts_on,
                "サイト内": s.alert_in_app,
                "メール": s.alert_email,
                "頻度": s.frequency,
                "作成日時": _iso(s.created_at),
                "最後に知らせた日時": _iso(s.last_alert_at),
                "知らせた仕事": [
                    {
                        "仕事ID": m.job_id,
                        "見つけた日時": _iso(m.found_at),
                        "知らせた日時": _iso(m.delivered_at),
                        "メール送信": _iso(m.emailed_at),
                    }
                    for m in s.matches.order_by("found_at", "pk")
                ],
            }
            for s in SavedSearch.objects.filter(worker=user).order_by("created_at", "pk")
        ],
        "保存した仕事": [
            {"仕事ID": b.job_id, "件名": b.job.title, "保存した日時": _iso(b.created_at)}
            for b in Bookmark.objects.filter(worker=user).select_related("job").order_by("created_at", "pk")
        ],
    }


def erase_user_data(user: Any) -> None:
    AlertMatch.objects.filter(saved_search__worker=user).delete()
    SavedSearch.objects.filter(worker=user).delete()
    Bookmark.objects.filter(worker=user).delete()

"""The messaging app's part of the personal-data download and of account deletion.

On deletion, notifications, notification preferences and read markers are deleted. Messages the person
sent stay in their threads: they are also the other party's record of the work (and may be evidence in a
dispute). The sender is the anonymised user row, so they show as 「退会したユーザー」, and the email address
is gone. Attachments stay with their messages for the same reason.
"""

from __future__ import annotations

from typing import Any

from .models import Message, Notification, NotificationPreference, Thread, ThreadRead


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export_user_data(user: Any) -> dict[str, Any]:
    pref = NotificationPreference.objects.filter(user=user).first()
    return {
        "お知らせ": [
            {
                "種類": n.kind,
                "件名": n.display_title,
                "本文": n.display_body,
                "リンク": n.url,
                "日時": _iso(n.created_at),
                "既読": _iso(n.read_at),
                "メール送信": _iso(n.emailed_at),
            }
            for n in Notification.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "お知らせの設定": (
            {"メール": pref.email_mode, "まとめて送る時刻": pref.digest_hour} if pref is not None else None
        ),
        "やりとり": [
            {"id": t.pk, "件名": t.subject, "作成日時": _iso(t.created_at)}
            for t in Thread.objects.filter(participants=user).order_by("pk")
        ],
        "送ったメッセージ": [
            {
                "やりとりID": m.thread_id,
                "本文": m.body,
                "日時": _iso(m.created_at),
                "添付ファイル": [a.original_name for a in m.attachments.all()],
            }
            for m in Message.objects.filter(sender=user)
            .prefetch_related("attachments")
            .order_by("created_at", "pk")
        ],
    }


def erase_user_data(user: Any) -> None:
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    ThreadRead.objects.filter(user=user).delete()

"""Demo messages between 株式会社ひだまり出版 and 中村 さくら on her contract (runs after contracts.demo)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hataraku.contracts.models import Contract
from hataraku.core import clock

from .models import Message, Notification, ThreadRead
from .notices import MESSAGE_RECEIVED
from .services import thread_for_contract

CONVERSATION = [
    (
        "hidamari",
        "中村さん、ご契約ありがとうございます。紹介文の対象となる5冊の資料をお送りしました。ご不明な点があればいつでもどうぞ。",
    ),
    (
        "sakura",
        "ありがとうございます。子どもの昼寝の時間(13時〜14時半)と夜に作業します。前半3冊は期日までにお送りします。",
    ),
    ("hidamari", "承知しました。お返事は急ぎませんので、ご都合のよいときにご確認ください。"),
]


def load(people: dict[str, Any]) -> None:
    contract = (
        Contract.objects.filter(client=people["hidamari"], worker=people["sakura"])
        .exclude(status="completed")
        .order_by("pk")
        .first()
    ) or Contract.objects.filter(client=people["hidamari"], worker=people["sakura"]).order_by("pk").first()
    if contract is None:
        return
    thread = thread_for_contract(contract)
    if thread.messages.exists():
        return
    start = clock.now() - dt.timedelta(days=2)
    moment = start
    for index, (who, body) in enumerate(CONVERSATION):
        moment = start + dt.timedelta(hours=5 * index)
        Message.objects.create(thread=thread, sender=people[who], body=body, created_at=moment)
    thread.last_message_at = moment
    thread.save(update_fields=["last_message_at"])
    # さくら has read everything but the last message, so the demo shows an unread badge.
    ThreadRead.objects.update_or_create(
        thread=thread, user=people["sakura"], defaults={"last_read_at": start + dt.timedelta(hours=6)}
    )
    ThreadRead.objects.update_or_create(
        thread=thread, user=people["hidamari"], defaults={"last_read_at": moment}
    )
    Notification.objects.get_or_create(
        user=people["sakura"],
        kind=MESSAGE_RECEIVED,
        code=MESSAGE_RECEIVED,
        url=f"/messages/threads/{thread.pk}/",
        defaults={
            "params": {"name": "ひだまり出版 担当者", "subject": thread.subject},
            "created_at": moment,
        },
    )

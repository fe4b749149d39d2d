"""`manage.py notifications_send_due`: send every notification email that is due (after quiet hours or
at the digest hour). Run it every few minutes from cron or the platform scheduler; it is safe to run
twice or concurrently (each email goes out once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hataraku.messaging.services import notifications_send_due


class Command(BaseCommand):
    help = "期限になったお知らせメールを送ります(通知を控える時間・まとめ送信の分)。"

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send_due()
        self.stdout.write(f"sent={sent}")

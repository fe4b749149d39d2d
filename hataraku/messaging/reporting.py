"""How a message is reported to staff (`hataraku.accounts.reports`): a participant of its thread may report
a message someone else sent. Staff open the thread through its audited staff read."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from hataraku.accounts.reports import ReportTarget, register
from hataraku.core.errors import NotFound

from .models import Message
from .selectors import is_participant

LABEL_CHARS = 40


def message_for_report(reporter: Any, message_id: int) -> ReportTarget:
    message = Message.objects.select_related("thread", "sender").filter(pk=message_id).first()
    if message is None or message.sender_id == reporter.pk or not is_participant(reporter, message.thread):
        raise NotFound()
    text = " ".join((message.body or "").split())
    label = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…"
    return ReportTarget(
        obj=message,
        label=label or f"#{message.pk}",
        owner=message.sender,
        staff_url=reverse("messaging:thread", args=[message.thread_id]),
    )


def register_reportables() -> None:
    register("message", model="messaging.message", find=message_for_report)

"""What the accounts app puts on the dashboard (core/todos.py): staff's identity-check and report queues; a worker whose
document could not be confirmed is asked to send another (while the check is only waiting, nothing to do)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core import todos
from hataraku.core.todos import Todo

from . import selectors
from .constants import ReportStatus, VerificationStatus
from .models import Report, User


@todos.source(todos.WORKER, order=70)
def worker_verification(user: User) -> list[Todo]:
    latest = selectors.latest_verification(user)
    if latest is None or latest.status != VerificationStatus.REJECTED:
        return []
    return [
        Todo(
            key="accounts.verification_rejected",
            title=_("本人確認の書類を確認できませんでした。理由を読んで、書類を出し直してください"),
            url=reverse("identity:verification"),
            when=latest.reviewed_at,
            when_label=_("お知らせした日"),
        )
    ]


@todos.source(todos.STAFF, order=10)
def staff_verifications(user: User) -> list[Todo]:
    agg = selectors.pending_verifications().order_by().aggregate(n=Count("id"), oldest=Min("created_at"))
    return [
        Todo(
            key="accounts.staff_verifications",
            title=_("審査を待っている本人確認"),
            url=reverse("identity:staff_verifications"),
            count=agg["n"],
            when=agg["oldest"],
            when_label=_("いちばん古いもの"),
        )
    ]


@todos.source(todos.STAFF, order=15)
def staff_reports(user: User) -> list[Todo]:
    agg = Report.objects.filter(status=ReportStatus.OPEN).aggregate(n=Count("id"), oldest=Min("created_at"))
    return [
        Todo(
            key="accounts.staff_reports",
            title=_("対応を待っている運営への報告"),
            url=reverse("accounts:staff_reports"),
            count=agg["n"],
            when=agg["oldest"],
            when_label=_("いちばん古いもの"),
        )
    ]

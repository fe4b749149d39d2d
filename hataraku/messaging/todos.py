"""What the messaging app puts on the dashboard (core/todos.py): conversations whose last word is the other
party's — a client's question the worker has not answered, or a worker's the client has not. One query per
role: the last message's sender is a subquery, never a query per thread."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import todos
from hataraku.core.todos import Todo
from hataraku.core.words import compose, theirs

from .models import Message, Thread

LIMIT = 10


def _unanswered(user: User, *, side: str) -> list[Thread]:
    """Threads about the user's proposals or contracts on `side` ("worker" or "client") whose latest
    message was written by someone else."""
    last = Message.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-pk")
    if side == "worker":
        mine = Q(proposal__worker=user) | Q(contract__worker=user)
    else:
        mine = Q(proposal__job__client=user) | Q(contract__client=user)
    return list(
        Thread.objects.filter(mine, participants=user)
        .annotate(last_sender=Subquery(last.values("sender_id")[:1]))
        .filter(last_sender__isnull=False)
        .exclude(last_sender=user.pk)
        .select_related("proposal__job", "contract")
        .order_by("last_message_at", "pk")
        .distinct()[:LIMIT]
    )


def _about(thread: Thread) -> str:
    if thread.contract is not None:
        return thread.contract.title
    if thread.proposal is not None:
        return thread.proposal.job.title
    return thread.subject


def _items(threads: list[Thread], title: Any) -> list[Todo]:
    return [
        Todo(
            key="messaging.unanswered",
            title=compose(str(title), {"title": theirs(_about(t))}),
            url=reverse("messaging:thread", args=[t.pk]),
            when=t.last_message_at,
            when_label=_("届いた日時"),
        )
        for t in threads
    ]


@todos.source(todos.WORKER, order=38)
def worker_questions(user: User) -> list[Todo]:
    return _items(
        _unanswered(user, side="worker"), _("「%(title)s」でクライアントからのメッセージに返信する")
    )


@todos.source(todos.CLIENT, order=45)
def client_questions(user: User) -> list[Todo]:
    return _items(_unanswered(user, side="client"), _("「%(title)s」でワーカーからのメッセージに返信する"))

"""Reads of the messaging app, already scoped to what the person may see."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from hataraku.accounts.models import User
from hataraku.contracts.constants import ContractStatus
from hataraku.core.compiled import fetch_all, native
from hataraku.core.errors import NotFound
from hataraku.profiles.constants import ClientBlockKind
from hataraku.profiles.selectors import is_blocked

from .models import Attachment, Message, Notification, Thread, ThreadRead


def _last_read(user: User, thread_ref: str) -> Subquery:
    return Subquery(
        ThreadRead.objects.filter(thread=OuterRef(thread_ref), user_id=user.pk).values("last_read_at")[:1]
    )


def thread_about(*, proposal: Any = None, contract: Any = None) -> Thread | None:
    """The conversation about this proposal or contract, if anyone has started it (a read: never creates)."""
    if proposal is not None:
        return Thread.objects.filter(proposal=proposal).first()
    if contract is not None:
        return Thread.objects.filter(contract=contract).first()
    return None


def threads_for(user: User) -> QuerySet[Thread]:
    """The person's threads, newest activity first, each with `unread` (messages from others since the
    person last opened it) and the participants prefetched."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return (
        Thread.objects.filter(participants=user)
        .annotate(my_last_read=_last_read(user, "pk"))
        .annotate(
            unread=Count(
                "messages",
                filter=~Q(messages__sender_id=user.pk)
                & (Q(my_last_read__isnull=True) | Q(messages__created_at__gt=F("my_last_read"))),
            )
        )
        .select_related("contract", "proposal__job")
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=User.objects.only(
                    "pk", "display_name", "email", "is_client", "client_kind", "company_name"
                ),
            )
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )


def unread_message_count(user: User) -> int:
    return (
        Message.objects.filter(thread__participants=user)
        .exclude(sender_id=user.pk)
        .annotate(my_last_read=_last_read(user, "thread"))
        .filter(Q(my_last_read__isnull=True) | Q(created_at__gt=F("my_last_read")))
        .count()
    )


def unread_notification_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts(user: User) -> tuple[int, int]:
    """(unread messages, unread notices) for the header of every signed-in page, in one statement whose SQL
    is built once per process. The same rules as `unread_message_count` and `unread_notification_count`
    (messaging/tests/test_unread_counts.py holds them equal); building those two ORM queries cost more than
    running them, on every page (issue 9, item 4)."""
    sql = _unread_sql()
    (row,) = fetch_all(connection, sql, [user.pk] * 4, native_sql=native(connection, sql))
    return int(row[0]), int(row[1])


@cache
def _unread_sql() -> str:
    q = connection.ops.quote_name
    through = Thread.participants.through._meta

    def col(meta: Any, field: str) -> str:
        return q(meta.get_field(field).column)

    msg, read, notice = Message._meta, ThreadRead._meta, Notification._meta
    # Names from the models' metadata, quoted; every value is a parameter.
    return (
        f"SELECT (SELECT COUNT(*) FROM {q(msg.db_table)} m"  # noqa: S608
        f" INNER JOIN {q(through.db_table)} p ON p.{col(through, 'thread')} = m.{col(msg, 'thread')}"
        f" AND p.{col(through, 'user')} = %s"
        f" LEFT OUTER JOIN {q(read.db_table)} r ON r.{col(read, 'thread')} = m.{col(msg, 'thread')}"
        f" AND r.{col(read, 'user')} = %s"
        f" WHERE m.{col(msg, 'sender')} <> %s"
        f" AND (r.{col(read, 'last_read_at')} IS NULL OR m.{col(msg, 'created_at')} > r.{col(read, 'last_read_at')})),"
        f" (SELECT COUNT(*) FROM {q(notice.db_table)} n"
        f" WHERE n.{col(notice, 'user')} = %s AND n.{col(notice, 'read_at')} IS NULL)"
    )


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def access_thread(user: User, thread_id: int) -> Thread:
    """A participant's thread; platform staff may also open any thread for moderation (its messages are
    shown only after `services.thread_read_by_staff` wrote the audit row, on a POST). Everyone else gets
    404, the same as for a thread that does not exist."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound()
    thread = Thread.objects.select_related("contract", "proposal__job").filter(pk=thread_id).first()
    if thread is None:
        raise NotFound()
    if is_participant(user, thread):
        return thread
    if getattr(user, "is_staff", False):
        return thread
    raise NotFound()


def is_participant(user: User, thread: Thread) -> bool:
    return thread.participants.filter(pk=user.pk).exists()


def thread_messages(thread: Thread) -> QuerySet[Message]:
    """Oldest first, so the newest is last, next to the reply form."""
    return (
        thread.messages.select_related("sender")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def access_attachment(user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    access_thread(user, attachment.message.thread_id)
    return attachment


# A contract thread stays open while the contract binds or is being agreed: the terms, delivery and payment
# talk the Freelance Act requires (取引条件の明示, 納品, 支払期日) must reach her even if she stopped the
# client's messages. The platform's own contract and payment notices are never stopped at all.
CONTRACT_THREAD_OPEN: frozenset[str] = frozenset(
    {ContractStatus.OFFERED, ContractStatus.AGREED, ContractStatus.ACTIVE}
)


def parties(thread: Thread) -> tuple[int | None, int | None]:
    """(client id, worker id) of the proposal or contract the thread is about."""
    contract, proposal = thread.contract, thread.proposal
    if contract is not None:
        return contract.client_id, contract.worker_id
    if proposal is not None:
        return proposal.job.client_id, proposal.worker_id
    return None, None


def sending_blocked(sender: User, thread: Thread) -> bool:
    """Whether the worker of this thread stopped messages from `sender`, its client: true in a proposal's
    thread and in a finished contract's; a live contract's thread stays open (CONTRACT_THREAD_OPEN)."""
    client_id, worker_id = parties(thread)
    if client_id is None or worker_id is None or sender.pk != client_id:
        return False
    contract = thread.contract
    if contract is not None and contract.status in CONTRACT_THREAD_OPEN:
        return False
    return is_blocked(worker_id=worker_id, client_id=client_id, kind=ClientBlockKind.MESSAGES)

"""Reads of the messaging app, already scoped to what the person may see."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404

from hataraku.core.audit import audit_record

from .models import Attachment, Message, Notification, Thread, ThreadRead


def _last_read(user: Any, thread_ref: str) -> Subquery:
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


def threads_for(user: Any) -> QuerySet[Thread]:
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


def unread_message_count(user: Any) -> int:
    return (
        Message.objects.filter(thread__participants=user)
        .exclude(sender_id=user.pk)
        .annotate(my_last_read=_last_read(user, "thread"))
        .filter(Q(my_last_read__isnull=True) | Q(created_at__gt=F("my_last_read")))
        .count()
    )


def unread_notification_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def access_thread(user: Any, thread_id: int) -> Thread:
    """A participant's thread; platform staff may also read any thread for moderation, and that read is
    written to the audit log. Everyone else gets 404, the same as for a thread that does not exist."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise Http404
    if is_participant(user, thread):
        return thread
    if getattr(user, "is_staff", False):
        with transaction.atomic():
            audit_record(actor=user, action="messaging.thread_read_by_staff", target=thread)
        return thread
    raise Http404


def is_participant(user: Any, thread: Thread) -> bool:
    return thread.participants.filter(pk=user.pk).exists()


def thread_messages(thread: Thread) -> QuerySet[Message]:
    """Oldest first, so the newest is last, next to the reply form."""
    return (
        thread.messages.select_related("sender")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def access_attachment(user: Any, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    access_thread(user, attachment.message.thread_id)
    return attachment

"""Writes of the messaging app: notifications, notification preferences, threads and messages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.accounts.models import User
from hataraku.accounts.selectors import check_not_suspended
from hataraku.core import clock, limits
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, NotFound, PermissionDenied
from hataraku.core.models import AuditEvent

from .attachments import check_files
from .constants import EmailMode
from .models import Attachment, Message, Notification, NotificationPreference, Thread, ThreadRead
from .notices import MESSAGE_RECEIVED
from .notifications import email_due_for, send_all_due
from .selectors import is_participant, sending_blocked


def _enqueue_email(user_id: int, due: dt.datetime) -> None:
    from .tasks import notification_email_send

    if due <= clock.now():
        notification_email_send.enqueue(user_id)
        return
    if notification_email_send.get_backend().supports_defer:
        notification_email_send.using(run_after=due).enqueue(user_id)
    # Otherwise (the immediate backend of tests, or RQ without a scheduler) the periodic
    # `notifications_send_due` sweep sends it once it is due.


def notice_send(
    *, user: User, code: str, params: Mapping[str, notices.Param], url: str = "", email: bool = True
) -> Notification:
    """Tell `user` about something: an in-app notification now, and an email once it may be sent.

    The sender behind `hataraku.core.notifications.notify` (registered in `MessagingConfig.ready`). The
    row keeps the code and parameters, not the sentence, so it reads in the language of whoever reads it.
    The email waits for the end of the person's quiet hours, or for their digest hour if they chose a
    daily digest, and is enqueued only when the surrounding transaction commits (no email about a change
    that rolled back). Not audited itself: callers audit the event that caused the notice.
    """
    # The link is rendered as an href in the page and the email: only site paths and web URLs, never
    # `javascript:` or other schemes, whatever a caller passes.
    if url.startswith("//") or not url.startswith(("/", "https://", "http://")):
        url = ""
    now = clock.now()
    due = email_due_for(user, now) if email else None
    with transaction.atomic():
        notification = Notification.objects.create(
            user=user,
            kind=code,
            code=code,
            params=dict(params),
            url=url,
            created_at=now,
            email_due_at=due,
        )
        if due is not None:
            user_id = user.pk
            transaction.on_commit(lambda: _enqueue_email(user_id, due))
    return notification


def notifications_send_due() -> int:
    """Send every due, unsent notification email exactly once; returns the number of emails sent."""
    return send_all_due()


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the person's notifications read. Someone else's id changes nothing (and says so)."""
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
            read_at=clock.now()
        )
        exists = updated or Notification.objects.filter(pk=notification_id, user=user).exists()
    return bool(exists)


def notifications_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=clock.now())


def notification_preference_update(
    *, user: User, actor: User, email_mode: str, digest_hour: int
) -> NotificationPreference:
    if email_mode not in EmailMode.values:
        raise DomainError(_("メールでのお知らせの受け取り方を選んでください。"), field="email_mode")
    if not 0 <= digest_hour <= 23:
        raise DomainError(_("まとめて送る時刻は0時から23時の間で選んでください。"), field="digest_hour")
    with transaction.atomic():
        pref, _created = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        pref.email_mode = email_mode
        pref.digest_hour = digest_hour
        pref.save()
        # Emails already waiting follow the new choice: "off" drops them, other modes reschedule.
        now = clock.now()
        pending = Notification.objects.filter(user=user, emailed_at__isnull=True, email_due_at__isnull=False)
        new_due = email_due_for(user, now)
        pending.update(email_due_at=new_due)
        audit_record(
            actor=actor,
            action="messaging.preference_updated",
            target=pref,
            data={"email_mode": email_mode, "digest_hour": digest_hour},
        )
        if new_due is not None and pending.exists():
            user_id = user.pk
            transaction.on_commit(lambda: _enqueue_email(user_id, new_due))
    return pref


# --- threads and messages -----------------------------------------------------------------------------


def _get_or_create_thread(*, lookup: dict[str, Any], subject: str, participants: list[Any]) -> Thread:
    thread = Thread.objects.filter(**lookup).first()
    if thread is not None:
        return thread
    try:
        # A savepoint, so that losing the race to a concurrent request does not break the caller's
        # transaction; the unique constraint on proposal/contract makes the loser fetch the winner's row.
        with transaction.atomic():
            thread = Thread.objects.create(**lookup, subject=subject[:200], created_at=clock.now())
            thread.participants.add(*participants)
            audit_record(actor=None, action="messaging.thread_created", target=thread, data={**_ids(lookup)})
    except IntegrityError:
        thread = Thread.objects.get(**lookup)
    return thread


def _ids(lookup: dict[str, Any]) -> dict[str, int]:
    return {f"{key}_id": value.pk for key, value in lookup.items()}


def thread_for_proposal(proposal: Any) -> Thread:
    """The thread between the job's client and the worker who proposed (created on first use)."""
    job = proposal.job
    return _get_or_create_thread(
        lookup={"proposal": proposal},
        subject=_("応募: %(title)s") % {"title": job.title},
        participants=[job.client, proposal.worker],
    )


def thread_for_contract(contract: Any) -> Thread:
    """The thread between the contract's client and worker (created on first use)."""
    return _get_or_create_thread(
        lookup={"contract": contract},
        subject=_("契約: %(title)s") % {"title": contract.title},
        participants=[contract.client, contract.worker],
    )


def proposal_thread_start(*, proposal: Any, sender: User, body: str, files: Sequence[Any] = ()) -> Message:
    """Start the conversation about a proposal with its first message (or add to it, if the other side
    started it meanwhile). The thread is made in the same transaction as the message, so opening the page
    writes nothing and a refused message leaves no empty thread behind."""
    with transaction.atomic():
        return message_send(thread=thread_for_proposal(proposal), sender=sender, body=body, files=files)


def contract_thread_start(*, contract: Any, sender: User, body: str, files: Sequence[Any] = ()) -> Message:
    """The same for a contract's conversation."""
    with transaction.atomic():
        return message_send(thread=thread_for_contract(contract), sender=sender, body=body, files=files)


BLOCKED_MESSAGE = gettext_lazy("このワーカーには現在メッセージを送れません。")


def message_send(*, thread: Thread, sender: User, body: str, files: Sequence[Any] = ()) -> Message:
    """Send a message (and up to five files) in a thread the sender takes part in, and notify the others.

    Files are checked before anything is written; if saving fails half-way, the rows roll back and the
    files already written are removed, so an error leaves nothing behind.
    """
    body = (body or "").strip()
    if not is_participant(sender, thread):
        raise NotFound(_("このメッセージのやりとりは見つかりません。"))
    check_not_suspended(sender)
    if sending_blocked(sender, thread):
        # Kind and neutral: the client is not told that she chose this.
        raise PermissionDenied(str(BLOCKED_MESSAGE), field="body")
    if not body and not files:
        raise DomainError(_("メッセージを入力するか、ファイルを添付してください。"), field="body")
    limits.check_length(body, limit=limits.MESSAGE_BODY, field="body")
    checked = check_files(files)
    now = clock.now()
    saved: list[Attachment] = []
    try:
        with transaction.atomic():
            locked = Thread.objects.select_for_update().get(pk=thread.pk)
            message = Message.objects.create(thread=locked, sender=sender, body=body, created_at=now)
            for item in checked:
                attachment = Attachment(
                    message=message,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                )
                item.upload.seek(0)
                attachment.file.save(f"upload.{item.extension}", item.upload, save=False)
                saved.append(attachment)
                attachment.save()
            locked.last_message_at = now
            locked.save(update_fields=["last_message_at"])
            ThreadRead.objects.update_or_create(thread=locked, user=sender, defaults={"last_read_at": now})
            audit_record(
                actor=sender,
                action="messaging.message_sent",
                target=message,
                data={"thread_id": locked.pk, "attachments": len(checked)},
            )
            url = reverse("messaging:thread", args=[locked.pk])
            name = getattr(sender, "name_for_display", str(sender))
            # The job's or contract's own title, not the stored subject: its 「契約: 」 is in the words of
            # whoever opened the thread, and the notice is worded in the reader's language.
            about = locked.subject
            if locked.contract is not None:
                about = locked.contract.title
            elif locked.proposal is not None:
                about = locked.proposal.job.title
            for other in locked.participants.exclude(pk=sender.pk):
                notices.notify(
                    user=other,
                    code=MESSAGE_RECEIVED,
                    params={"name": name, "subject": about},
                    url=url,
                )
    except Exception:
        for attachment in saved:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return message


# A reload of the staff read page posts its button again: within this window the same person's read of the
# same thread is one read, audited once.
STAFF_READ_WINDOW = dt.timedelta(minutes=15)


def thread_read_by_staff(*, thread: Thread, actor: User) -> None:
    """Staff read a thread they are not part of, for moderation: written to the audit log first, once per
    `STAFF_READ_WINDOW` for the same staff member and thread (a reload re-posts; it is not a new read)."""
    with transaction.atomic():
        recent = AuditEvent.objects.filter(
            actor=actor,
            action="messaging.thread_read_by_staff",
            target_type=thread._meta.label_lower,
            target_id=str(thread.pk),
            occurred_at__gte=clock.now() - STAFF_READ_WINDOW,
        )
        if not recent.exists():
            audit_record(actor=actor, action="messaging.thread_read_by_staff", target=thread)


def thread_mark_read(*, thread: Thread, user: User) -> None:
    """Move the person's read marker to now. Not audited: a read marker is not a business event."""
    if not is_participant(user, thread):
        return
    with transaction.atomic():
        ThreadRead.objects.update_or_create(thread=thread, user=user, defaults={"last_read_at": clock.now()})

"""Notifications (in-app + email), message threads between a client and a worker, and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock
from hataraku.core import notifications as notices
from hataraku.core.words import compose, theirs

from .constants import DEFAULT_DIGEST_HOUR, EmailMode


class Notification(models.Model):
    """One in-app notice. The email copy is sent at most once: `emailed_at` is set by a conditional
    update, and `email_due_at` says when it may go out (after quiet hours, or at the digest hour).
    `email_due_at` is null when no email is wanted.

    A notice is stored as `code` + `params` and rendered in the reader's language when shown or mailed
    (`display_title`, `display_body`); rows from before codes existed keep their Japanese `title`/`body`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("種類"), max_length=60)
    code = models.CharField(_("お知らせの種類コード"), max_length=80, blank=True)
    params = models.JSONField(_("お知らせの値"), default=dict, blank=True)
    title = models.CharField(_("件名"), max_length=200, blank=True)
    body = models.TextField(_("本文"), blank=True)
    url = models.CharField(_("リンク先"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=clock.now, db_index=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    email_due_at = models.DateTimeField(_("メール送信予定"), null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="msg_notif_user_read"),
            models.Index(fields=["emailed_at", "email_due_at"], name="msg_notif_email_due"),
        ]

    def __str__(self) -> str:
        return self.display_title

    def _rendered(self) -> tuple[str, str]:
        if not self.code:
            # Stored words from before codes existed: Japanese, whatever the reader's language.
            return theirs(self.title), theirs(self.body)
        title, body = notices.render(self.code, self.params)
        # A code no app defines any more (a removed notice) still shows what was stored, if anything.
        return (title or theirs(self.title)), (body or theirs(self.body))

    @property
    def display_title(self) -> str:
        """The title in the active language."""
        return self._rendered()[0]

    @property
    def display_body(self) -> str:
        return self._rendered()[1]

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(
        _("メールでのお知らせ"), max_length=20, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    digest_hour = models.PositiveSmallIntegerField(_("まとめて送る時刻(時)"), default=DEFAULT_DIGEST_HOUR)

    class Meta:
        verbose_name = _("お知らせの設定")
        verbose_name_plural = _("お知らせの設定")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest_hour__gte=0, digest_hour__lte=23), name="msg_pref_digest_hour"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}"


class Thread(models.Model):
    """A conversation about one proposal or one contract, between its client and its worker."""

    proposal = models.ForeignKey(
        "jobs.Proposal", on_delete=models.CASCADE, null=True, blank=True, related_name="threads"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="threads"
    )
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="message_threads")
    subject = models.CharField(_("件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("作成日時"), default=clock.now)
    last_message_at = models.DateTimeField(_("最新メッセージ日時"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("メッセージスレッド")
        verbose_name_plural = _("メッセージスレッド")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"],
                condition=models.Q(proposal__isnull=False),
                name="msg_thread_one_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=models.Q(contract__isnull=False),
                name="msg_thread_one_per_contract",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"#{self.pk}"

    @property
    def display_subject(self) -> str:
        """The subject in the reader's language: 「契約: 」 is ours, the title is the people's (the stored
        `subject` was worded in the language of whoever opened the thread). Load `contract` and
        `proposal__job` with the thread (`selectors.threads_for` does)."""
        if self.contract_id and self.contract is not None:
            return compose(_("契約: %(title)s"), {"title": theirs(self.contract.title)})
        if self.proposal_id and self.proposal is not None:
            return compose(_("応募: %(title)s"), {"title": theirs(self.proposal.job.title)})
        return theirs(self.subject) or f"#{self.pk}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_messages"
    )
    body = models.TextField(_("本文"), blank=True)
    created_at = models.DateTimeField(_("送信日時"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("メッセージ")
        verbose_name_plural = _("メッセージ")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        # No words of the body: this label appears in the Django admin and its change log (issue 7).
        return f"{self.sender} #{self.pk}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    from .attachments import storage_name

    return storage_name(instance.message.thread_id, filename.rsplit(".", 1)[-1].lower())


class Attachment(models.Model):
    """A file sent with a message. Stored under a private prefix of the default storage and only ever
    streamed by `messaging:attachment`, which checks that the reader is a participant."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ファイル"), upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(_("ファイル名"), max_length=255)
    content_type = models.CharField(_("種類"), max_length=120)
    size = models.PositiveIntegerField(_("大きさ(バイト)"))

    class Meta:
        verbose_name = _("添付ファイル")
        verbose_name_plural = _("添付ファイル")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ThreadRead(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField(_("最後に読んだ日時"))

    class Meta:
        verbose_name = _("既読位置")
        verbose_name_plural = _("既読位置")
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="msg_threadread_unique")]

    def __str__(self) -> str:
        return f"{self.thread} / {self.user}"

"""Saved searches (the raw query string of /jobs/, never a copy of the filter logic), bookmarks, and the
record of which new job each saved search has already alerted about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import limits

from .constants import MAX_QUERY_LENGTH, Frequency


class SavedSearch(models.Model):
    """A search of the job list a worker named and kept. `query` is the page's query string as she ran it
    (only the job list form's own parameters, checked by `JobFilterForm` when saved and again each time it
    runs), so a filter added to the job list later works here with no change."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("名前"), max_length=limits.SAVED_SEARCH_NAME)
    query = models.CharField(_("検索条件"), max_length=MAX_QUERY_LENGTH, blank=True)
    alerts_on = models.BooleanField(_("新しい仕事を知らせる"), default=False)
    alert_in_app = models.BooleanField(_("サイト内のお知らせ"), default=True)
    alert_email = models.BooleanField(_("メール"), default=False)
    frequency = models.CharField(
        _("知らせる頻度"), max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # Jobs published after this moment are news for this search (set when alerts are turned on).
    alerts_since = models.DateTimeField(_("お知らせの対象の始まり"))
    last_alert_at = models.DateTimeField(_("最後に知らせた日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"))
    updated_at = models.DateTimeField(_("更新日時"))

    class Meta:
        verbose_name = _("保存した検索条件")
        verbose_name_plural = _("保存した検索条件")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["worker", "name"], name="alerts_search_name_unique")]
        indexes = [models.Index(fields=["alerts_on"], name="alerts_search_on")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.pk}"


class Bookmark(models.Model):
    """☆ 「あとで見る」: a job a worker kept to read again."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("保存した日時"))

    class Meta:
        verbose_name = _("保存した仕事")
        verbose_name_plural = _("保存した仕事")
        constraints = [models.UniqueConstraint(fields=["worker", "job"], name="alerts_one_bookmark_per_job")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.job_id}"


class AlertMatch(models.Model):
    """One new job found for one saved search: made once (unique), so running the alert task twice never
    tells her twice. `due_at` respects her quiet hours and, for a daily search, her digest hour;
    `delivered_at` is set when the in-app notice is made (claimed by a conditional update); `email_due`
    says an e-mail is wanted and `emailed_at` that it went (released again if the mail server refused)."""

    saved_search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="matches")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(_("見つけた日時"))
    due_at = models.DateTimeField(_("知らせる予定"))
    delivered_at = models.DateTimeField(_("知らせた日時"), null=True, blank=True)
    email_due = models.BooleanField(_("メールで知らせる"), default=False)
    emailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("新着のお知らせ")
        verbose_name_plural = _("新着のお知らせ")
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "job"], name="alerts_one_match_per_job")
        ]
        indexes = [
            models.Index(fields=["delivered_at", "due_at"], name="alerts_match_due"),
            models.Index(fields=["email_due", "emailed_at"], name="alerts_match_email"),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id}:{self.job_id}"

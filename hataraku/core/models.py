from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock


class TimeStampedModel(models.Model):
    """Base model: creation and update times, taken from the settable clock."""

    created_at = models.DateTimeField(_("作成日時"), editable=False, db_index=True)
    updated_at = models.DateTimeField(_("更新日時"), editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        moment = clock.now()
        if not self.created_at:
            self.created_at = moment
        self.updated_at = moment
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_at"}
        super().save(*args, **kwargs)


class AuditEvent(models.Model):
    """One row per state change or sensitive read. Append-only: nothing updates or deletes these rows,
    except account deletion, which blanks the actor link but keeps the event."""

    occurred_at = models.DateTimeField(_("日時"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実行者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("実行者の表示"), max_length=200, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    target_type = models.CharField(_("対象の種類"), max_length=100, blank=True)
    target_id = models.CharField(_("対象ID"), max_length=64, blank=True, db_index=True)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}:{self.target_id}"

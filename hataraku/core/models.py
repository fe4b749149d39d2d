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


class MinimumWage(models.Model):
    """One prefecture's regional minimum wage (地域別最低賃金, 最低賃金法9条) in one fiscal year's table.

    Reference data, in core beside `prefectures.py`, because more than one app compares pay with it
    (matching ranks jobs by it; search filters 「時給換算が最低賃金以上」). Prefecture "00" holds the national
    weighted average, used when a worker has not said where she lives. Before a new amount takes effect the
    previous year's row applies (`hataraku.core.wages.floor_for`). Loaded by migration 0002 (FY2025) and by
    `hataraku minimum-wages load CSV --source …` for later years."""

    NATIONAL = "00"

    prefecture = models.CharField(_("都道府県コード"), max_length=2)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.PositiveIntegerField(_("時間額(円)"))
    effective_from = models.DateField(_("発効日"))
    source = models.CharField(_("出典"), max_length=300)

    class Meta:
        ordering = ["prefecture", "-effective_from"]
        verbose_name = _("最低賃金")
        verbose_name_plural = _("最低賃金")
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "fiscal_year"], name="minimum_wage_one_per_year"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="minimum_wage_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture} FY{self.fiscal_year} {self.amount}"

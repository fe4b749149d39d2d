"""Mutual reviews after a completed contract."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import RATING_NAMES


class Review(models.Model):
    contract = models.ForeignKey("contracts.Contract", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given"
    )
    reviewee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received"
    )
    skill = models.PositiveSmallIntegerField(_("スキル"))
    quality = models.PositiveSmallIntegerField(_("仕事の質"))
    schedule = models.PositiveSmallIntegerField(_("スケジュール"))
    communication = models.PositiveSmallIntegerField(_("コミュニケーション"))
    partnership = models.PositiveSmallIntegerField(_("また一緒に仕事をしたいか"))
    comment = models.TextField(_("コメント"), blank=True)
    submitted_at = models.DateTimeField(_("投稿日時"), db_index=True)

    class Meta:
        verbose_name = _("評価")
        verbose_name_plural = _("評価")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "reviewer"], name="review_one_per_side"),
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("reviewee")), name="review_not_self"
            ),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"review_{name}_1_to_5"
                )
                for name in RATING_NAMES
            ],
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.reviewee}"

    @property
    def average(self) -> float:
        return round(sum(getattr(self, name) for name in RATING_NAMES) / len(RATING_NAMES), 1)

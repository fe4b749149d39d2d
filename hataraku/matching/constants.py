"""Choices of the matching app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkKind(models.TextChoices):
    """What a worker said about one job in her list."""

    CAN_DO = "can_do", _("それでもできる")
    NOT_INTERESTED = "not_interested", _("興味なし")


class Order(models.TextChoices):
    RECOMMENDED = "recommended", _("おすすめ順")
    NEWEST = "newest", _("新着順")
    DEADLINE = "deadline", _("納期が近い順")
    PAY = "pay", _("時給換算が高い順")

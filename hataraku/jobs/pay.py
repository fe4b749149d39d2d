"""時給換算 — a job's effective hourly pay — said once, for every app that shows, ranks or filters by it.

The rule: an hourly job's rate as it stands; a fixed-price job's amount divided by its estimated hours,
rounded down (the figure never flatters the pay); nothing for a fixed-price job with no hours. It is
written once, as the expression of two generated columns on `Job` (`effective_hourly_min` / `_max`,
computed and stored by the database on every write, whichever code wrote the row — services, the demo,
bulk loads). The job list filters on those columns in SQL (「時給換算が最低賃金以上」), and the matching app
reads the same columns through `job_pay` to show and rank it: there is no second copy in Python.

No model import here: `models.py` builds its columns from `effective_hourly_field`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db import models
from django.db.models import Case, F, Q, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import PayType


def effective_hourly_expression(end: Literal["min", "max"]) -> Case:
    """SQL for one end of the range: integer columns divided as integers (both databases round a positive
    quotient down), and no division at all when the hours are 0."""
    return Case(
        When(pay_type=PayType.HOURLY, then=F(f"hourly_rate_{end}")),
        When(estimated_hours__gt=0, then=F(f"budget_{end}") / F("estimated_hours")),
        default=None,
        output_field=models.IntegerField(),
    )


def effective_hourly_field(end: Literal["min", "max"]) -> models.GeneratedField:
    label = {"min": gettext_lazy("時給換算(下限・円)"), "max": gettext_lazy("時給換算(上限・円)")}[end]
    return models.GeneratedField(
        expression=effective_hourly_expression(end),
        output_field=models.IntegerField(null=True),
        db_persist=True,
        verbose_name=label,
    )


@dataclass(frozen=True)
class Pay:
    """Effective hourly pay in yen: an hourly job's rate, or a fixed budget over the estimated hours."""

    low: int | None
    high: int | None

    @property
    def middle(self) -> int | None:
        if self.low is None and self.high is None:
            return None
        return ((self.low or self.high or 0) + (self.high or self.low or 0)) // 2

    def text(self) -> str:
        if self.low is None and self.high is None:
            return _("時給換算: —")
        if self.low == self.high or self.low is None or self.high is None:
            return _("時給換算 約%(yen)s円") % {"yen": f"{self.middle:,}"}
        return _("時給換算 約%(low)s〜%(high)s円") % {"low": f"{self.low:,}", "high": f"{self.high:,}"}


def job_pay(job: Any) -> Pay:
    """The effective hourly pay of a job read from the database (its generated columns)."""
    return Pay(job.effective_hourly_min, job.effective_hourly_max)


def at_least(amount: int) -> Q:
    """Jobs whose effective hourly pay is at least `amount` even at the bottom of their range (the top,
    when only a top is given). A job with no figure (a fixed price without hours) is not among them."""
    return Q(effective_hourly_min__gte=amount) | Q(
        effective_hourly_min__isnull=True, effective_hourly_max__gte=amount
    )

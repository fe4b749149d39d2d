from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import MarkKind


class JobMark(models.Model):
    """A worker's own word about a job: 「それでもできる」 (ranked as feasible for her whatever her windows
    say) or 「興味なし」 (hidden from her list). One per worker and job; changing it replaces it."""

    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_marks")
    job = models.ForeignKey("jobs.Job", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("種類"), max_length=20, choices=MarkKind.choices)
    created_at = models.DateTimeField(_("日時"))

    class Meta:
        verbose_name = _("仕事への印")
        verbose_name_plural = _("仕事への印")
        constraints = [models.UniqueConstraint(fields=["worker", "job"], name="matching_one_mark_per_job")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.job_id} {self.kind}"

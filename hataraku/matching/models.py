from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
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


class JobChange(models.Model):
    """One row per write to a job, whoever writes it (services, bulk updates, loaders): the database
    writes it from triggers on `jobs_job` (migration 0002). Each process's in-memory copy of the open jobs
    (`columns.py`) reads the rows after the last one it applied and re-reads those jobs. The minute tick
    deletes rows older than a day; a process that fell further behind loads everything again."""

    seq = models.BigAutoField(primary_key=True)
    job_id = models.BigIntegerField()
    # A random number written by the trigger: a row number alone can come back after a rollback (SQLite
    # hands out the same numbers again), so a process checks (seq, nonce) of the last row it applied.
    nonce = models.BigIntegerField(default=0)
    at = models.DateTimeField(db_default=Now(), db_index=True)

    class Meta:
        verbose_name = _("仕事の変更")
        verbose_name_plural = _("仕事の変更")

    def __str__(self) -> str:
        return f"{self.seq}: {self.job_id}"

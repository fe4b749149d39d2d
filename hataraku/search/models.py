from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """One open job as the search index knows it, on either database.

    The words themselves live beside it in a form only the database engine reads: an FTS5 table
    `search_fts` on SQLite (rowid = job id), a weighted tsvector column `doc_tsv` (title A, tags B, body D) with a GIN index on
    PostgreSQL — both created by migration 0001 for the engine in use and written by `backends.py`.
    This row keeps what the index needs to know without reading the job: its proposal deadline, so the
    tick drops jobs whose deadline passed (`services.index_purge_expired`).
    """

    job_id = models.BigIntegerField(_("仕事"), primary_key=True)
    proposal_deadline = models.DateField(_("応募締切"), db_index=True)
    indexed_at = models.DateTimeField(_("索引に入れた日時"))

    class Meta:
        verbose_name = _("検索索引の仕事")
        verbose_name_plural = _("検索索引の仕事")

    def __str__(self) -> str:
        return str(self.job_id)

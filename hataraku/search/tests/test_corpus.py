"""The corpus loader's one-pass path (`corpus.load_and_index`, which bench/search.py builds a million jobs
with) writes the same jobs as `load_jobs` and the same index entries as the site's `index_rebuild`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection

from bench.synth import generate_jobs
from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.jobs.models import Job
from hataraku.search import corpus, services
from hataraku.search.models import SearchDocument

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def index_rows() -> list[tuple[Any, ...]]:
    """Every index entry as the engine stores it (without the time it was written)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT job_id, proposal_deadline, doc_tsv::text FROM search_searchdocument ORDER BY job_id"
            )
        else:
            cursor.execute("SELECT rowid, title, tags, body, heads, facets FROM search_fts ORDER BY rowid")
        return [tuple(row) for row in cursor.fetchall()]


def job_rows() -> list[dict[str, Any]]:
    """Every job's columns, its client by e-mail (the clients are created again, with new ids)."""
    rows = []
    for job in Job.objects.order_by("pk").values():
        row: dict[str, Any] = dict(job)
        row["client_id"] = User.objects.get(pk=job["client_id"]).email
        rows.append(row)
    return rows


def test_load_and_index_writes_what_load_jobs_and_index_rebuild_write() -> None:
    # Given the same corpus loaded both ways at the same moment
    clock.set_time(NOW)
    rows = list(generate_jobs(300, seed=7))
    assert corpus.load_and_index(rows, batch_size=120) == 300
    bulk_jobs, bulk_index = job_rows(), index_rows()
    Job.objects.all().delete()
    SearchDocument.objects.all().delete()
    User.objects.filter(email__endswith="@search-eval.invalid").delete()
    services.index_rebuild()  # empties the engine's words too
    assert index_rows() == []
    corpus.load_jobs(rows)
    # When the site rebuilds the index from the jobs
    assert services.index_rebuild() == 300
    # Then the jobs and every index entry are the same
    assert job_rows() == bulk_jobs
    assert index_rows() == bulk_index

"""`hataraku search eval --jobs JOBS.jsonl --queries QUERIES.jsonl [--database sqlite|postgres] [--json]`.

Indexes the corpus in a throw-away database — Django's test-database machinery: an in-memory SQLite
database, or a new PostgreSQL database on DATABASE_URL's server that is dropped afterwards — never the
user's, through the same search code the site uses, and prints recall@20, nDCG@10 and MRR."""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from hataraku.search import corpus, evaluation


class Command(BaseCommand):
    help = "Relevance of the job search over a judged query set, in a throw-away database."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--jobs", required=True)
        parser.add_argument("--queries", required=True)
        parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = "postgresql" if options["database"] == "postgres" else "sqlite"
        if connection.vendor != wanted:
            raise CommandError(
                "--database postgres needs DATABASE_URL=postgres://… (the server where a throw-away "
                "database is made)"
                if wanted == "postgresql"
                else "run it as `hataraku search eval`, which picks a throw-away SQLite database"
            )
        jobs = list(corpus.read_jsonl(options["jobs"]))
        queries = list(corpus.read_jsonl(options["queries"]))
        test = connection.settings_dict.setdefault("TEST", {})
        if wanted == "postgresql":
            test["NAME"] = f"hataraku_search_eval_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        else:
            test["NAME"] = None  # in memory
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            result = evaluation.run(jobs, queries)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        m = result["metrics"]
        self.stdout.write(
            f"queries {m['queries']}  recall@20 {m['recall@20']:.4f}  nDCG@10 {m['ndcg@10']:.4f}  "
            f"MRR {m['mrr']:.4f}  ({len(jobs)} jobs, {options['database']})"
        )

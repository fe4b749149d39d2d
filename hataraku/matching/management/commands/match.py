"""`hataraku match --worker EMAIL [--filters QUERY] [--json]` and
`hataraku match eval --jobs JOBS.jsonl --workers WORKERS.jsonl --now ISO [--top N] [--json]`.

`eval` never touches the user's database: it creates Django's test database (an in-memory SQLite one by
default; `test_<name>` on the PostgreSQL server of DATABASE_URL), migrates it, loads the corpus, ranks, and
destroys it again — the same way the test suite gets its database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict

from hataraku.core import clock
from hataraku.jobs.forms import job_filters_from_query

from ... import selectors
from ...evaluation import run
from ...filters import filter_errors
from ...present import recommendations_dict


class Command(BaseCommand):
    help = "A worker's ranked 「あなたにできる仕事」, or an evaluation over given jobs and workers."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["eval"], help="eval: rank a given corpus")
        parser.add_argument("--worker", help="the worker's e-mail address")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--all", action="store_true", help="include jobs she cannot do, with reasons")
        parser.add_argument(
            "--order", default="recommended", choices=["recommended", "newest", "deadline", "pay"]
        )
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument(
            "--filters",
            default="",
            help="the job list's filters as /jobs/ takes them, e.g. 'q=翻訳&beginner_welcome=on&prefecture=remote'",
        )
        parser.add_argument("--jobs", help="eval: JOBS.jsonl")
        parser.add_argument("--workers", help="eval: WORKERS.jsonl")
        parser.add_argument("--now", help="eval: the moment to rank at (ISO; naive means Asia/Tokyo)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "eval":
            self._eval(options)
            return
        if not options["worker"]:
            raise CommandError("usage: hataraku match --worker EMAIL [--json] | hataraku match eval …")
        worker = get_user_model().objects.filter(email__iexact=options["worker"], is_worker=True).first()
        if worker is None:
            raise CommandError(f"no worker with e-mail {options['worker']}")
        filters, form = job_filters_from_query(QueryDict(options["filters"].lstrip("?")))
        if not form.is_valid():
            raise CommandError(filter_errors(form))
        result = selectors.recommendations_for(
            worker, order=options["order"], show_all=options["all"], limit=options["top"], filters=filters
        )
        data = recommendations_dict(result)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        floor = data["minimum_wage"]
        self.stdout.write(floor["label"] if floor else "最低賃金: この日に有効な額の記録がありません")
        for n, job in enumerate(data["jobs"], start=1):
            self._line(n, job)
        if result.hidden_cannot:
            self.stdout.write(
                f"(できない仕事 {'少なくとも' if result.hidden_cannot_more else ''}{result.hidden_cannot}件は"
                "表示していません。--all で理由つきで表示)"
            )

    def _line(self, n: int, job: dict[str, Any]) -> None:
        self.stdout.write(f"{n:>2}. [{job['feasibility_label']}] {job['title']} (#{job['job_id']})")
        self.stdout.write(f"    {job['reason']}")
        self.stdout.write(
            f"    {job['effective_hourly_text']}{' — 最低賃金を下回ります' if job['below_minimum_wage'] else ''}"
        )
        for why in job["why"]:
            self.stdout.write(f"    ・{why}")

    def _eval(self, options: dict[str, Any]) -> None:
        if not (options["jobs"] and options["workers"] and options["now"]):
            raise CommandError(
                "usage: hataraku match eval --jobs JOBS.jsonl --workers WORKERS.jsonl --now ISO"
            )
        jobs, workers = Path(options["jobs"]), Path(options["workers"])
        for path in (jobs, workers):
            if not path.is_file():
                raise CommandError(f"not a file: {path}")
        now = dt.datetime.fromisoformat(options["now"])
        if now.tzinfo is None:
            now = now.replace(tzinfo=clock.TOKYO)
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            data = run(
                jobs_path=jobs, workers_path=workers, now=now, top=options["top"], show_all=options["all"]
            )
        except ValueError as exc:  # a line the formats (README) do not allow
            raise CommandError(str(exc)) from exc
        finally:
            clock.set_time(None)
            connection.creation.destroy_test_db(old_name, verbosity=0)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for worker in data["workers"]:
            self.stdout.write(f"== {worker['worker']}")
            for n, job in enumerate(worker["jobs"], start=1):
                self._line(n, job)

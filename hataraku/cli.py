"""`hataraku` command line: `uv run hataraku serve|demo|createstaff|ledger …`.

Each sub-command is a Django management command; this entry point only picks the settings module and
forwards, so `manage.py` keeps working for everything.
"""

from __future__ import annotations

import os
import sys
import tempfile

USAGE = """usage: hataraku COMMAND [options]

commands:
  serve [--port N]        prepare (migrate, static files, translations, demo data on first run) and serve
                          with gunicorn on http://127.0.0.1:8000 (PORT overrides)
  demo [--accounts] [--json]
                          load the demo data (idempotent); --accounts prints the demo log-ins
  createstaff             create a platform staff account (asks for email and password)
  ledger export FILE      write the whole ledger as Beancount text
  search eval --jobs JOBS.jsonl --queries QUERIES.jsonl [--database sqlite|postgres] [--json]
                          index a judged corpus in a throw-away database and print recall@20, nDCG@10, MRR
  search rebuild          rebuild the job search index from the open jobs
  match --worker EMAIL [--json]
                          a worker's ranked 「あなたにできる仕事」 with feasibility, reason, hourly pay, floor
  match eval --jobs JOBS.jsonl --workers WORKERS.jsonl --now ISO [--top N] [--json]
                          rank given jobs for given workers in a throw-away database (README)
  minimum-wages load CSV --fiscal-year YYYY --source TEXT | minimum-wages show [--date D]
                          load a year's regional minimum wages, or list those in effect
  <any manage.py command> e.g. `hataraku migrate`, `hataraku db_worker`
"""


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    from django.core.management import execute_from_command_line

    command, rest = args[0], args[1:]
    if command == "serve":
        command = "hataraku_serve"
    elif command == "demo":
        command = "hataraku_demo"
    elif command == "createstaff":
        command = "hataraku_createstaff"
    elif command == "minimum-wages":
        command = "minimum_wages"
    elif command == "ledger":
        if not rest:
            print("usage: hataraku ledger export FILE", file=sys.stderr)
            raise SystemExit(2)
        command, rest = f"ledger_{rest[0]}", rest[1:]
    elif command == "search":
        if not rest or rest[0] not in {"eval", "rebuild"}:
            print("usage: hataraku search eval|rebuild …", file=sys.stderr)
            raise SystemExit(2)
        command, rest = f"search_{rest[0]}", rest[1:]
        if command == "search_eval" and not any(a.endswith("postgres") for a in rest):
            # The evaluation makes its own in-memory database; pointing the settings at SQLite (a file that
            # is never created) keeps it away from the user's database whatever DATABASE_URL says.
            os.environ["DATABASE_URL"] = "sqlite:///" + os.path.join(
                tempfile.gettempdir(), "hataraku-search-eval-unused.sqlite3"
            )
    execute_from_command_line(["hataraku", command, *rest])


if __name__ == "__main__":
    main()

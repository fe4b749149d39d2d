"""`hataraku` command line: `uv run hataraku serve|demo|createstaff|ledger …`.

Each sub-command is a Django management command; this entry point only picks the settings module and
forwards, so `manage.py` keeps working for everything.
"""

from __future__ import annotations

import os
import sys

USAGE = """usage: hataraku COMMAND [options]

commands:
  serve [--port N]        prepare (migrate, static files, translations, demo data on first run) and serve
                          with gunicorn on http://127.0.0.1:8000 (PORT overrides)
  demo [--accounts] [--json]
                          load the demo data (idempotent); --accounts prints the demo log-ins
  createstaff             create a platform staff account (asks for email and password)
  ledger export FILE      write the whole ledger as Beancount text
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
    elif command == "ledger":
        if not rest:
            print("usage: hataraku ledger export FILE", file=sys.stderr)
            raise SystemExit(2)
        command, rest = f"ledger_{rest[0]}", rest[1:]
    execute_from_command_line(["hataraku", command, *rest])


if __name__ == "__main__":
    main()

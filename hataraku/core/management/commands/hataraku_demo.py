from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from hataraku.core import demo


class Command(BaseCommand):
    help = "Load the demo personas and their data (idempotent). --accounts prints the demo log-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--accounts", action="store_true", help="print the demo accounts, load nothing")
        parser.add_argument("--json", action="store_true", help="with --accounts: print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["accounts"]:
            rows = demo.accounts_table()
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
                return
            headers = ["persona", "role", "email", "password"]
            widths = {h: max(_width(h), *(_width(r[h]) for r in rows)) for h in headers}
            self.stdout.write("  ".join(_pad(h, widths[h]) for h in headers))
            self.stdout.write("  ".join("-" * widths[h] for h in headers))
            for r in rows:
                self.stdout.write("  ".join(_pad(r[h], widths[h]) for h in headers))
            return
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        demo.load()
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. `hataraku demo --accounts` lists the log-ins.")
        )


def _width(text: str) -> int:
    # East Asian wide characters take two columns in a terminal.
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))

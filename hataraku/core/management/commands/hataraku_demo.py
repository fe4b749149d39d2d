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
            # totp_secret: staff and municipal accounts need a second factor; add this base32 secret to an
            # authenticator app (or compute the code from it) to log in as them.
            headers = ["persona", "role", "email", "password", "totp_secret"]
            widths = {h: max(_width(h), *(_width(r[h]) for r in rows)) for h in headers}
            self.stdout.write("  ".join(_pad(h, widths[h]) for h in headers))
            self.stdout.write("  ".join("-" * widths[h] for h in headers))
            for r in rows:
                self.stdout.write("  ".join(_pad(r[h], widths[h]) for h in headers))
            if any(r["role"] in ("staff", "municipal") and not r["totp_secret"] for r in rows):
                self.stdout.write("totp_secret is made when the demo loads: run `hataraku demo` first.")
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

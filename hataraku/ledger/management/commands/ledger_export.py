"""`uv run hataraku ledger export FILE`: the whole ledger as Beancount text ("-" writes to stdout)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hataraku.ledger.export import export_beancount


class Command(BaseCommand):
    help = "Write the whole ledger as Beancount text to FILE (or - for standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="output file, or - for standard output")

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        if file == "-":
            export_beancount(sys.stdout)
            return
        path = Path(file)
        with path.open("w", encoding="utf-8") as out:
            lines = export_beancount(out)
        self.stdout.write(f"{lines} lines written to {path}")

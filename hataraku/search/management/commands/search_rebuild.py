from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hataraku.search.services import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the job search index from the open jobs (safe to run at any time)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        n = index_rebuild(batch_size=options["batch_size"])
        self.stdout.write(f"indexed {n} open jobs")

"""Run (or enqueue) the contracts app's periodic work: funding sync, week releases, auto-acceptance."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hataraku.contracts.tasks import contracts_periodic, run_periodic


class Command(BaseCommand):
    help = "Auto-accept deliveries past the acceptance period and sync escrow funding (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="enqueue for the db_worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = contracts_periodic.enqueue()
            self.stdout.write(f"enqueued {result.id}")
            return
        self.stdout.write(str(run_periodic()))

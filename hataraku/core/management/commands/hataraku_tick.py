from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from hataraku.core.periodic import run_all


class Command(BaseCommand):
    help = "Run the periodic jobs once (cron), or every N seconds with --loop N."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", type=int, default=0, help="repeat every N seconds until stopped")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            results = run_all()
            if options["verbosity"] > 1 or not options["loop"]:
                self.stdout.write(str(results))
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(options["loop"])  # a daemon's pause between ticks, not a test

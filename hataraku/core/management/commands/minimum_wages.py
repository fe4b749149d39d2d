"""`hataraku minimum-wages load CSV --fiscal-year 2026 --source "…"` and `hataraku minimum-wages show`.

Staff load a fiscal year's regional minimum wages (地域別最低賃金) when the new table is published; the CSV
holds `prefecture,amount,effective_from` lines (prefecture as JIS code or name, date YYYY-MM-DD; a header
line is allowed). Every amount shown on the site names the year of the table it came from.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hataraku.core import clock, prefectures, wages
from hataraku.core.errors import DomainError


class Command(BaseCommand):
    help = "Load or show the regional minimum wages (地域別最低賃金)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["load", "show"])
        parser.add_argument("csv", nargs="?", help="load: the CSV file")
        parser.add_argument("--source", default="", help="load: where the figures come from (required)")
        parser.add_argument("--fiscal-year", type=int, help="load: the fiscal year of the table (required)")
        parser.add_argument("--date", help="show: the amounts in effect on this date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            day = dt.date.fromisoformat(options["date"]) if options["date"] else clock.today()
            floors = wages.floors_on(day)
            for code in [p.code for p in prefectures.PREFECTURES] + ["00"]:
                floor = floors.get(code)
                if floor is None:
                    area = "全国加重平均" if code == "00" else prefectures.name(code)
                    self.stdout.write(f"{code} {area}: この日に有効な額の記録がありません")
                else:
                    self.stdout.write(
                        f"{code} {floor.area}: {floor.amount}円 ({floor.fiscal_year}年度の表, "
                        f"{floor.effective_from.isoformat()}から)"
                    )
            return
        if not options["csv"] or not options["fiscal_year"] or not options["source"].strip():
            raise CommandError("usage: hataraku minimum-wages load CSV --fiscal-year YYYY --source TEXT")
        try:
            rows = wages.parse_csv(Path(options["csv"]).read_text(encoding="utf-8-sig"))
            count = wages.minimum_wages_load(
                fiscal_year=options["fiscal_year"], rows=rows, source=options["source"]
            )
        except (OSError, DomainError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self.stdout.write(f"{options['fiscal_year']}年度の最低賃金を{count}件読み込みました。")

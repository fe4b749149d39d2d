"""Regional minimum wages (地域別最低賃金) as data: the shipped FY2025 table, the lookup "which amount applies
in this prefecture on this day", and the CSV loader behind `hataraku minimum-wages load`.

Before a new amount takes effect the previous one applies (最低賃金法14条: a decision takes effect on its
published date). Only the FY2025 table ships: the FY2024 amounts are not stored, so for a day before a
prefecture's FY2025 effective date `floor_for` answers None and the pages say that no figure is stored
rather than guess.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from . import prefectures
from .audit import audit_record
from .compiled import compiled
from .errors import DomainError, ErrorCode
from .models import MinimumWage

FY2025_SOURCE = (
    "厚生労働省「令和7年度地域別最低賃金改定状況」"
    "(https://www.mhlw.go.jp/stf/seisakunitsuite/bunya/koyou_roudou/roudoukijun/minimumichiran/)"
)
# (JIS code, amount in yen per hour, effective date), as listed in issue 11.
FY2025: tuple[tuple[str, int, str], ...] = (
    ("01", 1075, "2025-10-04"), ("02", 1029, "2025-11-21"), ("03", 1031, "2025-12-01"),
    ("04", 1038, "2025-10-04"), ("05", 1031, "2026-03-31"), ("06", 1032, "2025-12-23"),
    ("07", 1033, "2026-01-01"), ("08", 1074, "2025-10-12"), ("09", 1068, "2025-10-01"),
    ("10", 1063, "2026-03-01"), ("11", 1141, "2025-11-01"), ("12", 1140, "2025-10-03"),
    ("13", 1226, "2025-10-03"), ("14", 1225, "2025-10-04"), ("15", 1050, "2025-10-02"),
    ("16", 1062, "2025-10-12"), ("17", 1054, "2025-10-08"), ("18", 1053, "2025-10-08"),
    ("19", 1052, "2025-12-01"), ("20", 1061, "2025-10-03"), ("21", 1065, "2025-10-18"),
    ("22", 1097, "2025-11-01"), ("23", 1140, "2025-10-18"), ("24", 1087, "2025-11-21"),
    ("25", 1080, "2025-10-05"), ("26", 1122, "2025-11-21"), ("27", 1177, "2025-10-16"),
    ("28", 1116, "2025-10-04"), ("29", 1051, "2025-11-16"), ("30", 1045, "2025-11-01"),
    ("31", 1030, "2025-10-04"), ("32", 1033, "2025-11-17"), ("33", 1047, "2025-12-01"),
    ("34", 1085, "2025-11-01"), ("35", 1043, "2025-10-16"), ("36", 1046, "2026-01-01"),
    ("37", 1036, "2025-10-18"), ("38", 1033, "2025-12-01"), ("39", 1023, "2025-12-01"),
    ("40", 1057, "2025-11-16"), ("41", 1030, "2025-11-21"), ("42", 1031, "2025-12-01"),
    ("43", 1034, "2026-01-01"), ("44", 1035, "2026-01-01"), ("45", 1023, "2025-11-16"),
    ("46", 1026, "2025-11-01"), ("47", 1023, "2025-12-01"),
    # The national weighted average has no effective date of its own: the first prefecture's is used.
    (MinimumWage.NATIONAL, 1121, "2025-10-01"),
)  # fmt: skip


def ensure_shipped_tables() -> None:
    """Load the FY2025 table if it is missing (migration 0002 loads it; a database flushed since, as a test
    database between transactional tests, or one built without migrations, gets it back here). Idempotent."""
    if MinimumWage.objects.filter(fiscal_year=2025).exists():
        return
    MinimumWage.objects.bulk_create(
        MinimumWage(
            prefecture=code,
            fiscal_year=2025,
            amount=amount,
            effective_from=dt.date.fromisoformat(day),
            source=FY2025_SOURCE,
        )
        for code, amount, day in FY2025
    )


@dataclass(frozen=True)
class WageFloor:
    """The amount that applies, and where it comes from, so every figure shown can say which table."""

    prefecture: str  # JIS code, or "00" for the national weighted average
    amount: int
    fiscal_year: int
    effective_from: dt.date
    source: str

    @property
    def is_national(self) -> bool:
        return self.prefecture == MinimumWage.NATIONAL

    @property
    def area(self) -> str:
        return _("全国加重平均") if self.is_national else prefectures.name(self.prefecture)

    def label(self) -> str:
        """e.g. 「東京都の最低賃金 1,226円(2025年度の表)」."""
        return _("%(area)sの最低賃金 %(amount)s円(%(year)s年度の表)") % {
            "area": self.area,
            "amount": f"{self.amount:,}",
            "year": self.fiscal_year,
        }


def _floor(row: MinimumWage) -> WageFloor:
    return WageFloor(row.prefecture, row.amount, row.fiscal_year, row.effective_from, row.source)


def floors_on(day: dt.date) -> dict[str, WageFloor]:
    """Every prefecture's amount in effect on `day` (one query), keyed by JIS code ("00": national)."""
    found: dict[str, WageFloor] = {}
    for row in MinimumWage.objects.filter(effective_from__lte=day).order_by("prefecture", "-effective_from"):
        found.setdefault(row.prefecture, _floor(row))
    return found


def floor_for(prefecture: str | None, day: dt.date) -> WageFloor | None:
    """The amount in effect in `prefecture` on `day`: the latest row already in effect. A worker with no
    prefecture gets the national weighted average. None when no stored table covers that day."""
    code = prefecture if prefecture in prefectures.BY_CODE else MinimumWage.NATIONAL
    # SQL built once per process, prefecture and day (core/compiled.py): the job list asks on every search.
    read = compiled(
        ("core.wages.floor_for", code, day),
        lambda: (
            MinimumWage.objects.filter(prefecture=code, effective_from__lte=day)
            .order_by("-effective_from")
            .values_list("prefecture", "amount", "fiscal_year", "effective_from", "source")[:1]
        ),
    )
    rows = read.rows()
    return WageFloor(*rows[0]) if rows else None


def prefecture_code(value: str) -> str | None:
    """A JIS code from "13", "13東京都", "東京都" or "東京" (CSV and eval input); None if unknown."""
    value = (value or "").strip()
    if value.isdigit():
        value = value.zfill(2)
        return value if value in prefectures.BY_CODE or value == MinimumWage.NATIONAL else None
    for p in prefectures.PREFECTURES:
        if value in (p.name_ja, p.name_en) or (value and p.name_ja.rstrip("都道府県") == value):
            return p.code
    if value in ("全国", "全国加重平均", "national"):
        return MinimumWage.NATIONAL
    return None


@dataclass(frozen=True)
class WageRow:
    prefecture: str
    amount: int
    effective_from: dt.date


def parse_csv(text: str) -> list[WageRow]:
    """Rows `prefecture,amount,effective_from` (a header line is allowed; prefecture as JIS code or name;
    date ISO). Raises DomainError naming the first bad line."""
    rows: list[WageRow] = []
    for number, line in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not line or not "".join(line).strip():
            continue
        if number == 1 and not line[1].strip().isdigit():
            continue  # header
        try:
            code = prefecture_code(line[0])
            amount = int(line[1])
            when = dt.date.fromisoformat(line[2].strip())
        except (IndexError, ValueError):
            code = None
        if code is None or amount <= 0:
            raise DomainError(
                ErrorCode.DOMAIN_ERROR,
                _("%(n)s行目が読めません。「都道府県,金額,発効日(YYYY-MM-DD)」の形にしてください。")
                % {"n": number},
            )
        rows.append(WageRow(code, amount, when))
    return rows


@transaction.atomic
def minimum_wages_load(
    *, fiscal_year: int, rows: Iterable[WageRow], source: str, actor: object = None
) -> int:
    """Store one fiscal year's table (replacing that year's rows, so a corrected CSV can be loaded again).
    Every prefecture must be present: a partial table would silently keep last year's amount somewhere."""
    rows = list(rows)
    if not source.strip():
        raise DomainError(ErrorCode.DOMAIN_ERROR, _("出典を入力してください。"))
    missing = set(prefectures.BY_CODE) - {r.prefecture for r in rows}
    if missing:
        raise DomainError(
            ErrorCode.DOMAIN_ERROR,
            _("次の都道府県がありません: %(names)s")
            % {"names": "、".join(prefectures.name(c) for c in sorted(missing))},
        )
    MinimumWage.objects.filter(fiscal_year=fiscal_year).delete()
    MinimumWage.objects.bulk_create(
        MinimumWage(
            prefecture=r.prefecture,
            fiscal_year=fiscal_year,
            amount=r.amount,
            effective_from=r.effective_from,
            source=source.strip(),
        )
        for r in rows
    )
    audit_record(
        actor=actor,
        action="minimum_wages.load",
        data={"fiscal_year": fiscal_year, "rows": len(rows), "source": source.strip()},
    )
    return len(rows)

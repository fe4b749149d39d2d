"""The 47 prefectures of Japan with their JIS X 0401 codes."""

from __future__ import annotations

from typing import Any, NamedTuple

from django.utils.functional import lazy
from django.utils.translation import get_language


class Prefecture(NamedTuple):
    code: str  # JIS X 0401, two digits
    name_ja: str
    name_en: str


PREFECTURES: tuple[Prefecture, ...] = (
    Prefecture("01", "北海道", "Hokkaido"),
    Prefecture("02", "青森県", "Aomori"),
    Prefecture("03", "岩手県", "Iwate"),
    Prefecture("04", "宮城県", "Miyagi"),
    Prefecture("05", "秋田県", "Akita"),
    Prefecture("06", "山形県", "Yamagata"),
    Prefecture("07", "福島県", "Fukushima"),
    Prefecture("08", "茨城県", "Ibaraki"),
    Prefecture("09", "栃木県", "Tochigi"),
    Prefecture("10", "群馬県", "Gunma"),
    Prefecture("11", "埼玉県", "Saitama"),
    Prefecture("12", "千葉県", "Chiba"),
    Prefecture("13", "東京都", "Tokyo"),
    Prefecture("14", "神奈川県", "Kanagawa"),
    Prefecture("15", "新潟県", "Niigata"),
    Prefecture("16", "富山県", "Toyama"),
    Prefecture("17", "石川県", "Ishikawa"),
    Prefecture("18", "福井県", "Fukui"),
    Prefecture("19", "山梨県", "Yamanashi"),
    Prefecture("20", "長野県", "Nagano"),
    Prefecture("21", "岐阜県", "Gifu"),
    Prefecture("22", "静岡県", "Shizuoka"),
    Prefecture("23", "愛知県", "Aichi"),
    Prefecture("24", "三重県", "Mie"),
    Prefecture("25", "滋賀県", "Shiga"),
    Prefecture("26", "京都府", "Kyoto"),
    Prefecture("27", "大阪府", "Osaka"),
    Prefecture("28", "兵庫県", "Hyogo"),
    Prefecture("29", "奈良県", "Nara"),
    Prefecture("30", "和歌山県", "Wakayama"),
    Prefecture("31", "鳥取県", "Tottori"),
    Prefecture("32", "島根県", "Shimane"),
    Prefecture("33", "岡山県", "Okayama"),
    Prefecture("34", "広島県", "Hiroshima"),
    Prefecture("35", "山口県", "Yamaguchi"),
    Prefecture("36", "徳島県", "Tokushima"),
    Prefecture("37", "香川県", "Kagawa"),
    Prefecture("38", "愛媛県", "Ehime"),
    Prefecture("39", "高知県", "Kochi"),
    Prefecture("40", "福岡県", "Fukuoka"),
    Prefecture("41", "佐賀県", "Saga"),
    Prefecture("42", "長崎県", "Nagasaki"),
    Prefecture("43", "熊本県", "Kumamoto"),
    Prefecture("44", "大分県", "Oita"),
    Prefecture("45", "宮崎県", "Miyazaki"),
    Prefecture("46", "鹿児島県", "Kagoshima"),
    Prefecture("47", "沖縄県", "Okinawa"),
)

BY_CODE: dict[str, Prefecture] = {p.code: p for p in PREFECTURES}


def name(code: str, language: str | None = None) -> str:
    """The prefecture's name in `language`, by default the reader's (長野県 / Nagano)."""
    pref = BY_CODE[code]
    language = language or get_language() or "ja"
    return pref.name_en if language.startswith("en") else pref.name_ja


# Form and model choices: the label is worked out when shown, in the reader's language.
CHOICES: list[tuple[str, Any]] = [(p.code, lazy(name, str)(p.code)) for p in PREFECTURES]

"""Municipalities (市区町村) and their 全国地方公共団体コード (JIS X 0402).

The code has six digits: the prefecture's two (JIS X 0401), three for the municipality, and a check digit
(検査数字) computed by modulus 11 over the first five with weights 6, 5, 4, 3, 2: the last digit of
11 − (sum mod 11). 日南市 is 45204 → 6·4 + 5·5 + 4·2 + 3·0 + 2·4 = 65, 65 mod 11 = 10, 11 − 10 = 1 → 452041.
A mistyped digit or two swapped neighbours change the check digit, so a code copied by hand is caught.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hataraku.core.prefectures import PREFECTURES

WEIGHTS = (6, 5, 4, 3, 2)
PREFECTURE_CODES = frozenset(p.code for p in PREFECTURES)
PREFECTURE_CHOICES = [(p.code, p.name_ja) for p in PREFECTURES]


def jis_check_digit(first_five: str) -> int:
    if len(first_five) != 5 or not first_five.isascii() or not first_five.isdigit():
        raise ValueError("five ASCII digits expected")
    total = sum(int(d) * w for d, w in zip(first_five, WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def jis_code_error(value: str) -> str | None:
    """Why `value` is not a municipality's six-digit code, in words staff can act on; None when it is."""
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        return str(_("全国地方公共団体コードは半角数字6桁で入力してください(例: 日南市は452041)。"))
    if value[:2] not in PREFECTURE_CODES:
        return str(_("はじめの2桁が都道府県コード(01〜47)になっていません。"))
    if value[2:5] == "000":
        return str(_("これは都道府県そのもののコードです。市区町村のコードを入力してください。"))
    if jis_check_digit(value[:5]) != int(value[5]):
        return str(_("6桁目(検査数字)が合いません。数字の打ち間違いがないか確かめてください。"))
    return None


def validate_jis_code(value: str) -> None:
    message = jis_code_error(value or "")
    if message:
        raise ValidationError(message, code="invalid_jis_code")


def prefecture_name(code: str) -> str:
    return next((p.name_ja for p in PREFECTURES if p.code == code), "")

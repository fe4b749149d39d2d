"""Validators shared by several apps. Messages are Japanese first and say how to fix the input."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INVOICE_RE = re.compile(r"^T(\d{13})$")


def corporate_number_check_digit(base12: str) -> int:
    """Check digit of a 13-digit corporate number (法人番号), given its 12 lower digits.

    9 − (Σ Pn × Qn mod 9), where Pn is the n-th digit counted from the right and Qn is 1 for odd n and
    2 for even n (国税庁「法人番号の指定」).
    """
    total = 0
    for n, digit in enumerate(reversed(base12), start=1):
        total += int(digit) * (1 if n % 2 else 2)
    return 9 - (total % 9)


def normalise_invoice_number(value: str) -> str:
    """Accept full-width characters, spaces and hyphens people type, return `T` + 13 digits."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", value or "").upper()
    return re.sub(r"[\s\-‐－ー]", "", cleaned)


def validate_invoice_number(value: str) -> None:
    """A qualified-invoice issuer registration number (適格請求書発行事業者登録番号): `T` + 13 digits whose
    first digit is the corporate-number check digit."""
    match = _INVOICE_RE.match(value or "")
    if not match:
        raise ValidationError(
            _("登録番号は「T」と13桁の数字で入力してください(例: T1234567890123)。"),
            code="invoice_format",
        )
    digits = match.group(1)
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        raise ValidationError(
            _("登録番号のチェックディジット(Tの次の1桁)が一致しません。番号をもう一度ご確認ください。"),
            code="invoice_check_digit",
        )

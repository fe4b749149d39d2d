"""Yen arithmetic. Yen are Python ints; rates are Decimals; every rounding is explicit.

Rule: amounts a person receives or pays are rounded *down* to the whole yen (切り捨て) unless a law or
our terms say otherwise; the rounding mode is named at each call so that a reader never has to guess.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

Yen = int

CONSUMPTION_TAX_RATE = Decimal("0.10")


def apply_rate(amount: Yen, rate: Decimal, *, rounding: str = ROUND_DOWN) -> Yen:
    """`amount` × `rate`, rounded to a whole yen with `rounding` (down by default)."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("yen amounts are integers")
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=rounding))


def consumption_tax(amount: Yen) -> Yen:
    """Consumption tax on a tax-exclusive amount, rounded down (the common invoice practice)."""
    return apply_rate(amount, CONSUMPTION_TAX_RATE, rounding=ROUND_DOWN)


def round_half_up(value: Decimal) -> Yen:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_yen(amount: Yen) -> str:
    """¥1,234 — the sign before the symbol for negative amounts."""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,}"

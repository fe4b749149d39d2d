"""Small pieces every ledger service shares: the outside-a-transaction guard and the amount check."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from hataraku.core.errors import DomainError, ErrorCode

from ..models import Account

Line = tuple[Account, int]
"""One posting to be written: the account and its signed amount (debit positive, credit negative)."""

PROVIDER_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")


class LedgerOutsideTransaction(RuntimeError):
    """An internal ledger writer was called without a surrounding transaction (a programming error)."""


def _require_atomic() -> None:
    if not connection.in_atomic_block:
        raise LedgerOutsideTransaction("ledger postings must be written inside transaction.atomic")


def _check_amount(amount: Any, *, label: str | None = None, allow_zero: bool = False) -> int:
    label = label or _("金額")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("%(label)sは円単位の整数で指定してください。") % {"label": label}
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise DomainError(
            ErrorCode.INVALID_AMOUNT, _("%(label)sは1円以上にしてください。") % {"label": label}
        )
    return amount


def _check_provider(provider: str) -> None:
    if not PROVIDER_RE.match(provider or ""):
        raise DomainError(ErrorCode.INVALID_PROVIDER, _("決済代行の名前が正しくありません。"))


def _pk(obj: Any) -> Any:
    return getattr(obj, "pk", None)

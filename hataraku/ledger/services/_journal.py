"""Writing one journal entry: the last step of every money-moving service, and the guard of the balances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode
from hataraku.core.money import format_yen

from ..constants import NON_NEGATIVE_KINDS, AccountKind
from ..models import Account, Escrow, IdempotencyKey, JournalEntry, Posting
from ._common import Line, _require_atomic

_SHORTFALL_MESSAGES: dict[str, Any] = {
    AccountKind.ESCROW_HELD: gettext_lazy("仮払いの残高(%(balance)s)を超える金額は動かせません。"),
    AccountKind.WORKER_PAYABLE: gettext_lazy("出金できる残高(%(balance)s)を超えています。"),
    AccountKind.WORKER_IN_TRANSIT: gettext_lazy("振込手続き中の金額(%(balance)s)を超えています。"),
    AccountKind.CLIENT_REFUNDABLE: gettext_lazy("返金可能残高(%(balance)s)を超えています。"),
    AccountKind.CLIENT_RESERVED: gettext_lazy("仮払いのために取り置いた残高(%(balance)s)を超えています。"),
}


def _write_posting(entry: JournalEntry, account: Account, amount: int) -> Posting:
    # One INSERT per posting (not bulk_create) so a failure between postings can be injected in tests
    # and shown to leave nothing behind.
    return Posting.objects.create(entry=entry, account=account, amount=amount)


def _post_entry(
    *,
    kind: str,
    lines: Sequence[Line],
    memo: str = "",
    idem: IdempotencyKey | None = None,
    escrow: Escrow | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Write one balanced journal entry. Locks the guarded accounts it touches in id order (the last step
    of the lock order, see `_locking`), then checks that none of them would go below zero. Caller holds the
    escrow/payout locks already."""
    _require_atomic()
    lines = [(account, amount) for account, amount in lines if amount != 0]
    if not lines or sum(amount for _, amount in lines) != 0:
        raise ValueError(f"unbalanced or empty entry {kind}: {[(a.code, n) for a, n in lines]}")
    delta: dict[int, int] = {}
    for account, amount in lines:
        delta[account.pk] = delta.get(account.pk, 0) + amount
    guarded = sorted({a.pk for a, _ in lines if a.kind in NON_NEGATIVE_KINDS})
    if guarded:
        locked = list(Account.objects.select_for_update().filter(pk__in=guarded).order_by("pk"))
        balances = dict(
            Posting.objects.filter(account_id__in=guarded)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .values_list("account_id", "total")
        )
        for account in locked:
            owed = -(balances.get(account.pk) or 0)
            if owed - delta[account.pk] < 0:
                raise DomainError(
                    ErrorCode.INSUFFICIENT_BALANCE,
                    str(_SHORTFALL_MESSAGES[account.kind]) % {"balance": format_yen(owed)},
                    account=account.code,
                )
    entry = JournalEntry.objects.create(
        occurred_at=clock.now(),
        kind=kind,
        memo=memo[:300],
        idempotency_key=idem,
        escrow=escrow,
        reverses=reverses,
    )
    for account, amount in lines:
        _write_posting(entry, account, amount)
    return entry

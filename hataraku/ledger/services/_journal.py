"""Writing one journal entry: the last step of every money-moving service, and the guard of the balances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy

from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode
from hataraku.core.money import format_yen

from ..constants import NON_NEGATIVE_KINDS, AccountKind
from ..models import Account, Escrow, IdempotencyKey, JournalEntry, Posting
from ._common import Line, _require_atomic
from .accounts import is_cached, refresh_cached

_SHORTFALL_MESSAGES: dict[str, Any] = {
    AccountKind.ESCROW_HELD: gettext_lazy("仮払いの残高(%(balance)s)を超える金額は動かせません。"),
    AccountKind.WORKER_PAYABLE: gettext_lazy("出金できる残高(%(balance)s)を超えています。"),
    AccountKind.WORKER_IN_TRANSIT: gettext_lazy("振込手続き中の金額(%(balance)s)を超えています。"),
    AccountKind.CLIENT_REFUNDABLE: gettext_lazy("返金可能残高(%(balance)s)を超えています。"),
    AccountKind.CLIENT_RESERVED: gettext_lazy("仮払いのために取り置いた残高(%(balance)s)を超えています。"),
}


def _write_postings(entry: JournalEntry, lines: Sequence[Line]) -> list[Posting]:
    # One INSERT for all of an entry's postings. On PostgreSQL the deferred trigger of migration 0002
    # still checks, at commit, that the entry sums to zero; a failure after this point (the settlement,
    # the audit row, the key's result) rolls the entry and its postings back together, which the
    # crash-injection test proves by failing right here, after the rows are written.
    return Posting.objects.bulk_create(
        [Posting(entry=entry, account=account, amount=amount) for account, amount in lines]
    )


def _balances_and_check(guarded: list[int], cached: list[Account]) -> dict[int, int] | None:
    """One round trip: the balances of the guarded accounts (already locked by the caller) and, folded into
    the same statement, the (id, code) of the system accounts taken from the per-process cache. Answers
    None when a cached account is not (or no longer) the row it was: a test that rolled back or flushed
    the database under a long-lived process."""
    qn = connection.ops.quote_name
    posting, account = Posting._meta.db_table, Account._meta.db_table
    parts: list[str] = []
    params: list[Any] = []
    if guarded:
        # Quoted identifiers only are formatted in; every value is a parameter.
        parts.append(
            f"SELECT {qn('account_id')}, SUM({qn('amount')}), NULL FROM {qn(posting)} "  # noqa: S608
            f"WHERE {qn('account_id')} IN ({', '.join(['%s'] * len(guarded))}) GROUP BY {qn('account_id')}"
        )
        params += guarded
    if cached:
        parts.append(
            f"SELECT {qn('id')}, NULL, {qn('code')} FROM {qn(account)} "  # noqa: S608
            f"WHERE {qn('id')} IN ({', '.join(['%s'] * len(cached))})"
        )
        params += [a.pk for a in cached]
    balances: dict[int, int] = {}
    seen: dict[int, str] = {}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for pk, total, code in cursor.fetchall():
                if code is None:
                    balances[pk] = int(total or 0)
                else:
                    seen[pk] = code
    if any(seen.get(a.pk) != a.code for a in cached):
        return None
    return balances


def _post_entry(
    *,
    kind: str,
    lines: Sequence[Line],
    memo: str = "",
    idem: IdempotencyKey | None = None,
    escrow: Escrow | None = None,
    reverses: JournalEntry | None = None,
    prelocked: frozenset[int] = frozenset(),
) -> JournalEntry:
    """Write one balanced journal entry. Locks the guarded accounts it takes money from in id order (the
    last step of the lock order, see `_locking`), then checks that none of them would go below zero.
    Caller holds the escrow/payout locks already. System accounts from the per-process cache
    (`accounts._system`) are checked in the same statement as the balances and looked up afresh if they
    went stale.

    Only a debit can take a guarded (liability) account below zero: one the entry only pays into is
    neither locked nor read (a concurrent debit of it, under its own lock, sees this credit or not — either
    way its check is on the safe side). `prelocked` names accounts the caller already holds locked for
    this entry (an escrow's held account, under the escrow lock that every debit of it takes): they are
    checked in the same read as the others, without a second lock."""
    _require_atomic()
    lines = [(account, amount) for account, amount in lines if amount != 0]
    if not lines or sum(amount for _, amount in lines) != 0:
        raise ValueError(f"unbalanced or empty entry {kind}: {[(a.code, n) for a, n in lines]}")
    delta: dict[int, int] = {}
    for account, amount in lines:
        delta[account.pk] = delta.get(account.pk, 0) + amount
    debited = {a.pk: a for a, _ in lines if a.kind in NON_NEGATIVE_KINDS and delta[a.pk] > 0}
    guarded = sorted(debited)
    to_lock = [pk for pk in guarded if pk not in prelocked]
    locked: list[Account] = [debited[pk] for pk in guarded if pk in prelocked]
    if to_lock:
        locked += list(Account.objects.select_for_update().filter(pk__in=to_lock).order_by("pk"))
    cached = list({a.pk: a for a, _ in lines if is_cached(a)}.values())
    balances = _balances_and_check(guarded, cached)
    if balances is None:
        # A cached account went stale (a test flushed the rows under this process): write the entry again
        # from fresh accounts, so its locks and balance checks are taken on the right rows.
        return _post_entry(
            kind=kind,
            lines=refresh_cached(lines),
            memo=memo,
            idem=idem,
            escrow=escrow,
            reverses=reverses,
            prelocked=prelocked,
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
    _write_postings(entry, lines)
    return entry

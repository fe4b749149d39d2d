"""The whole ledger as Beancount text, so an accountant (or `bean-check`) can verify it with a tool that
is not ours. Accounts keep our codes (`Assets:Platform:Bank`, `Liabilities:Escrow:E12`, …) and our sign
convention (debit positive), which is Beancount's too. Dates are Japan dates. At the end every account
gets a `balance` assertion dated the day after the last entry (Beancount checks balances at the start of
that day), so loading the file proves our derived balances."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TextIO

from django.db.models import Min

from hataraku.core import clock

from . import selectors
from .models import Account, JournalEntry, Posting


def _date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(clock.TOKYO).date()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def beancount_lines() -> Iterator[str]:
    yield 'option "title" "Hataraku ledger"'
    yield 'option "operating_currency" "JPY"'
    yield ""
    first_use = dict(
        Posting.objects.values("account_id")
        .annotate(first=Min("entry__occurred_at"))
        .values_list("account_id", "first")
    )
    accounts = list(Account.objects.order_by("code"))
    for account in accounts:
        opened = _date(account.opened_at)
        if account.pk in first_use:
            opened = min(opened, _date(first_use[account.pk]))
        yield f"{opened.isoformat()} open {account.code} JPY"
    yield ""
    last_day: dt.date | None = None
    entries = JournalEntry.objects.prefetch_related("postings__account").order_by("occurred_at", "id")
    for entry in entries.iterator(chunk_size=500):
        day = _date(entry.occurred_at)
        last_day = day if last_day is None or day > last_day else last_day
        yield f"{day.isoformat()} * {_quote(entry.get_kind_display())} {_quote(entry.memo)}"
        yield f"  hataraku_entry: {entry.pk}"
        if entry.reverses_id:
            yield f"  reverses: {entry.reverses_id}"
        for posting in entry.postings.all():
            yield f"  {posting.account.code}  {posting.amount} JPY"
        yield ""
    if last_day is None:
        return
    check_day = last_day + dt.timedelta(days=1)
    totals = selectors.trial_balance()
    for account in accounts:
        yield f"{check_day.isoformat()} balance {account.code}  {totals.get(account.code, 0)} JPY"


def export_beancount(out: TextIO) -> int:
    """Write the ledger to `out`; return the number of lines written."""
    count = 0
    for line in beancount_lines():
        out.write(line + "\n")
        count += 1
    return count

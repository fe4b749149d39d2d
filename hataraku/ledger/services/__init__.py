"""Every yen on the platform moves through these services.

Shared shape of each money-moving service:
* it opens its own `transaction.atomic` (nesting in the caller's transaction is fine and expected: a
  contract's `milestone_accept` calls `escrow_release` inside its own atomic block);
* it claims its idempotency key first, in one statement (`INSERT … ON CONFLICT DO NOTHING`): the same key
  with the same parameters returns the first result and writes nothing; the same key with other
  parameters is a `DomainError`;
* it locks rows in one fixed order — payout hold or escrow → fee group → the person/escrow-owned ledger
  accounts it touches, ordered by id (`select_for_update`; on SQLite the IMMEDIATE transactions of our
  settings serialise writers instead). System accounts (fee income, tax payable, bank) are never locked:
  they may go either way, and locking them would make every release wait for every other one
  (`_locking`);
* the postings are written by `_journal._post_entry`, which refuses to run outside a transaction, checks
  that the entry sums to zero and that no escrow, worker payable, in-transit or client refundable balance
  would go below zero, and only then writes the entry and all its postings (one INSERT for the postings);
* what needs no lock (the worker's payable account, the platform's accounts, which each process caches
  and `_post_entry` re-checks in the statement it runs anyway) is looked up before the first lock, so
  locks are held for as few statements as possible;
* it writes `audit_record` in the same transaction (a funding's move through `core.state.transition`).

Sign convention: debit positive, credit negative (see models.py).

Modules: `escrows` (open), `fundings` (money in: fund, post, void), `settlements` (money out of an escrow:
release, refund, split; and a client's balance back out), `payouts` (a worker's payout hold), `reversals`
(corrections), `accounts` (opening accounts); `_locking`, `_journal` and `_common` are shared internals.
Import the services from this package (`from hataraku.ledger import services`).
"""

from __future__ import annotations

from ..constants import PAYOUT_TRANSFER_FEE, FeePlan, FundingSource
from ._common import LedgerOutsideTransaction
from .accounts import owner_account, system_account
from .client_withdrawals import client_withdrawal_fail, client_withdrawal_reserve, client_withdrawal_settle
from .escrows import escrow_open
from .fundings import escrow_fund, funding_post, funding_void
from .payouts import payout_fail, payout_reserve, payout_settle
from .reversals import entry_reverse
from .settlements import client_money_out, escrow_refund, escrow_release, escrow_split

__all__ = [
    "PAYOUT_TRANSFER_FEE",
    "FeePlan",
    "FundingSource",
    "LedgerOutsideTransaction",
    "client_money_out",
    "client_withdrawal_fail",
    "client_withdrawal_reserve",
    "client_withdrawal_settle",
    "entry_reverse",
    "escrow_fund",
    "escrow_open",
    "escrow_refund",
    "escrow_release",
    "escrow_split",
    "funding_post",
    "funding_void",
    "owner_account",
    "payout_fail",
    "payout_reserve",
    "payout_settle",
    "system_account",
]

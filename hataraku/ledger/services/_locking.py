"""The fixed lock order of every money-moving service, and the locks before the accounts.

Order: payout hold or escrow → (funding) → fee group → the person/escrow-owned ledger accounts the entry
touches, ordered by id (`_journal._post_entry` takes those last). Every service takes the locks it needs in
this order and never the other way round, so two services can never wait on each other. An escrow's held
account is debited only under its escrow's lock, so a release checks it without locking it again
(`_post_entry(prelocked=...)`). On SQLite the IMMEDIATE transactions of our settings serialise writers
instead. System accounts (fee income, tax payable, bank) are never locked: they may go either way, and
locking them would make every release wait for every other one.
"""

from __future__ import annotations

from ..models import Escrow, FeeGroup
from ..previews import released_subquery


def _lock_escrow(escrow: Escrow) -> Escrow:
    """First lock of every escrow service: the escrow row (with its fee group and held account read)."""
    return (
        Escrow.objects.select_for_update(of=("self",))
        .select_related("fee_group", "held_account")
        .get(pk=escrow.pk)
    )


def _lock_fee_group(escrow: Escrow) -> int:
    """Second lock of a release: the fee group, so two releases of one contract cannot both count the same
    cumulative amount for the tiered fee. Answers that amount (`previews.fee_group_released`), read in the
    statement that takes the lock. Caller holds the escrow lock."""
    row = (
        FeeGroup.objects.select_for_update(of=("self",))
        .filter(pk=escrow.fee_group_id)
        .annotate(released=released_subquery())
        .values_list("released", flat=True)
        .first()
    )
    return int(row or 0)

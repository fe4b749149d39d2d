"""The fixed lock order of every money-moving service, and the locks before the accounts.

Order: payout hold or escrow → (funding) → fee group → the person/escrow-owned ledger accounts the entry
touches, ordered by id (`_journal._post_entry` takes those last). Every service takes the locks it needs in
this order and never the other way round, so two services can never wait on each other. On SQLite the
IMMEDIATE transactions of our settings serialise writers instead. System accounts (fee income, tax payable,
bank) are never locked: they may go either way, and locking them would make every release wait for every
other one.
"""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from hataraku.core.errors import DomainError, ErrorCode
from hataraku.core.money import format_yen

from ..models import Escrow, FeeGroup, Posting


def _lock_escrow(escrow: Escrow) -> Escrow:
    """First lock of every escrow service: the escrow row (with its fee group and held account read)."""
    return (
        Escrow.objects.select_for_update(of=("self",))
        .select_related("fee_group", "held_account")
        .get(pk=escrow.pk)
    )


def _lock_fee_group(escrow: Escrow) -> None:
    """Second lock of a release: the fee group, so two releases of one contract cannot both count the same
    cumulative amount for the tiered fee. Caller holds the escrow lock."""
    FeeGroup.objects.select_for_update().filter(pk=escrow.fee_group_id).first()


def _held(escrow: Escrow) -> int:
    total = Posting.objects.filter(account__escrow=escrow).aggregate(t=Sum("amount"))["t"] or 0
    return -int(total)


def _require_held(escrow: Escrow, amount: int) -> None:
    """Refuse to move more than the escrow holds. Caller holds the escrow lock, so the sum cannot change
    underneath."""
    held = _held(escrow)
    if amount > held:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("仮払いの残高(%(held)s)を超える金額(%(amount)s)は動かせません。")
            % {"held": format_yen(held), "amount": format_yen(amount)},
        )

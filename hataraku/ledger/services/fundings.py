"""A client's money into an escrow: recorded pending (`escrow_fund`), then posted once it is ours
(`funding_post`) or voided when it will never come (`funding_void`).

`Funding.status` is the one truth of whether the money arrived; it moves only along `FUNDING_MACHINE`
(pending → posted | voided) through `core.state.transition`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, events, state
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import FUNDING_MACHINE, AccountKind, EntryKind, FundingSource, FundingStatus
from ..events import FundingPosted, FundingRequested, FundingVoided
from ..idempotency import idempotent
from ..models import Escrow, Funding, IdempotencyKey
from ._common import _check_amount, _check_provider
from ._journal import _post_entry
from ._locking import _lock_escrow
from .accounts import _source_account, owner_account


def escrow_fund(
    *,
    escrow: Escrow,
    amount: int,
    source: str,
    actor: User | None,
    idempotency_key: str,
    provider: str = "",
) -> Funding:
    """Record a client's payment into `escrow` as a **pending** funding: awaiting the bank transfer, or the
    provider's confirmation (no postings yet), or — from the client's refundable balance — with that money
    set aside at once (refundable → reserved, `EntryKind.FUNDING_RESERVE`), so that posting it later
    cannot fail and two fundings can never count on the same yen; refused when the balance is short.
    `source` is a `FundingSource`; `provider` (e.g. "stripe") is required for `FundingSource.PROVIDER`
    and names its clearing account. Post it with `funding_post` once the money is ours, or drop it with
    `funding_void`. Announces `FundingRequested` after commit. Locks escrow → accounts when the money is set
    aside from the balance; otherwise takes no lock."""
    _check_amount(amount)
    if source not in FundingSource.values:
        raise DomainError(ErrorCode.INVALID_SOURCE, _("入金方法が正しくありません。"))
    if source == FundingSource.PROVIDER:
        _check_provider(provider)
    params = {"escrow": escrow.pk, "amount": amount, "source": str(source), "provider": provider}

    def body(idem: IdempotencyKey) -> Funding:
        # A pending funding moves no money: only setting aside the client's balance needs the escrow lock
        # (escrow → accounts). Otherwise the new row's foreign key is lock enough (the escrow cannot go away).
        reserve = None
        locked = escrow
        if source == FundingSource.CLIENT_BALANCE:
            locked = _lock_escrow(escrow)
            reserve = _post_entry(
                kind=EntryKind.FUNDING_RESERVE,
                lines=[
                    (owner_account(AccountKind.CLIENT_REFUNDABLE, locked.client), amount),
                    (owner_account(AccountKind.CLIENT_RESERVED, locked.client), -amount),
                ],
                memo=f"仮払いのために残高を取り置き {locked.reference}",
                idem=idem,
                escrow=locked,
            )
        funding = Funding.objects.create(
            escrow=locked,
            amount=amount,
            source=source,
            provider=provider if source == FundingSource.PROVIDER else "",
            created_at=clock.now(),
            reserve_entry=reserve,
        )
        audit_record(actor=actor, action="ledger.escrow_fund", target=funding, data=params)
        events.announce(
            FundingRequested(
                escrow_id=locked.pk,
                reference=locked.reference,
                funding_id=funding.pk,
                amount=amount,
                source=str(source),
            )
        )
        return funding

    return idempotent(scope="escrow_fund", key=idempotency_key, params=params, body=body)


def _refusal() -> str:
    return _("この入金は「%(status)s」のため、もう変更できません。")


def _lock_funding(funding: Funding, target: str) -> Funding:
    """Lock escrow → funding and refuse a move the machine does not allow before any posting is written
    (a second post of a balance funding would otherwise fail on the emptied reserve, with the wrong
    message)."""
    # One statement locks both rows (escrow → funding in the lock order: nothing else locks a funding, and
    # every service that locks an escrow without its funding never asks for the funding afterwards).
    locked = (
        Funding.objects.select_for_update(of=("self", "escrow"))
        .select_related("escrow__fee_group", "escrow__held_account")
        .get(pk=funding.pk)
    )
    if not FUNDING_MACHINE.allows(locked.status, target):
        raise FUNDING_MACHINE.refuse(locked.status, target, _refusal())
    return locked


def _posted_event(row: Funding, previous: str) -> FundingPosted:
    return FundingPosted(
        escrow_id=row.escrow.pk, reference=row.escrow.reference, funding_id=row.pk, amount=row.amount
    )


def _voided_event(row: Funding, previous: str) -> FundingVoided:
    return FundingVoided(
        escrow_id=row.escrow.pk, reference=row.escrow.reference, funding_id=row.pk, amount=row.amount
    )


def funding_post(*, funding: Funding, actor: User | None, idempotency_key: str) -> Funding:
    """Post a pending funding: the money is now held in the escrow (debit bank / provider clearing / the
    client's refundable balance, credit the escrow's held account). Locks escrow → funding → accounts.
    A second post is refused (`InvalidTransition`) unless it repeats the first call's key. Announces
    `FundingPosted` after commit."""
    params = {"funding": funding.pk}

    def body(idem: IdempotencyKey) -> Funding:
        locked = _lock_funding(funding, FundingStatus.POSTED)
        escrow = locked.escrow
        if locked.reserve_entry_id is not None:
            # The money was set aside when the funding was made; it comes from there. (A balance
            # funding made before reservations existed still comes straight from the refundable account.)
            source = owner_account(AccountKind.CLIENT_RESERVED, escrow.client)
        else:
            # Only a balance funding reads the client (one query fewer while the locks are held).
            by_balance = locked.source == FundingSource.CLIENT_BALANCE
            source = _source_account(locked.source, locked.provider, escrow.client if by_balance else None)
        entry = _post_entry(
            kind=EntryKind.FUNDING,
            lines=[(source, locked.amount), (escrow.held_account, -locked.amount)],
            memo=f"仮払い入金 {escrow.reference}",
            idem=idem,
            escrow=escrow,
        )
        return state.transition(
            locked,
            target=FundingStatus.POSTED,
            actor=actor,
            action="ledger.funding_post",
            fields={"entry": entry, "decided_at": clock.now()},
            data={"entry": entry.pk},
            refusal=_refusal(),
            event=_posted_event,
            locked=True,
        )

    return idempotent(scope="funding_post", key=idempotency_key, params=params, body=body, result=funding)


def funding_void(*, funding: Funding, actor: User | None, idempotency_key: str) -> Funding:
    """Drop a pending funding that will never arrive (transfer not made, card declined): no postings, except
    that money set aside from the client's refundable balance goes back to it. Only a pending funding can
    be voided; a posted one is returned with `escrow_refund`. Announces `FundingVoided` after commit.
    Locks escrow → funding → accounts."""
    params = {"funding": funding.pk}

    def body(idem: IdempotencyKey) -> Funding:
        locked = _lock_funding(funding, FundingStatus.VOIDED)
        if locked.reserve_entry_id is not None:
            client = locked.escrow.client
            _post_entry(
                kind=EntryKind.FUNDING_UNRESERVE,
                lines=[
                    (owner_account(AccountKind.CLIENT_RESERVED, client), locked.amount),
                    (owner_account(AccountKind.CLIENT_REFUNDABLE, client), -locked.amount),
                ],
                memo=f"仮払いの取り置きを残高に戻しました {locked.escrow.reference}",
                idem=idem,
                escrow=locked.escrow,
            )
        return state.transition(
            locked,
            target=FundingStatus.VOIDED,
            actor=actor,
            action="ledger.funding_void",
            fields={"decided_at": clock.now()},
            refusal=_refusal(),
            event=_voided_event,
            locked=True,
        )

    return idempotent(scope="funding_void", key=idempotency_key, params=params, body=body, result=funding)

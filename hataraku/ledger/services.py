"""Every yen on the platform moves through these services.

Shared shape of each money-moving service:
* it opens its own `transaction.atomic` (nesting in the caller's transaction is fine and expected: a
  contract's `milestone_accept` calls `escrow_release` inside its own atomic block);
* it claims its idempotency key first, in a savepoint: the same key with the same parameters returns the
  first result and writes nothing; the same key with other parameters is a `DomainError`;
* it locks rows in one fixed order — payout hold or escrow → fee group → the person/escrow-owned ledger
  accounts it touches, ordered by id (`select_for_update`; on SQLite the IMMEDIATE transactions of our
  settings serialise writers instead). System accounts (fee income, tax payable, bank) are never locked:
  they may go either way, and locking them would make every release wait for every other one;
* the postings are written by `_post_entry`, which refuses to run outside a transaction, checks that the
  entry sums to zero and that no escrow, worker payable, in-transit or client refundable balance would
  go below zero, and only then writes;
* it writes `audit_record` in the same transaction.

Sign convention: debit positive, credit negative (see models.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.core import clock, events
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, InvalidTransition
from hataraku.core.money import (
    FeeBreakdown,
    fee_schedule_on,
    format_yen,
    project_fee,
    task_fee,
    withholding_tax,
)

from .constants import (
    FUNDING_TRANSITIONS,
    KIND_TYPE,
    NON_NEGATIVE_KINDS,
    PAYOUT_MINIMUM,
    PAYOUT_TRANSFER_FEE,
    PAYOUT_TRANSITIONS,
    AccountKind,
    EntryKind,
    FeePlan,
    FundingSource,
    FundingStatus,
    PayoutStatus,
    SettlementKind,
    transition_allowed,
)
from .events import EscrowRefunded, EscrowReleased, FundingPosted
from .idempotency import idempotent
from .models import (
    Account,
    Escrow,
    FeeGroup,
    Funding,
    IdempotencyKey,
    JournalEntry,
    PayoutHold,
    Posting,
    Settlement,
)

if TYPE_CHECKING:
    from hataraku.accounts.models import User

__all__ = [
    "PAYOUT_TRANSFER_FEE",
    "FeePlan",
    "FundingSource",
    "LedgerOutsideTransaction",
    "client_money_out",
    "entry_reverse",
    "escrow_fund",
    "escrow_open",
    "escrow_refund",
    "escrow_release",
    "escrow_split",
    "funding_post",
    "funding_void",
    "payout_fail",
    "payout_reserve",
    "payout_settle",
]

M = TypeVar("M", bound=models.Model)
Line = tuple[Account, int]


class LedgerOutsideTransaction(RuntimeError):
    """An internal ledger writer was called without a surrounding transaction (a programming error)."""


# --- small helpers ---------------------------------------------------------------------------------------


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


def _pk(obj: Any) -> Any:
    return getattr(obj, "pk", None)


# --- accounts --------------------------------------------------------------------------------------------

_SYSTEM_CODES: dict[str, str] = {
    AccountKind.PLATFORM_BANK: "Assets:Platform:Bank",
    AccountKind.FEE_INCOME: "Income:Fees:Platform",
    AccountKind.TRANSFER_FEE_INCOME: "Income:Fees:Transfer",
    AccountKind.CONSUMPTION_TAX_PAYABLE: "Liabilities:Tax:Consumption",
    AccountKind.WITHHOLDING_PAYABLE: "Liabilities:Tax:Withholding",
    AccountKind.BANK_FEES_EXPENSE: "Expenses:BankFees",
}
_OWNER_CODES: dict[str, str] = {
    AccountKind.WORKER_PAYABLE: "Liabilities:Payable:Worker:U{pk}",
    AccountKind.WORKER_IN_TRANSIT: "Liabilities:InTransit:Worker:U{pk}",
    AccountKind.CLIENT_REFUNDABLE: "Liabilities:Refundable:Client:U{pk}",
    AccountKind.CLIENT_RESERVED: "Liabilities:Reserved:Client:U{pk}",
}
_PROVIDER_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,30}$")


def _get_or_create_account(*, code: str, kind: str, name: str, **extra: Any) -> Account:
    # Two first releases to one worker may race to open the payable account; the loser re-reads it.
    account = Account.objects.filter(code=code).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                code=code, kind=kind, type=KIND_TYPE[kind], name=name, opened_at=clock.now(), **extra
            )
    except IntegrityError:
        return Account.objects.get(code=code)


def system_account(kind: str, *, provider: str = "") -> Account:
    """The platform's own account of `kind` (one per provider for provider clearing)."""
    if kind == AccountKind.PROVIDER_CLEARING:
        if not _PROVIDER_RE.match(provider or ""):
            raise DomainError(ErrorCode.INVALID_PROVIDER, _("決済代行の名前が正しくありません。"))
        component = "".join(part.capitalize() for part in re.split(r"[_-]", provider))
        return _get_or_create_account(
            code=f"Assets:Clearing:{component}",
            kind=kind,
            name=f"決済代行の未収金({provider})",
            provider=provider,
        )
    return _get_or_create_account(code=_SYSTEM_CODES[kind], kind=kind, name=str(AccountKind(kind).label))


def owner_account(kind: str, owner: User) -> Account:
    """The account of `kind` belonging to one worker or client, opened on first use."""
    return _get_or_create_account(
        code=_OWNER_CODES[kind].format(pk=owner.pk),
        kind=kind,
        name=f"{AccountKind(kind).label}({owner.pk})",
        owner=owner,
    )


def _source_account(source: str, provider: str, client: User) -> Account:
    if source == FundingSource.BANK_TRANSFER:
        return system_account(AccountKind.PLATFORM_BANK)
    if source == FundingSource.PROVIDER:
        return system_account(AccountKind.PROVIDER_CLEARING, provider=provider)
    if source == FundingSource.CLIENT_BALANCE:
        return owner_account(AccountKind.CLIENT_REFUNDABLE, client)
    raise DomainError(ErrorCode.INVALID_SOURCE, _("入金方法が正しくありません。"))


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
    """Write one balanced journal entry. Locks the guarded accounts it touches in id order, then checks
    that none of them would go below zero. Caller holds the escrow/payout locks already."""
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


def _lock_escrow(escrow: Escrow) -> Escrow:
    return (
        Escrow.objects.select_for_update(of=("self",))
        .select_related("fee_group", "held_account")
        .get(pk=escrow.pk)
    )


def _held(escrow: Escrow) -> int:
    total = Posting.objects.filter(account__escrow=escrow).aggregate(t=Sum("amount"))["t"] or 0
    return -int(total)


def _require_held(escrow: Escrow, amount: int) -> None:
    held = _held(escrow)
    if amount > held:
        raise DomainError(
            ErrorCode.INSUFFICIENT_BALANCE,
            _("仮払いの残高(%(held)s)を超える金額(%(amount)s)は動かせません。")
            % {"held": format_yen(held), "amount": format_yen(amount)},
        )


# --- escrow ----------------------------------------------------------------------------------------------


def escrow_open(
    *,
    client: User,
    reference: str,
    fee_group: str,
    fee_plan: str,
    withholding: bool,
    actor: User | None,
    idempotency_key: str,
    worker: User | None = None,
) -> Escrow:
    """Open an empty escrow for one milestone, hourly week, task batch or prize.

    `reference` names what it pays for ("milestone:12") and is unique; `fee_group` is the unit the tiered
    fee is counted on ("contract:7"); `fee_plan` is `FeePlan.PROJECT_TIERED` or `FeePlan.TASK_FLAT`;
    `withholding` is the caller's decision that withholding income tax applies to releases (client is a
    withholding agent, worker an individual, category in scope). `worker`, when known, links the escrow to
    the worker so their "pending" balance can show it; a release to someone else is then refused.
    Creates the escrow's held account. No money moves."""
    if fee_plan not in FeePlan.values:
        raise DomainError(ErrorCode.INVALID_FEE_PLAN, _("手数料の種類が正しくありません。"))
    if not reference or not fee_group:
        raise DomainError(ErrorCode.INVALID_REFERENCE, _("仮払いの対象がありません。"))
    params = {
        "client": _pk(client),
        "reference": reference,
        "fee_group": fee_group,
        "fee_plan": str(fee_plan),
        "withholding": bool(withholding),
        "worker": _pk(worker),
    }

    def body(idem: IdempotencyKey) -> Escrow:
        if Escrow.objects.filter(reference=reference).exists():
            raise DomainError(ErrorCode.ESCROW_EXISTS, _("この対象の仮払いはすでにあります。"))
        group = FeeGroup.objects.filter(key=fee_group).first()
        if group is None:
            try:
                with transaction.atomic():
                    group = FeeGroup.objects.create(key=fee_group)
            except IntegrityError:
                group = FeeGroup.objects.get(key=fee_group)
        try:
            # Two different requests for one reference at once: the unique index decides, kindly.
            with transaction.atomic():
                escrow = Escrow.objects.create(
                    reference=reference,
                    client=client,
                    worker=worker,
                    fee_group=group,
                    fee_plan=fee_plan,
                    withholding=bool(withholding),
                    created_at=clock.now(),
                )
        except IntegrityError as exc:
            raise DomainError(ErrorCode.ESCROW_EXISTS, _("この対象の仮払いはすでにあります。")) from exc
        Account.objects.create(
            code=f"Liabilities:Escrow:E{escrow.pk}",
            name=f"仮払い預り金 {reference}",
            type=KIND_TYPE[AccountKind.ESCROW_HELD],
            kind=AccountKind.ESCROW_HELD,
            escrow=escrow,
            opened_at=clock.now(),
        )
        audit_record(actor=actor, action="ledger.escrow_open", target=escrow, data=params)
        return escrow

    return idempotent(scope="escrow_open", key=idempotency_key, params=params, body=body)


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
    `funding_void`. Locks escrow → accounts."""
    _check_amount(amount)
    if source not in FundingSource.values:
        raise DomainError(ErrorCode.INVALID_SOURCE, _("入金方法が正しくありません。"))
    if source == FundingSource.PROVIDER and not _PROVIDER_RE.match(provider or ""):
        raise DomainError(ErrorCode.INVALID_PROVIDER, _("決済代行の名前が正しくありません。"))
    params = {"escrow": escrow.pk, "amount": amount, "source": str(source), "provider": provider}

    def body(idem: IdempotencyKey) -> Funding:
        locked = _lock_escrow(escrow)
        reserve = None
        if source == FundingSource.CLIENT_BALANCE:
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
        return funding

    return idempotent(scope="escrow_fund", key=idempotency_key, params=params, body=body)


def _lock_funding(funding: Funding, target: str) -> Funding:
    escrow = _lock_escrow(funding.escrow)
    locked = Funding.objects.select_for_update().get(pk=funding.pk)
    locked.escrow = escrow
    if not transition_allowed(FUNDING_TRANSITIONS, locked.status, target):
        raise InvalidTransition(
            _("この入金は「%(status)s」のため、もう変更できません。")
            % {"status": locked.get_status_display()},
        )
    return locked


def funding_post(*, funding: Funding, actor: User | None, idempotency_key: str) -> Funding:
    """Post a pending funding: the money is now held in the escrow (debit bank / provider clearing / the
    client's refundable balance, credit the escrow's held account). Locks escrow → funding → accounts.
    A second post is refused (`InvalidTransition`) unless it repeats the first call's key."""
    params = {"funding": funding.pk}

    def body(idem: IdempotencyKey) -> Funding:
        locked = _lock_funding(funding, FundingStatus.POSTED)
        escrow = locked.escrow
        source = _source_account(locked.source, locked.provider, escrow.client)
        if locked.reserve_entry_id is not None:
            # The money was set aside when the funding was made; it comes from there. (A balance
            # funding made before reservations existed still comes straight from the refundable account.)
            source = owner_account(AccountKind.CLIENT_RESERVED, escrow.client)
        entry = _post_entry(
            kind=EntryKind.FUNDING,
            lines=[(source, locked.amount), (escrow.held_account, -locked.amount)],
            memo=f"仮払い入金 {escrow.reference}",
            idem=idem,
            escrow=escrow,
        )
        locked.status = FundingStatus.POSTED
        locked.entry = entry
        locked.decided_at = clock.now()
        locked.save(update_fields=["status", "entry", "decided_at"])
        audit_record(actor=actor, action="ledger.funding_post", target=locked, data={"entry": entry.pk})
        events.announce(
            FundingPosted(
                escrow_id=escrow.pk, reference=escrow.reference, funding_id=locked.pk, amount=locked.amount
            )
        )
        return locked

    return idempotent(scope="funding_post", key=idempotency_key, params=params, body=body)


def funding_void(*, funding: Funding, actor: User | None, idempotency_key: str) -> Funding:
    """Drop a pending funding that will never arrive (transfer not made, card declined): no postings, except
    that money set aside from the client's refundable balance goes back to it. Only a pending funding can
    be voided; a posted one is returned with `escrow_refund`."""
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
        locked.status = FundingStatus.VOIDED
        locked.decided_at = clock.now()
        locked.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="ledger.funding_void", target=locked)
        return locked

    return idempotent(scope="funding_void", key=idempotency_key, params=params, body=body)


def _worker_lines(escrow: Escrow, worker: User | None, amount: int) -> tuple[list[Line], dict[str, int]]:
    """Postings and numbers for paying `amount` of `escrow` to `worker`. Caller holds the escrow lock;
    this locks the fee group (escrow → fee group → accounts)."""
    if worker is None or (escrow.worker_id is not None and escrow.worker_id != worker.pk):
        raise DomainError(ErrorCode.WRONG_WORKER, _("この仮払いは別のワーカーへの支払いです。"))
    FeeGroup.objects.select_for_update().filter(pk=escrow.fee_group_id).first()
    schedule = fee_schedule_on(clock.today())
    fees: FeeBreakdown
    if escrow.fee_plan == FeePlan.TASK_FLAT:
        fees = task_fee(amount=amount, schedule=schedule)
    else:
        before = (
            Settlement.objects.filter(
                escrow__fee_group_id=escrow.fee_group_id, entry__reversed_by__isnull=True
            ).aggregate(t=Sum("worker_gross"))["t"]
            or 0
        )
        fees = project_fee(amount=amount, cumulative_before=int(before), schedule=schedule)
    withheld = withholding_tax(amount) if escrow.withholding else 0
    net = amount - fees.fee - fees.tax - withheld
    if net < 0:  # cannot happen with today's rates; kept so a future schedule cannot pay out negatives
        raise DomainError(ErrorCode.FEE_EXCEEDS_AMOUNT, _("手数料と税額が支払額を超えています。"))
    lines: list[Line] = [
        (owner_account(AccountKind.WORKER_PAYABLE, worker), -net),
        (system_account(AccountKind.FEE_INCOME), -fees.fee),
        (system_account(AccountKind.CONSUMPTION_TAX_PAYABLE), -fees.tax),
        (system_account(AccountKind.WITHHOLDING_PAYABLE), -withheld),
    ]
    numbers = {
        "worker_gross": amount,
        "fee": fees.fee,
        "fee_tax": fees.tax,
        "withholding": withheld,
        "worker_net": net,
    }
    return lines, numbers


def _settle(
    *,
    escrow: Escrow,
    kind: str,
    worker: User | None,
    worker_amount: int,
    client_amount: int,
    idem: IdempotencyKey,
    actor: User | None,
) -> Settlement:
    locked = _lock_escrow(escrow)
    total = worker_amount + client_amount
    _require_held(locked, total)
    lines: list[Line] = [(locked.held_account, total)]
    numbers: dict[str, int] = {}
    if worker_amount:
        worker_lines, numbers = _worker_lines(locked, worker, worker_amount)
        lines += worker_lines
    if client_amount:
        lines.append((owner_account(AccountKind.CLIENT_REFUNDABLE, locked.client), -client_amount))
    entry_kinds: dict[str, str] = {
        SettlementKind.RELEASE: EntryKind.RELEASE,
        SettlementKind.REFUND: EntryKind.REFUND,
        SettlementKind.SPLIT: EntryKind.SPLIT,
    }
    entry_kind = entry_kinds[kind]
    entry = _post_entry(
        kind=entry_kind,
        lines=lines,
        memo=f"{SettlementKind(kind).label} {locked.reference}",
        idem=idem,
        escrow=locked,
    )
    settlement = Settlement.objects.create(
        escrow=locked,
        kind=kind,
        worker=worker if worker_amount else None,
        client_amount=client_amount,
        occurred_at=entry.occurred_at,
        entry=entry,
        **numbers,
    )
    audit_record(
        actor=actor,
        action=f"ledger.escrow_{kind}",
        target=settlement,
        data={"escrow": locked.pk, "entry": entry.pk, "client_amount": client_amount, **numbers},
    )
    if worker_amount:
        events.announce(
            EscrowReleased(
                escrow_id=locked.pk,
                reference=locked.reference,
                settlement_id=settlement.pk,
                amount=worker_amount,
            )
        )
    if client_amount:
        events.announce(
            EscrowRefunded(
                escrow_id=locked.pk,
                reference=locked.reference,
                settlement_id=settlement.pk,
                amount=client_amount,
            )
        )
    return settlement


def escrow_release(
    *, escrow: Escrow, amount: int, worker: User, actor: User | None, idempotency_key: str
) -> Settlement:
    """Pay `amount` (all or part of what the escrow holds) to `worker`.

    Postings: escrow held −amount; worker payable +net; fee income +fee; consumption tax payable +tax on
    the fee; withholding payable +withholding when the escrow was opened with `withholding=True`. The
    fee is marginal on the fee group's cumulative released amount (`hataraku.core.money.project_fee`) or
    flat for task plans. Returns the `Settlement` with the breakdown (worker_gross, fee, fee_tax,
    withholding, worker_net). Locks escrow → fee group → accounts. Refuses more than the escrow holds."""
    _check_amount(amount)
    params = {"escrow": escrow.pk, "amount": amount, "worker": _pk(worker)}

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.RELEASE,
            worker=worker,
            worker_amount=amount,
            client_amount=0,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_release", key=idempotency_key, params=params, body=body)


def escrow_refund(*, escrow: Escrow, amount: int, actor: User | None, idempotency_key: str) -> Settlement:
    """Return `amount` of the escrow to the client's refundable balance (their liability account with us).
    Sending it back to their card or bank is a separate `client_money_out`. Locks escrow → accounts."""
    _check_amount(amount)
    params = {"escrow": escrow.pk, "amount": amount}

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.REFUND,
            worker=None,
            worker_amount=0,
            client_amount=amount,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_refund", key=idempotency_key, params=params, body=body)


def escrow_split(
    *,
    escrow: Escrow,
    worker: User,
    worker_amount: int,
    client_amount: int,
    actor: User | None,
    idempotency_key: str,
) -> Settlement:
    """A dispute decision: `worker_amount` is released to the worker (fees, tax and withholding as in
    `escrow_release`) and `client_amount` refunded to the client, in one journal entry. Either part may
    be zero, not both."""
    _check_amount(worker_amount, label=_("ワーカーへの金額"), allow_zero=True)
    _check_amount(client_amount, label=_("クライアントへの金額"), allow_zero=True)
    if worker_amount + client_amount == 0:
        raise DomainError(ErrorCode.INVALID_AMOUNT, _("分ける金額がありません。"))
    params = {
        "escrow": escrow.pk,
        "worker": _pk(worker),
        "worker_amount": worker_amount,
        "client_amount": client_amount,
    }

    def body(idem: IdempotencyKey) -> Settlement:
        return _settle(
            escrow=escrow,
            kind=SettlementKind.SPLIT,
            worker=worker,
            worker_amount=worker_amount,
            client_amount=client_amount,
            idem=idem,
            actor=actor,
        )

    return idempotent(scope="escrow_split", key=idempotency_key, params=params, body=body)


def client_money_out(
    *,
    client: User,
    amount: int,
    destination: str,
    actor: User | None,
    idempotency_key: str,
    provider: str = "",
) -> JournalEntry:
    """Money leaves the platform back to the client (a card refund through `provider`, or a bank transfer):
    debit the client's refundable balance, credit bank or provider clearing. Refuses more than the
    refundable balance. `destination` is `FundingSource.BANK_TRANSFER` or `FundingSource.PROVIDER`."""
    _check_amount(amount)
    if destination not in (FundingSource.BANK_TRANSFER, FundingSource.PROVIDER):
        raise DomainError(ErrorCode.INVALID_SOURCE, _("返金先が正しくありません。"))
    params = {"client": client.pk, "amount": amount, "destination": str(destination), "provider": provider}

    def body(idem: IdempotencyKey) -> JournalEntry:
        target = _source_account(destination, provider, client)
        refundable = owner_account(AccountKind.CLIENT_REFUNDABLE, client)
        entry = _post_entry(
            kind=EntryKind.CLIENT_MONEY_OUT,
            lines=[(refundable, amount), (target, -amount)],
            memo="クライアントへの払い戻し",
            idem=idem,
        )
        audit_record(actor=actor, action="ledger.client_money_out", target=entry, data=params)
        return entry

    return idempotent(scope="client_money_out", key=idempotency_key, params=params, body=body)


# --- payouts ---------------------------------------------------------------------------------------------


def payout_reserve(
    *,
    worker: User,
    amount: int,
    actor: User | None,
    idempotency_key: str,
    transfer_fee: int = PAYOUT_TRANSFER_FEE,
) -> PayoutHold:
    """Set aside `amount` of the worker's available balance for a bank payout (debit worker payable,
    credit their in-transit account). `amount` includes `transfer_fee`; the bank receives
    `amount - transfer_fee`. At least `PAYOUT_MINIMUM` (¥1,000), at most the available balance."""
    _check_amount(amount)
    _check_amount(transfer_fee, label=_("振込手数料"), allow_zero=True)
    if amount < PAYOUT_MINIMUM:
        raise DomainError(
            ErrorCode.PAYOUT_TOO_SMALL,
            _("出金は%(minimum)sからできます。") % {"minimum": format_yen(PAYOUT_MINIMUM)},
            field="amount",
        )
    if transfer_fee >= amount:
        raise DomainError(ErrorCode.PAYOUT_TOO_SMALL, _("出金額が振込手数料より少ないため出金できません。"))
    params = {"worker": worker.pk, "amount": amount, "transfer_fee": transfer_fee}

    def body(idem: IdempotencyKey) -> PayoutHold:
        payable = owner_account(AccountKind.WORKER_PAYABLE, worker)
        transit = owner_account(AccountKind.WORKER_IN_TRANSIT, worker)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_RESERVE,
            lines=[(payable, amount), (transit, -amount)],
            memo="出金申請",
            idem=idem,
        )
        hold = PayoutHold.objects.create(
            worker=worker,
            amount=amount,
            transfer_fee=transfer_fee,
            created_at=entry.occurred_at,
            reserve_entry=entry,
        )
        audit_record(actor=actor, action="ledger.payout_reserve", target=hold, data=params)
        return hold

    return idempotent(scope="payout_reserve", key=idempotency_key, params=params, body=body)


def _lock_hold(hold: PayoutHold, target: str) -> PayoutHold:
    locked = PayoutHold.objects.select_for_update(of=("self",)).select_related("worker").get(pk=hold.pk)
    if not transition_allowed(PAYOUT_TRANSITIONS, locked.status, target):
        raise InvalidTransition(
            _("この出金は「%(status)s」のため、もう変更できません。")
            % {"status": locked.get_status_display()},
        )
    return locked


def payout_settle(*, hold: PayoutHold, actor: User | None, idempotency_key: str) -> PayoutHold:
    """The bank transfer went through: in-transit → platform bank (`amount`), and the transfer fee the
    worker paid becomes transfer-fee income while the bank's charge is booked as bank fees expense.
    Locks payout hold → accounts."""
    params = {"hold": hold.pk}

    def body(idem: IdempotencyKey) -> PayoutHold:
        locked = _lock_hold(hold, PayoutStatus.SETTLED)
        transit = owner_account(AccountKind.WORKER_IN_TRANSIT, locked.worker)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_SETTLE,
            lines=[
                (transit, locked.amount),
                (system_account(AccountKind.PLATFORM_BANK), -locked.amount),
                (system_account(AccountKind.BANK_FEES_EXPENSE), locked.transfer_fee),
                (system_account(AccountKind.TRANSFER_FEE_INCOME), -locked.transfer_fee),
            ],
            memo="出金完了",
            idem=idem,
        )
        locked.status = PayoutStatus.SETTLED
        locked.final_entry = entry
        locked.decided_at = entry.occurred_at
        locked.save(update_fields=["status", "final_entry", "decided_at"])
        audit_record(actor=actor, action="ledger.payout_settle", target=locked, data={"entry": entry.pk})
        return locked

    return idempotent(scope="payout_settle", key=idempotency_key, params=params, body=body)


def payout_fail(*, hold: PayoutHold, actor: User | None, idempotency_key: str) -> PayoutHold:
    """The transfer failed (wrong account, bank refusal): the whole `amount`, fee included, goes back to
    the worker's available balance. Locks payout hold → accounts."""
    params = {"hold": hold.pk}

    def body(idem: IdempotencyKey) -> PayoutHold:
        locked = _lock_hold(hold, PayoutStatus.FAILED)
        entry = _post_entry(
            kind=EntryKind.PAYOUT_FAIL,
            lines=[
                (owner_account(AccountKind.WORKER_IN_TRANSIT, locked.worker), locked.amount),
                (owner_account(AccountKind.WORKER_PAYABLE, locked.worker), -locked.amount),
            ],
            memo="出金失敗のため残高に戻しました",
            idem=idem,
        )
        locked.status = PayoutStatus.FAILED
        locked.final_entry = entry
        locked.decided_at = entry.occurred_at
        locked.save(update_fields=["status", "final_entry", "decided_at"])
        audit_record(actor=actor, action="ledger.payout_fail", target=locked, data={"entry": entry.pk})
        return locked

    return idempotent(scope="payout_fail", key=idempotency_key, params=params, body=body)


# --- corrections -----------------------------------------------------------------------------------------


def entry_reverse(
    *, entry: JournalEntry, actor: User | None, idempotency_key: str, memo: str = ""
) -> JournalEntry:
    """Correct a mistake by posting the exact opposite of `entry` (the only way to undo a posting). An
    entry can be reversed once; a reversing entry itself is not reversed again (post a new entry instead).
    A reversed settlement no longer counts toward fee tiers or the yearly payment record; a reversed
    funding keeps its "posted" status (the reversal entry is the record of the correction). The guarded
    balances must still stay at or above zero (a release already paid out cannot be reversed).
    Locks escrow (if any) → accounts."""
    params = {"entry": entry.pk}

    def body(idem: IdempotencyKey) -> JournalEntry:
        original = JournalEntry.objects.select_related("escrow").get(pk=entry.pk)
        if original.escrow is not None:
            _lock_escrow(original.escrow)
        if original.kind == EntryKind.REVERSAL:
            raise DomainError(ErrorCode.INVALID_REVERSAL, _("取消仕訳はさらに取り消せません。"))
        if JournalEntry.objects.filter(reverses=original).exists():
            raise DomainError(ErrorCode.ALREADY_REVERSED, _("この仕訳はすでに取り消されています。"))
        lines: list[Line] = [(p.account, -p.amount) for p in original.postings.select_related("account")]
        reversal = _post_entry(
            kind=EntryKind.REVERSAL,
            lines=lines,
            memo=memo or f"取消: #{original.pk} {original.memo}",
            idem=idem,
            escrow=original.escrow,
            reverses=original,
        )
        audit_record(actor=actor, action="ledger.entry_reverse", target=reversal, data={"entry": original.pk})
        return reversal

    return idempotent(scope="entry_reverse", key=idempotency_key, params=params, body=body)

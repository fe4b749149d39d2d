"""Opening an escrow: the container a client's money waits in for one milestone, week, task batch or prize."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode

from ..constants import KIND_TYPE, AccountKind, FeePlan
from ..idempotency import idempotent
from ..models import Account, Escrow, FeeGroup, IdempotencyKey
from ._common import _pk


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

"""Reads with rules for accounts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from hataraku.core.money import format_yen

if TYPE_CHECKING:
    from .models import User


def deletion_blockers(user: User) -> list[str]:
    """Why this account cannot be deleted yet, in words the person can act on; empty when it can.

    Deleting an account also deletes its bank account and ends every log-in, so money that is still
    theirs (or held for work in progress) would become unreachable: balances never expire, and a
    deletion must never be the way money gets stuck.
    """
    from hataraku.contracts.constants import ContractStatus
    from hataraku.contracts.models import Contract
    from hataraku.ledger.selectors import client_balances, worker_balances

    reasons: list[str] = []
    worker = worker_balances(user)
    if worker.available > 0:
        reasons.append(
            _("出金できる報酬が %(amount)s あります。先に出金してください。")
            % {"amount": format_yen(worker.available)}
        )
    if worker.in_transit > 0:
        reasons.append(
            _("振込の手続き中のお金が %(amount)s あります。振込が終わるまでお待ちください。")
            % {"amount": format_yen(worker.in_transit)}
        )
    if worker.pending > 0:
        reasons.append(
            _("あなたへの支払いのために仮払いされているお金が %(amount)s あります。")
            % {"amount": format_yen(worker.pending)}
        )
    client = client_balances(user)
    if client.held > 0 or client.pending_funding > 0:
        reasons.append(
            _("仮払い中・入金待ちのお金が %(amount)s あります。契約を終えるか取り消してください。")
            % {"amount": format_yen(client.held + client.pending_funding)}
        )
    if client.refundable > 0:
        reasons.append(
            _("返金を待っているお金が %(amount)s あります。サポートにご連絡ください。")
            % {"amount": format_yen(client.refundable)}
        )
    open_contracts = Contract.objects.filter(Q(worker=user) | Q(client=user)).filter(
        status__in=[ContractStatus.OFFERED, ContractStatus.AGREED, ContractStatus.ACTIVE]
    )
    if open_contracts.exists():
        reasons.append(_("進行中または申し込み中の契約があります。契約を終えるか取り消してください。"))
    return reasons

"""The ledger's part of the personal-data download and of account deletion.

Nothing is erased: journal entries, postings, escrows, settlements and payouts are accounting records
that must be kept (法人税法施行規則59条・所得税法148条: books and vouchers for 7 years; 支払調書 data for
the withholding records), and the ledger is append-only by design. Account deletion anonymises the user
row (accounts.services.account_delete) and keeps it, so these records keep a party without keeping the
person's contact details; the ledger itself holds no names, e-mail addresses or bank details.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hataraku.core.money import format_yen

from . import selectors
from .models import Account


def export_user_data(user: Any) -> dict[str, Any]:
    worker = selectors.worker_balances(user)
    client = selectors.client_balances(user)
    return {
        "残高": {
            "仮払い中": worker.pending,
            "出金できる": worker.available,
            "振込手続き中": worker.in_transit,
            "振込済み": worker.paid,
            "源泉徴収された税額": worker.withheld,
            "預けている金額": client.held,
            "入金待ち": client.pending_funding,
            "返金可能残高": client.refundable,
        },
        "勘定": [
            {"勘定": a.code, "残高(借方+、貸方−)": selectors.account_balance(a)}
            for a in Account.objects.filter(owner=user).order_by("code")
        ],
        "仕訳": [
            {
                "id": e.pk,
                "日時": e.occurred_at.isoformat(),
                "種類": e.get_kind_display(),
                "摘要": e.memo,
                "明細": [{"勘定": p.account.code, "金額": p.amount} for p in e.postings.all()],
            }
            for e in selectors.entries_for_user(user)
        ],
    }


def erase_user_data(user: Any) -> None:
    """Deliberately keeps everything: see the module docstring (legal retention, append-only ledger)."""
    return None


def deletion_blockers(user: Any) -> list[str]:
    """Money that is still the person's, or held for work in progress: deleting the account (its bank
    account, its log-ins) would strand it, and balances never expire (core/privacy.py collects this)."""
    reasons: list[str] = []
    worker = selectors.worker_balances(user)
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
    client = selectors.client_balances(user)
    if client.held > 0 or client.pending_funding > 0:
        reasons.append(
            _("仮払い中・入金待ちのお金が %(amount)s あります。契約を終えるか取り消してください。")
            % {"amount": format_yen(client.held + client.pending_funding)}
        )
    if client.refundable > 0:
        reasons.append(
            _("返金可能残高が %(amount)s あります。「返金可能残高」のページから振込を申し込んでください。")
            % {"amount": format_yen(client.refundable)}
        )
    return reasons

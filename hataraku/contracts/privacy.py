"""Personal data of the contracts app, for download and account deletion.

Contracts, terms, deliveries, time records and payment-related history are transaction records that tax
law (法人税法・所得税法: 帳簿書類の保存 7年) requires us and the other party to keep, so erasure keeps them.
The optional reason of an accommodation request is not here: it lives encrypted in the profiles app
(SensitiveNote), which exports and erases it."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from .constants import ContractStatus
from .models import AccommodationRequest, Bonus, Contract, MilestoneCancellation, TimeCorrection, TimeEntry


def export_user_data(user: Any) -> dict[str, Any]:
    contracts = Contract.objects.filter(Q(client=user) | Q(worker=user)).prefetch_related(
        "milestones", "terms"
    )
    return {
        "契約": [
            {
                "id": c.pk,
                "業務": c.title,
                "立場": "クライアント" if c.client_id == user.pk else "ワーカー",
                "状態": c.status,
                "報酬(税込)": c.total_amount,
                "時給": c.hourly_rate,
                "マイルストーン": [
                    {"内容": m.title, "金額": m.amount, "納期": m.due_date.isoformat(), "状態": m.status}
                    for m in c.milestones.all()
                ],
                "取引条件": [
                    {"版": t.version, "本文": t.text, "SHA-256": t.text_hash} for t in c.terms.all()
                ],
            }
            for c in contracts
        ],
        "作業時間の記録": [
            {"日": e.work_date.isoformat(), "分": e.minutes, "メモ": e.memo}
            for e in TimeEntry.objects.filter(week__contract__worker=user)
        ],
        "作業時間の修正の申し出": [
            {
                "週": c.week.week_start.isoformat(),
                "理由": c.reason,
                "修正前の分数": c.minutes_before,
                "修正後の分数": c.minutes_after,
                "状態": c.status,
            }
            for c in TimeCorrection.objects.filter(proposed_by=user).select_related("week")
        ],
        "配慮のお願い": [
            {
                "種類": a.kind,
                "希望する納期": a.requested_due_date.isoformat() if a.requested_due_date else None,
                "状態": a.status,
            }
            for a in AccommodationRequest.objects.filter(requested_by=user)
        ],
        "マイルストーンの取りやめの申し出": [
            {
                "マイルストーン": c.milestone.title,
                "ワーカーへの支払額": c.worker_amount,
                "クライアントへの返金額": c.client_amount,
                "理由": c.reason,
                "申し出た側": "自分" if c.proposed_by_id == user.pk else "相手",
                "状態": c.status,
            }
            for c in MilestoneCancellation.objects.filter(
                Q(contract__client=user) | Q(contract__worker=user)
            ).select_related("milestone")
        ],
        "ボーナス": [
            {
                "契約": b.contract.title,
                "金額": b.amount,
                "メッセージ": b.message,
                "状態": b.status,
                "支払日時": b.released_at.isoformat() if b.released_at else None,
            }
            for b in Bonus.objects.filter(Q(contract__client=user) | Q(contract__worker=user)).select_related(
                "contract"
            )
        ],
    }


def erase_user_data(user: Any) -> None:
    """Nothing to blank: every record here is kept by law, and the special-care part of an accommodation
    request is erased by the profiles app (its link here is SET_NULL)."""


def deletion_blockers(user: Any) -> list[str]:
    """An offered, agreed or active contract still binds the other party (core/privacy.py collects this)."""
    open_contracts = Contract.objects.filter(Q(worker=user) | Q(client=user)).filter(
        status__in=[ContractStatus.OFFERED, ContractStatus.AGREED, ContractStatus.ACTIVE]
    )
    if open_contracts.exists():
        return [_("進行中または申し込み中の契約があります。契約を終えるか取り消してください。")]
    return []

"""The written terms the Freelance Act requires (特定受託事業者に係る取引の適正化等に関する法律 第3条,
公正取引委員会規則 第1条の明示事項), as pure functions: dates, tax breakdown, the snapshot and its text.

Nothing here touches the database, so the rules can be tested at their boundaries directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, TypedDict

from hataraku.core import clock, money

from .constants import DELIVERY_PLACE, PAYMENT_CYCLE_DAYS, PAYMENT_LIMIT_DAYS, PAYMENT_METHOD


def payment_due_date(
    *,
    delivery_date: dt.date,
    acceptance_days: int,
    payment_cycle_days: int = PAYMENT_CYCLE_DAYS,
) -> dt.date:
    """支払期日: delivery date + acceptance period + payment cycle, but never later than the 60-day limit
    of Freelance Act art. 4 counted from the day the work is received (that day is day 1)."""
    proposed = delivery_date + dt.timedelta(days=acceptance_days + payment_cycle_days)
    latest = delivery_date + dt.timedelta(days=PAYMENT_LIMIT_DAYS - 1)
    return min(proposed, latest)


def inspection_date(*, delivery_date: dt.date, acceptance_days: int) -> dt.date:
    """検査完了日: the day acceptance happens at the latest (it happens automatically then)."""
    return delivery_date + dt.timedelta(days=acceptance_days)


class TermsFee(TypedDict):
    """One payment as the terms snapshot stores it (JSON, hashed with the text; the keys never change)."""

    amount: int
    consumption_tax: int
    amount_excluding_tax: int
    withholding: int
    platform_fee: int
    net_payment: int


def fee_breakdown(
    amount: money.Yen, *, withholding: bool, cumulative_before: money.Yen = 0, on: dt.date | None = None
) -> TermsFee:
    """報酬の額 for a tax-inclusive `amount` — the figure the client funds into escrow and the ledger
    releases — with the consumption tax it contains, the withholding the client keeps and Hataraku's fee to
    the worker (tiered on the contract's cumulative amount, `cumulative_before` being what earlier
    milestones add). The numbers are the ledger's own (`money.fee_breakdown`), so `net_payment` is what
    reaches the worker's balance, to the yen."""
    split = money.fee_breakdown(
        amount, withholding=withholding, cumulative_before=cumulative_before, on=on or clock.today()
    )
    return {
        "amount": split.amount,
        "consumption_tax": split.consumption_tax,
        "amount_excluding_tax": split.amount_excluding_tax,
        "withholding": split.withholding,
        "platform_fee": split.platform_fee,
        "net_payment": split.net,
    }


def build_terms_data(
    *,
    contract_title: str,
    description: str,
    client_name: str,
    worker_name: str,
    commissioned_on: dt.date,
    kind: str,
    acceptance_days: int,
    withholding: bool,
    milestones: list[dict[str, Any]],
    hourly_rate: int | None = None,
    weekly_hour_cap: int | None = None,
) -> dict[str, Any]:
    """The snapshot of every item art. 3 asks for. `milestones` are dicts with order, title, amount and a
    `due_date` (date); each becomes its own delivery, inspection and payment date."""
    items = []
    cumulative = 0
    for m in sorted(milestones, key=lambda m: m["order"]):
        due: dt.date = m["due_date"]
        fee = fee_breakdown(
            int(m["amount"]), withholding=withholding, cumulative_before=cumulative, on=commissioned_on
        )
        cumulative += int(m["amount"])
        items.append(
            {
                "order": m["order"],
                "title": m["title"],
                "fee": fee,
                "delivery_date": due.isoformat(),
                "inspection_date": inspection_date(
                    delivery_date=due, acceptance_days=acceptance_days
                ).isoformat(),
                "payment_date": payment_due_date(
                    delivery_date=due, acceptance_days=acceptance_days
                ).isoformat(),
            }
        )
    total = sum(int(m["amount"]) for m in milestones)
    data: dict[str, Any] = {
        "title": contract_title,
        "work": description,
        "client_name": client_name,
        "worker_name": worker_name,
        "commissioned_on": commissioned_on.isoformat(),
        "kind": kind,
        "delivery_place": DELIVERY_PLACE,
        "payment_method": PAYMENT_METHOD,
        "acceptance_days": acceptance_days,
        "withholding": withholding,
        "milestones": items,
        # Withholding is per payment (each milestone is one), so the total adds the milestones up rather
        # than computing withholding on the sum, which would differ above ¥1,000,000.
        "total": _sum_breakdowns([item["fee"] for item in items], total),
    }
    if kind == "hourly":
        data["hourly_rate"] = hourly_rate
        data["weekly_hour_cap"] = weekly_hour_cap
        # Receipt is the week's submission (contracts/hourly.py). Versions written under the earlier
        # Sunday rule keep their own text: each version stores what its parties agreed to.
        data["hourly_payment_rule"] = (
            "給付を受領する期日: 作業時間の記録を提出した日。受注者は月曜日から日曜日までの週ごとに、"
            "翌週の日曜日までに提出します(提出がない場合は、その翌日に自動で提出されます)。"
            "作業時間は契約が始まった日から、その週と前の週の分だけ記録できます。"
            f"検査を完了する期日: 提出から{acceptance_days}日以内に委託者が確認します"
            "(その間に承認も修正の依頼もない場合は承認されたものとします)。"
            "提出した週の作業時間は、委託者が承諾した場合に限り修正します。"
            f"報酬の支払期日: 承認された日(作業時間の受領日から{PAYMENT_LIMIT_DAYS}日以内)。"
        )
        if withholding:
            data["hourly_withholding_rule"] = (
                "発注者は源泉徴収義務者のため、週ごとの報酬から源泉徴収税額"
                "(報酬の10.21%、100万円を超える部分は20.42%)を差し引いて支払い、納付します。"
            )
        data["fee_rule"] = (
            "Hataraku の手数料(受注者負担)は、この契約でそれまでに支払われた額に応じて週ごとの報酬から"
            "差し引きます(10万円までの部分は20%、20万円までの部分は10%、それを超える部分は5%。別に消費税10%)。"
        )
    else:
        data["fee_rule"] = (
            "Hataraku の手数料と受注者の残高に入る額は、マイルストーンを順に支払った場合の額です。"
            "手数料の消費税は支払いごとに1円未満を切り捨てるため、支払いの順番や分け方によって"
            "1回につき1円まで変わることがあります。"
        )
    return data


def _sum_breakdowns(parts: list[TermsFee], total: int) -> TermsFee:
    summed: TermsFee = {
        "amount": total,
        "consumption_tax": money.included_consumption_tax(total),
        "amount_excluding_tax": 0,
        "withholding": sum(p["withholding"] for p in parts),
        "platform_fee": sum(p["platform_fee"] for p in parts),
        "net_payment": 0,
    }
    summed["amount_excluding_tax"] = total - summed["consumption_tax"]
    summed["net_payment"] = total - summed["withholding"] - summed["platform_fee"]
    return summed


def _yen(value: int) -> str:
    return money.format_yen(value)


def render_terms_text(data: dict[str, Any]) -> str:
    """Plain text of the terms. Its hash identifies exactly what both parties saw and agreed to."""
    lines = [
        "取引条件明示書(特定受託事業者に係る取引の適正化等に関する法律 第3条)",
        "",
        f"委託事業者(発注者): {data['client_name']}",
        f"特定受託事業者(受注者): {data['worker_name']}",
        f"委託をした日: {data['commissioned_on']}",
        "",
        f"業務の内容: {data['title']}",
    ]
    if data.get("work"):
        lines.append(data["work"])
    lines += ["", "報酬の額:"]
    if data["kind"] == "hourly":
        lines.append(
            f"  時間単価 {_yen(data['hourly_rate'] or 0)}(税込)/ 週の上限 {data['weekly_hour_cap']} 時間"
        )
        lines.append(f"  {data.get('hourly_payment_rule', '')}")
    total = data["total"]
    if data["kind"] != "hourly":
        lines.append(f"  合計 {_yen(total['amount'])}(税込、うち消費税(10%){_yen(total['consumption_tax'])})")
    if data["kind"] == "hourly":
        lines.append("  時間単価は消費税(10%)込みの額です。")
        if data["withholding"]:
            lines.append(
                "  源泉徴収税額(報酬の10.21%、100万円を超える部分は20.42%)を差し引いてお支払いします。"
            )
    elif data["withholding"]:
        lines.append(
            f"  源泉徴収税額 {_yen(total['withholding'])}(税込の報酬額に対して計算)を差し引いてお支払いします。"
        )
    if data["kind"] != "hourly":
        lines.append(
            f"  Hataraku の手数料(受注者負担・税込){_yen(total['platform_fee'])} を差し引き、"
            f"受注者の残高に入る額は {_yen(total['net_payment'])} です。"
        )
    if data.get("fee_rule"):
        # Only in terms written since the rule was added, so older versions keep their exact text.
        lines.append(f"  {data['fee_rule']}")
    for m in data["milestones"]:
        fee = m["fee"]
        lines += [
            "",
            f"マイルストーン {m['order']}: {m['title']}",
            f"  報酬の額: {_yen(fee['amount'])}(税込、うち消費税 {_yen(fee['consumption_tax'])})"
            + (f"(源泉徴収税額 {_yen(fee['withholding'])})" if data["withholding"] else ""),
            f"  給付を受領する期日: {m['delivery_date']}",
            f"  検査を完了する期日: {m['inspection_date']}",
            f"  報酬の支払期日: {m['payment_date']}",
        ]
    lines += [
        "",
        f"給付を受領する場所: {data['delivery_place']}",
        f"検査: 納品から{data['acceptance_days']}日以内に検収します。期間内に連絡がない場合は自動で検収されます。",
        f"報酬の支払方法: {data['payment_method']}",
    ]
    return "\n".join(lines)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

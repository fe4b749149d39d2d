"""What the payments app puts on the dashboard (core/todos.py): the worker's balance and her latest payout,
the client's bank transfers still on their way, and staff's money queues (each a count and its oldest)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.accounts.models import User
from hataraku.core import todos
from hataraku.core.money import format_yen
from hataraku.core.todos import Todo
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.selectors import worker_available

from . import selectors
from .constants import PayoutStatus
from .models import ProviderFunding

LIMIT = 10


@todos.source(todos.WORKER, order=60)
def worker_money(user: User) -> list[Todo]:
    """Her balance (one query) and the state of the payout she asked for last, if it is still on its way
    or did not go through (one query)."""
    items: list[Todo] = []
    latest = selectors.payouts_for_worker(user).only("status", "amount", "created_at", "decided_at").first()
    if latest is not None and latest.status in (PayoutStatus.REQUESTED, PayoutStatus.BATCHED):
        items.append(
            Todo(
                key="payments.payout_in_transit",
                title=_("出金 %(amount)s: %(status)s(振込が終わるとお知らせします)")
                % {"amount": format_yen(latest.amount), "status": latest.get_status_display()},
                url=reverse("payments:payout_list"),
                when=latest.created_at,
                when_label=_("申請した日"),
            )
        )
    elif latest is not None and latest.status == PayoutStatus.FAILED:
        items.append(
            Todo(
                key="payments.payout_failed",
                title=_("出金 %(amount)s が振り込めませんでした。口座を確かめて、もう一度申請してください")
                % {"amount": format_yen(latest.amount)},
                url=reverse("payments:payout_list"),
                when=latest.decided_at,
                when_label=_("お知らせした日"),
                urgent=True,
            )
        )
    available = worker_available(user)
    if available > 0:
        items.append(
            Todo(
                key="payments.balance",
                title=_("出金できる残高 %(amount)s(出金を申請する)") % {"amount": format_yen(available)},
                url=reverse("payments:payout_request"),
            )
        )
    return items


@todos.source(todos.CLIENT, order=35)
def client_transfers(user: User) -> list[Todo]:
    """Payments she started that have not arrived: a bank transfer to make with its reference code, or a
    card payment to finish."""
    waiting = (
        ProviderFunding.objects.filter(client=user, funding__status=FundingStatus.PENDING)
        .only("pk", "amount", "reference_code", "created_at", "provider")
        .order_by("created_at", "id")[:LIMIT]
    )
    return [
        Todo(
            key="payments.funding_waiting",
            title=_("仮払い %(amount)s の入金がまだ確認できていません(お振込み名義の番号 %(code)s)")
            % {"amount": format_yen(pf.amount), "code": pf.reference_code},
            url=reverse("payments:funding_detail", args=[pf.pk]),
            when=pf.created_at,
            when_label=_("手続きをした日"),
        )
        for pf in waiting
    ]


@todos.source(todos.STAFF, order=50)
def staff_money_queues(user: User) -> list[Todo]:
    transfers = (
        selectors.bank_transfers_waiting().order_by().aggregate(n=Count("id"), oldest=Min("created_at"))
    )
    payouts = selectors.requested_payouts().order_by().aggregate(n=Count("id"), oldest=Min("created_at"))
    withdrawals = (
        selectors.requested_client_withdrawals().order_by().aggregate(n=Count("id"), oldest=Min("created_at"))
    )
    oldest = _("いちばん古いもの")
    return [
        Todo(
            key="payments.staff_transfers",
            title=_("入金を確認する銀行振込"),
            url=reverse("payments:staff_transfer_queue"),
            count=transfers["n"],
            when=transfers["oldest"],
            when_label=oldest,
        ),
        Todo(
            key="payments.staff_payouts",
            title=_("振込バッチに入れる出金の申請"),
            url=reverse("payments:staff_batches"),
            count=payouts["n"],
            when=payouts["oldest"],
            when_label=oldest,
        ),
        Todo(
            key="payments.staff_client_withdrawals",
            title=_("振込バッチに入れるクライアントへの返金"),
            url=reverse("payments:staff_batches"),
            count=withdrawals["n"],
            when=withdrawals["oldest"],
            when_label=oldest,
        ),
    ]


# The client's dashboard groups its lines by kind (core/todos.py `grouped`).
todos.kind(
    "payments.funding_waiting", label=gettext_lazy("入金を待っている仮払い"), more_url="payments:funding"
)

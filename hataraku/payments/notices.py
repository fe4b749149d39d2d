"""What the payments app tells people (`hataraku.core.notifications`): a worker's payout reached her bank or
came back; a client's refundable balance reached her bank or card, or could not be sent and is back in her
balance. Parameters are plain values (amounts like "12,000")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

REFUND_WITHDRAWAL_PAID = notices.define(
    "payments.refund_withdrawal_paid",
    title=_("返金可能残高を振り込みました"),
    body=_("¥%(amount)sを、登録の銀行口座(%(bank)s)に振り込みました。"),
)
REFUND_WITHDRAWAL_FAILED = notices.define(
    "payments.refund_withdrawal_failed",
    title=_("返金可能残高を振り込めませんでした"),
    body=_(
        "¥%(amount)sを振り込めなかったため、返金可能残高に戻しました。"
        "振込先口座を確かめてから、もう一度お申し込みください。"
    ),
)
PAYOUT_PAID = notices.define(
    "payments.payout_paid",
    title=_("出金を振り込みました"),
    body=_("¥%(amount)sを、登録の銀行口座(%(bank)s)に振り込みました。"),
)
PAYOUT_FAILED = notices.define(
    "payments.payout_failed",
    title=_("出金を振り込めませんでした"),
    body=_(
        "¥%(amount)sを振り込めなかったため、振込手数料も含めて出金できる残高に戻しました。"
        "理由は出金の一覧に書いてあります。振込先口座を確かめてから、もう一度お申し込みください。"
    ),
)
CARD_REFUND_PAID = notices.define(
    "payments.card_refund_paid",
    title=_("カードに返金しました"),
    body=_(
        "¥%(amount)sを、お支払いに使ったカードに返金しました。"
        "カードの明細に載るまで、カード会社によっては数日から1か月ほどかかります。"
    ),
)
CARD_REFUND_FAILED = notices.define(
    "payments.card_refund_failed",
    title=_("カードに返金できませんでした"),
    body=_(
        "¥%(amount)sをカードに返金できなかったため、返金可能残高に戻しました。"
        "銀行口座への返金をお申し込みいただくか、次の仮払いにお使いください。"
    ),
)

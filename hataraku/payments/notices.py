"""What the payments app tells people (`hataraku.core.notifications`): a client's refundable balance reached
her bank, or could not be sent and is back in her balance. Parameters are plain values (amounts like
"12,000")."""

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

"""The notices the reviews app sends (core/notifications.py stores them as code + params)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

# Two codes, because the body depends on whether the reviewee has already reviewed too.
REVIEW_RECEIVED_BOTH = notices.define(
    "reviews.received_both",
    title=_("「%(title)s」の評価が届きました"),
    body=_("お互いの評価が公開されました。"),
)
REVIEW_RECEIVED_WAITING = notices.define(
    "reviews.received_waiting",
    title=_("「%(title)s」の評価が届きました"),
    body=_("あなたも評価を送ると、お互いの評価が公開されます(送らなくても完了から14日後に公開されます)。"),
)

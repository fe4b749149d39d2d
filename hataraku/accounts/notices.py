"""What the accounts app tells people (`hataraku.core.notifications`): the outcome of identity
verification. `reason` is what staff wrote when they could not verify the document."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

VERIFICATION_APPROVED = notices.define(
    "accounts.verification_approved",
    title=_("本人確認が完了しました"),
    body=_("プロフィールと応募に「本人確認済み」が表示されます。"),
)
VERIFICATION_REJECTED = notices.define(
    "accounts.verification_rejected",
    title=_("本人確認ができませんでした"),
    body="%(reason)s",
)

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

# Staff managing people (issue 10, item 8). Each is also e-mailed: the owner must hear of a change to
# their account even if they do not log in. One code per role, so no label is stored as a parameter.
MUNICIPAL_ROLE_GRANTED = notices.define(
    "accounts.municipal_role_granted",
    title=_("自治体パートナーの役割が追加されました"),
    body=_(
        "運営スタッフが、あなたのアカウントを%(municipality)sの自治体パートナーにしました。"
        "この役割の画面を開くには、2段階認証の設定が必要です。心当たりがない場合は、すぐにパスワードを変更してください。"
    ),
)
STAFF_ROLE_GRANTED = notices.define(
    "accounts.staff_role_granted",
    title=_("運営スタッフの役割が追加されました"),
    body=_(
        "この役割の画面を開くには、2段階認証の設定が必要です。心当たりがない場合は、すぐにパスワードを変更してください。"
    ),
)
MUNICIPAL_ROLE_REVOKED = notices.define(
    "accounts.municipal_role_revoked",
    title=_("自治体パートナーの役割が外されました"),
    body=_("運営スタッフが役割を外しました。自治体パートナーの画面は表示されなくなります。"),
)
STAFF_ROLE_REVOKED = notices.define(
    "accounts.staff_role_revoked",
    title=_("運営スタッフの役割が外されました"),
    body=_("運営スタッフの画面は表示されなくなります。"),
)
ACCOUNT_SUSPENDED = notices.define(
    "accounts.suspended",
    title=_("アカウントを一時停止しました"),
    body=_(
        "理由: %(reason)s\n"
        "一時停止のあいだは、新しい仕事の依頼・応募・スカウト・メッセージの送信ができません。"
        "仮払い済みの契約や自動検収、支払いの期限はそのまま続きます。出金の申請は運営の確認のあとに振り込みます。"
    ),
)
ACCOUNT_REINSTATED = notices.define(
    "accounts.reinstated",
    title=_("アカウントの一時停止を解除しました"),
    body=_("すべての機能をふたたびお使いいただけます。"),
)
SECOND_FACTOR_RESET = notices.define(
    "accounts.second_factor_reset",
    title=_("2段階認証の設定をリセットしました"),
    body=_(
        "ご本人であることを確認したうえで、認証アプリ・パスキー・リカバリーコードを削除しました。"
        "次のログインのあとで、もう一度設定してください。心当たりがない場合は、すぐにパスワードを変更してください。"
    ),
)
REPORT_RESOLVED = notices.define(
    "accounts.report_resolved",
    title=_("ご報告いただいた「%(target)s」について、運営が確認しました"),
    body=_("ご報告ありがとうございました。対応の内容は、ほかの方のこともあるためお伝えしていません。"),
)

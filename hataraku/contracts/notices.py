"""What the contracts app tells people (`hataraku.core.notifications`). Each notice is stored as its code
and parameters (contract and milestone titles, dates as ISO text, minutes, amounts like "12,000")
and rendered in the reader's language. A notice with a variant (automatic, accepted or not) has a code
per variant, so no sentence is ever pieced together from parts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hataraku.core import notifications as notices

# --- offer and agreement ---------------------------------------------------------------------------------
OFFER_RECEIVED = notices.define(
    "contracts.offer_received",
    title=_("契約の申し込みが届きました"),
    body=_("「%(title)s」の取引条件を確認して、合意するかどうかを選んでください。"),
)
AGREED = notices.define(
    "contracts.agreed",
    title=_("契約が成立しました"),
    body=_("「%(title)s」の取引条件に双方が合意しました。"),
)
AGREE_WAITING = notices.define(
    "contracts.agree_waiting",
    title=_("相手が取引条件に合意しました"),
    body=_("「%(title)s」の取引条件を確認してください。"),
)
OFFER_CANCELLED = notices.define(
    "contracts.offer_cancelled", title=_("契約の申し込みが取り消されました"), body="%(title)s"
)
COMPLETED = notices.define(
    "contracts.completed", title=_("契約が完了しました。評価をお願いします"), body="%(title)s"
)

# --- changes of terms ------------------------------------------------------------------------------------
CHANGE_PROPOSED = notices.define(
    "contracts.change_proposed",
    title=_("取引条件の変更の申し出が届きました"),
    body=_("「%(title)s」の変更内容を確認して、承諾するか見送るかを選んでください。"),
)
CHANGE_ACCEPTED = notices.define(
    "contracts.change_accepted", title=_("変更の申し出が承諾されました"), body="%(title)s"
)
CHANGE_REJECTED = notices.define(
    "contracts.change_rejected", title=_("変更の申し出は見送られました"), body="%(title)s"
)

# --- milestones ------------------------------------------------------------------------------------------
MILESTONE_FUNDED = notices.define(
    "contracts.milestone_funded",
    title=_("仮払いが済みました。作業を始められます"),
    body=_("「%(title)s」のマイルストーン「%(m)s」"),
)
MILESTONE_DELIVERED = notices.define(
    "contracts.milestone_delivered",
    title=_("納品がありました。検収してください"),
    body=_("「%(m)s」が納品されました。%(days)s日以内に確認がない場合は自動で検収されます。"),
)
MILESTONE_RELEASED = notices.define(
    "contracts.milestone_released",
    title=_("検収され、報酬が支払われました"),
    body=_("「%(m)s」が検収されました。"),
)
MILESTONE_RELEASED_AUTO = notices.define(
    "contracts.milestone_released_auto",
    title=_("検収され、報酬が支払われました"),
    body=_("「%(m)s」が検収されました。(検収期間が過ぎたため自動で検収しました)"),
)
MILESTONE_AUTO_ACCEPTED = notices.define(
    "contracts.milestone_auto_accepted",
    title=_("検収期間が過ぎたため、自動で検収しました"),
    body="%(m)s",
)
MILESTONE_RETURNED = notices.define(
    "contracts.milestone_returned", title=_("納品物が差し戻されました"), body="%(reason)s"
)

# --- hourly weeks ----------------------------------------------------------------------------------------
WEEK_SUBMITTED = notices.define(
    "contracts.week_submitted",
    title=_("作業時間が提出されました。確認してください"),
    body=_(
        "%(start)sからの週: %(minutes)s。%(due)sまでに承認するか、修正を依頼してください。"
        "確認がない場合は、その日に自動で承認されます。"
    ),
    durations=("minutes",),
)
WEEK_AUTO_SUBMITTED = notices.define(
    "contracts.week_auto_submitted",
    title=_("記録の期限が過ぎたため、作業時間を提出しました"),
    body=_("%(start)sからの週: %(minutes)s。クライアントの確認は%(due)sまでです。"),
    durations=("minutes",),
)
WEEK_CORRECTION_REQUESTED = notices.define(
    "contracts.week_correction_requested",
    title=_("作業時間の修正の依頼が届きました"),
    body=_("%(start)sからの週: %(note)s"),
)
WEEK_RESUBMITTED = notices.define(
    "contracts.week_resubmitted",
    title=_("作業時間がもう一度提出されました"),
    body=_("%(start)sからの週: %(due)sまでに確認してください。"),
)
TIME_CORRECTION_PROPOSED = notices.define(
    "contracts.time_correction_proposed",
    title=_("作業時間の修正の申し出が届きました"),
    body=_("%(start)sからの週: %(before)s → %(after)s。承諾するか見送るかを選んでください。"),
    durations=("before", "after"),
)

TIME_CORRECTION_ACCEPTED = notices.define(
    "contracts.time_correction_accepted",
    title=_("作業時間の修正が承諾されました"),
    body=_("%(start)sからの週"),
)
TIME_CORRECTION_DECLINED = notices.define(
    "contracts.time_correction_declined",
    title=_("作業時間の修正は見送られました"),
    body=_("%(start)sからの週"),
)
WEEK_APPROVED = notices.define(
    "contracts.week_approved",
    title=_("作業時間が承認されました"),
    body=_("%(start)s からの週: %(minutes)s"),
    durations=("minutes",),
)
WEEK_APPROVED_AUTO = notices.define(
    "contracts.week_approved_auto",
    title=_("作業時間が承認されました"),
    body=_("%(start)s からの週: %(minutes)s(確認の期間が過ぎたため自動で承認しました)"),
    durations=("minutes",),
)
WEEK_APPROVED_AUTO_LAPSED = notices.define(
    "contracts.week_approved_auto_lapsed",
    title=_("作業時間が承認されました"),
    body=_(
        "%(start)s からの週: %(minutes)s(確認の期間が過ぎたため自動で承認しました)"
        "。回答のなかった修正の申し出は反映していません"
    ),
    durations=("minutes",),
)
WEEK_AUTO_APPROVED = notices.define(
    "contracts.week_auto_approved",
    title=_("確認の期間が過ぎたため、作業時間を自動で承認しました"),
    body=_("%(start)s からの週: %(minutes)s。お支払いの手続きをお願いします。"),
    durations=("minutes",),
)
WEEK_PAYMENT_REMINDER = notices.define(
    "contracts.week_payment_reminder",
    title=_("報酬のお振り込みをお願いします"),
    body=_(
        "「%(title)s」の%(week)sからの週の報酬 %(amount)s円のお振り込みが、まだ確認できていません。"
        "フリーランス法により、%(limit)sまでにお支払いいただく必要があります。"
        "振込先と受付番号は契約のページにあります。"
    ),
)
WEEK_PAYMENT_OVERDUE = notices.define(
    "contracts.week_payment_overdue",
    title=_("報酬のお振り込みをお願いします"),
    body=_(
        "「%(title)s」の%(week)sからの週の報酬 %(amount)s円のお振り込みが、フリーランス法の支払期限"
        "(%(limit)s)を過ぎても確認できていません。至急お支払いください。運営スタッフからもご連絡します。"
    ),
)
WEEK_PAYMENT_LATE = notices.define(
    "contracts.week_payment_late",
    title=_("お支払いが遅れています。運営が確認しています"),
    body=_(
        "「%(title)s」の%(week)sからの週の報酬は、依頼者からの入金を待っています。"
        "依頼者にお知らせし、運営も期限(%(limit)s)まで確認を続けます。"
    ),
)

# --- accommodations (Freelance Act art. 13) ----------------------------------------------------------------
# Only "more time" or "a pause": a word like 配慮 would hint that there is a special reason. The worker's
# preview shows exactly this notice (`accommodation_preview`), never a reason. One code per shape (with new
# dates, one milestone, the whole contract), so the dates and titles are stored plain and shown in the
# reader's language.
_ACCOMMODATION_DATES = _("「%(title)s」の「%(m)s」: 納期 %(f)s → %(t)s。%(days)s日以内に回答してください。")
ACCOMMODATION_EXTENSION_REQUESTED = notices.define(
    "contracts.accommodation_extension_requested",
    title=_("納期の延長の希望が届きました"),
    body=_ACCOMMODATION_DATES,
)
ACCOMMODATION_PAUSE_REQUESTED = notices.define(
    "contracts.accommodation_pause_requested",
    title=_("一時停止の希望が届きました"),
    body=_ACCOMMODATION_DATES,
)
ACCOMMODATION_PAUSE_REQUESTED_MILESTONE = notices.define(
    "contracts.accommodation_pause_requested_milestone",
    title=_("一時停止の希望が届きました"),
    body=_("「%(title)s」の「%(m)s」。%(days)s日以内に回答してください。"),
)
ACCOMMODATION_PAUSE_REQUESTED_CONTRACT = notices.define(
    "contracts.accommodation_pause_requested_contract",
    title=_("一時停止の希望が届きました"),
    body=_("「%(title)s」の契約全体。%(days)s日以内に回答してください。"),
)
ACCOMMODATION_ACCEPTED = notices.define(
    "contracts.accommodation_accepted", title=_("配慮のお願いが承諾されました"), body="%(message)s"
)
ACCOMMODATION_ANSWERED = notices.define(
    "contracts.accommodation_answered", title=_("配慮のお願いへの回答が届きました"), body="%(message)s"
)

# --- disputes --------------------------------------------------------------------------------------------
DISPUTE_OPENED = notices.define(
    "contracts.dispute_opened",
    title=_("運営への仲介の依頼がありました"),
    body=_("「%(title)s」について、運営スタッフが双方のお話を伺います。"),
)
DISPUTE_DECIDED = notices.define(
    "contracts.dispute_decided", title=_("仲介の結果をお知らせします"), body="%(note)s"
)

# --- ending a funded milestone by agreement, and bonuses ---------------------------------------------------
# Amounts are pre-formatted ("12,000"). The worker's copy says she may decline: a fee is never cut
# without her agreement (Freelance Act art. 5).
CANCELLATION_PROPOSED_TO_WORKER = notices.define(
    "contracts.cancellation_proposed_to_worker",
    title=_("マイルストーンの取りやめの申し出が届きました"),
    body=_(
        "「%(title)s」の「%(m)s」: あなたへの支払い%(worker)s円、クライアントへの返金%(client)s円。"
        "あなたが承諾しない限り、報酬は減りません。お断りして作業を続けることもできます。"
    ),
)
CANCELLATION_PROPOSED_TO_CLIENT = notices.define(
    "contracts.cancellation_proposed_to_client",
    title=_("マイルストーンの取りやめの申し出が届きました"),
    body=_(
        "「%(title)s」の「%(m)s」: ワーカーへの支払い%(worker)s円、あなたへの返金%(client)s円。"
        "承諾するかお断りするかを選んでください。"
    ),
)
CANCELLATION_ACCEPTED = notices.define(
    "contracts.cancellation_accepted",
    title=_("マイルストーンの取りやめが合意され、精算しました"),
    body=_("「%(m)s」: ワーカーへの支払い%(worker)s円、クライアントへの返金%(client)s円"),
)
CANCELLATION_DECLINED = notices.define(
    "contracts.cancellation_declined", title=_("取りやめの申し出はお断りされました"), body="%(m)s"
)
CANCELLATION_WITHDRAWN = notices.define(
    "contracts.cancellation_withdrawn", title=_("取りやめの申し出が取り下げられました"), body="%(m)s"
)
BONUS_ANNOUNCED = notices.define(
    "contracts.bonus_announced",
    title=_("ボーナスが贈られました(入金の確認待ち)"),
    body=_("「%(title)s」: %(amount)s円。入金が確認されしだい、あなたの残高に入ります。%(message)s"),
)
BONUS_PAID = notices.define(
    "contracts.bonus_paid",
    title=_("ボーナスが支払われました"),
    body=_("「%(title)s」: %(amount)s円(手数料・税を引いた受取額 %(net)s円)"),
)

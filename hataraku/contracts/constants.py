"""Contract constants: the policy numbers of project work, kept in one place, and the state machines of
contracts, milestones, hourly weeks, time corrections, change requests, accommodation requests and
disputes, as explicit transition tables moved only by `hataraku.core.state.transition`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core.state import StateMachine
from hataraku.profiles.constants import CareReason

from .events import status_changed

# --- policy, set here and nowhere else ----------------------------------------------------------------
# A client who says nothing for this many days after a delivery has accepted it (検収期間). A silent
# client must never leave a worker unpaid, so the auto-acceptance task reads this number.
ACCEPTANCE_DAYS = 7
# After the acceptance period the platform releases the escrow within this many days (支払サイクル).
PAYMENT_CYCLE_DAYS = 3
# Freelance Act art. 4: payment no later than 60 days after the work is received. The day of receipt
# counts as day 1 (初日算入, as in the 下請法 運用基準), so the latest payment date is receipt + 59 days.
PAYMENT_LIMIT_DAYS = 60
# A billed hourly week whose money has not arrived: the client is reminded this many days after approval,
# then again every PAYMENT_REMINDER_EVERY_DAYS, and staff see it in their queue of late payments.
PAYMENT_REMINDER_AFTER_DAYS = 3
PAYMENT_REMINDER_EVERY_DAYS = 7
# A client answers a request for accommodation (Freelance Act art. 13) within this many days.
ACCOMMODATION_ANSWER_DAYS = 3
MAX_MILESTONES = 20
# After this many returns the client cannot return again; the worker may ask staff to mediate.
MAX_RETURNS = 2

DELIVERY_PLACE = "Hataraku 上の納品機能"
PAYMENT_METHOD = "エスクロー(仮払い)経由の振込"

DELIVERY_MAX_FILES = 5
DELIVERY_MAX_BYTES = 20 * 1024 * 1024
DELIVERY_ALLOWED_EXTENSIONS = frozenset(
    {"pdf", "txt", "md", "csv", "png", "jpg", "jpeg", "gif", "docx", "xlsx", "pptx", "zip", "odt", "ods"}
)


class ContractKind(models.TextChoices):
    FIXED = "fixed", _("固定報酬")
    HOURLY = "hourly", _("時間単価")


class ContractStatus(models.TextChoices):
    OFFERED = "offered", _("契約の申し込み中")
    AGREED = "agreed", _("双方合意済み")
    ACTIVE = "active", _("進行中")
    COMPLETED = "completed", _("完了")
    CANCELLED = "cancelled", _("取り消し")


# Only an offer nobody is bound by can be cancelled. An agreed contract ends `completed`: a fixed one when
# every milestone is released or refunded by a dispute, an hourly one when a party ends it with every
# logged hour settled (`services.contract_complete`).
CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.OFFERED: frozenset({ContractStatus.AGREED, ContractStatus.CANCELLED}),
    ContractStatus.AGREED: frozenset({ContractStatus.ACTIVE}),
    ContractStatus.ACTIVE: frozenset({ContractStatus.COMPLETED}),
    ContractStatus.COMPLETED: frozenset(),
    ContractStatus.CANCELLED: frozenset(),
}

CONTRACT_MACHINE = StateMachine(
    model="contracts.contract",
    choices=ContractStatus,
    table=CONTRACT_TRANSITIONS,
    initial=ContractStatus.OFFERED,
    event=status_changed,
)


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("仮払い待ち")
    # The client started a funding (a bank transfer on its way, a card payment at Stripe) that is not
    # confirmed yet; back to pending if it is voided, funded once the money is held.
    FUNDING_REQUESTED = "funding_requested", _("入金の確認待ち")
    FUNDED = "funded", _("仮払い済み(作業できます)")
    DELIVERED = "delivered", _("納品済み(検収待ち)")
    RETURNED = "returned", _("差し戻し")
    ACCEPTED = "accepted", _("検収済み")
    RELEASED = "released", _("支払い済み")
    DISPUTED = "disputed", _("運営が仲介中")
    CANCELLED = "cancelled", _("取り消し")


MILESTONE_TRANSITIONS: dict[str, frozenset[str]] = {
    MilestoneStatus.PENDING: frozenset(
        {MilestoneStatus.FUNDING_REQUESTED, MilestoneStatus.FUNDED, MilestoneStatus.CANCELLED}
    ),
    MilestoneStatus.FUNDING_REQUESTED: frozenset({MilestoneStatus.FUNDED, MilestoneStatus.PENDING}),
    # From funded, delivered and returned the two parties may also end a milestone together
    # (`services.cancellation_answer`): released when the worker receives part of the money, cancelled when
    # all of it goes back to the client, as after a staff decision.
    MilestoneStatus.FUNDED: frozenset(
        {
            MilestoneStatus.DELIVERED,
            MilestoneStatus.DISPUTED,
            MilestoneStatus.RELEASED,
            MilestoneStatus.CANCELLED,
        }
    ),
    MilestoneStatus.DELIVERED: frozenset(
        {
            MilestoneStatus.ACCEPTED,
            MilestoneStatus.RETURNED,
            MilestoneStatus.DISPUTED,
            MilestoneStatus.RELEASED,
            MilestoneStatus.CANCELLED,
        }
    ),
    MilestoneStatus.RETURNED: frozenset(
        {
            MilestoneStatus.DELIVERED,
            MilestoneStatus.DISPUTED,
            MilestoneStatus.RELEASED,
            MilestoneStatus.CANCELLED,
        }
    ),
    MilestoneStatus.ACCEPTED: frozenset({MilestoneStatus.RELEASED}),
    MilestoneStatus.RELEASED: frozenset(),
    # A staff decision splits the escrow: the milestone ends released (the worker got something) or
    # cancelled (everything went back to the client).
    MilestoneStatus.DISPUTED: frozenset({MilestoneStatus.RELEASED, MilestoneStatus.CANCELLED}),
    MilestoneStatus.CANCELLED: frozenset(),
}

MILESTONE_MACHINE = StateMachine(
    model="contracts.milestone",
    choices=MilestoneStatus,
    table=MILESTONE_TRANSITIONS,
    initial=MilestoneStatus.PENDING,
    event=status_changed,
)


# Hourly weeks (Monday to Sunday, Asia/Tokyo). Time is logged only for the current week and the one before
# it, never before the day the contract became active: a week closes for logging at the end of the
# following week (`hourly.logging_closes_on`) and is then submitted by the tick, unless the worker
# submitted it earlier. The acceptance period runs from submission, so no week is approved before the
# client could look at it, and none is left unpaid by a silent client.
LOGGABLE_WEEKS = 2
# After this many requests for a correction the client approves the week or asks staff to mediate, as with
# milestone returns, so a worker is never kept correcting one week forever.
MAX_WEEK_CORRECTIONS = 2


class WeekStatus(models.TextChoices):
    OPEN = "open", _("記録中")
    SUBMITTED = "submitted", _("提出済み(確認待ち)")
    CORRECTION = "correction", _("修正の依頼あり")
    # Approved (by the client, or by the clock) and billed: the client's money has not reached the worker.
    BILLED = "billed", _("承認済み・お支払い待ち")
    DISPUTED = "disputed", _("運営が仲介中")
    RESOLVED = "resolved", _("仲介で決定済み")
    # The billed money was held in the week's escrow and released to the worker (or there was nothing to
    # pay: a week closed at ¥0).
    PAID = "paid", _("支払い済み")


# open → submitted (the worker, or the tick once logging closed) → billed (the client approves, or the tick
# once the acceptance period after submission passed) → paid (the client's money arrived and was released
# to the worker). The client may ask for a correction instead (→ correction, which stops the clock until
# the worker resubmits). open → billed is only the ¥0 close of an empty week when the contract ends. A
# disputed week is resolved by staff and, when they decided a payment, paid once that money is released.
# Minutes of a submitted week change only through a TimeCorrection the client accepts.
WEEK_TRANSITIONS: dict[str, frozenset[str]] = {
    WeekStatus.OPEN: frozenset({WeekStatus.SUBMITTED, WeekStatus.BILLED, WeekStatus.DISPUTED}),
    WeekStatus.SUBMITTED: frozenset({WeekStatus.BILLED, WeekStatus.CORRECTION, WeekStatus.DISPUTED}),
    WeekStatus.CORRECTION: frozenset({WeekStatus.SUBMITTED, WeekStatus.BILLED, WeekStatus.DISPUTED}),
    WeekStatus.BILLED: frozenset({WeekStatus.PAID}),
    WeekStatus.DISPUTED: frozenset({WeekStatus.RESOLVED}),
    WeekStatus.RESOLVED: frozenset({WeekStatus.PAID}),
    WeekStatus.PAID: frozenset(),
}

WEEK_MACHINE = StateMachine(
    model="contracts.hourlyweek",
    choices=WeekStatus,
    table=WEEK_TRANSITIONS,
    initial=WeekStatus.OPEN,
    event=status_changed,
)


class TimeCorrectionStatus(models.TextChoices):
    PENDING = "pending", _("クライアントの回答待ち")
    ACCEPTED = "accepted", _("承諾")
    DECLINED = "declined", _("見送り")
    # The week was approved (by the clock or staff) before the client answered: silence adds no time.
    LAPSED = "lapsed", _("回答がないまま週が承認されたため反映なし")


# The client answers a pending correction; one she never answered lapses when the week is approved or
# decided without it.
TIME_CORRECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    TimeCorrectionStatus.PENDING: frozenset(
        {TimeCorrectionStatus.ACCEPTED, TimeCorrectionStatus.DECLINED, TimeCorrectionStatus.LAPSED}
    ),
    TimeCorrectionStatus.ACCEPTED: frozenset(),
    TimeCorrectionStatus.DECLINED: frozenset(),
    TimeCorrectionStatus.LAPSED: frozenset(),
}

TIME_CORRECTION_MACHINE = StateMachine(
    model="contracts.timecorrection",
    choices=TimeCorrectionStatus,
    table=TIME_CORRECTION_TRANSITIONS,
    initial=TimeCorrectionStatus.PENDING,
)


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("相手の回答待ち")
    ACCEPTED = "accepted", _("双方合意")
    REJECTED = "rejected", _("見送り")


# The other party answers once. An extension the client grants (accommodation_answer) is written as a
# change request created already accepted: both sides agreed in that one step.
CHANGE_REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    ChangeRequestStatus.PENDING: frozenset({ChangeRequestStatus.ACCEPTED, ChangeRequestStatus.REJECTED}),
    ChangeRequestStatus.ACCEPTED: frozenset(),
    ChangeRequestStatus.REJECTED: frozenset(),
}

CHANGE_REQUEST_MACHINE = StateMachine(
    model="contracts.changerequest",
    choices=ChangeRequestStatus,
    table=CHANGE_REQUEST_TRANSITIONS,
    initial=(ChangeRequestStatus.PENDING, ChangeRequestStatus.ACCEPTED),
)


class AccommodationKind(models.TextChoices):
    EXTENSION = "extension", _("納期の延長")
    PAUSE = "pause", _("一時休止")


# The words the client sees for a request: the kind alone, never a reason (contract page, notification,
# e-mail, terms). The worker's preview shows exactly these.
ACCOMMODATION_CLIENT_LABELS: dict[str, Any] = {
    AccommodationKind.EXTENSION: _("延長の希望"),
    AccommodationKind.PAUSE: _("一時停止の希望"),
}


# The reason of an accommodation request is optional and special-care information: its choices and its
# storage (encrypted, under the worker's consent) belong to the profiles app.
AccommodationReason = CareReason


class AccommodationStatus(models.TextChoices):
    PENDING = "pending", _("回答待ち")
    ACCEPTED = "accepted", _("承諾")
    DECLINED = "declined", _("お断り")


ACCOMMODATION_TRANSITIONS: dict[str, frozenset[str]] = {
    AccommodationStatus.PENDING: frozenset({AccommodationStatus.ACCEPTED, AccommodationStatus.DECLINED}),
    AccommodationStatus.ACCEPTED: frozenset(),
    AccommodationStatus.DECLINED: frozenset(),
}

ACCOMMODATION_MACHINE = StateMachine(
    model="contracts.accommodationrequest",
    choices=AccommodationStatus,
    table=ACCOMMODATION_TRANSITIONS,
    initial=AccommodationStatus.PENDING,
)


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("仲介中")
    DECIDED = "decided", _("決定済み")


DISPUTE_TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.OPEN: frozenset({DisputeStatus.DECIDED}),
    DisputeStatus.DECIDED: frozenset(),
}

DISPUTE_MACHINE = StateMachine(
    model="contracts.dispute", choices=DisputeStatus, table=DISPUTE_TRANSITIONS, initial=DisputeStatus.OPEN
)


class CancellationStatus(models.TextChoices):
    PENDING = "pending", _("相手の回答待ち")
    ACCEPTED = "accepted", _("双方合意(精算済み)")
    DECLINED = "declined", _("お断り")
    WITHDRAWN = "withdrawn", _("申し出を取り下げ")
    # The milestone moved on before the other party answered (accepted and paid, or sent to staff).
    LAPSED = "lapsed", _("状況が変わったため無効")


# A cancellation of a funded milestone is agreed by both or not at all: the other party accepts or
# declines, the proposer may withdraw, and one left pending lapses when the milestone is paid or disputed.
CANCELLATION_TRANSITIONS: dict[str, frozenset[str]] = {
    CancellationStatus.PENDING: frozenset(
        {
            CancellationStatus.ACCEPTED,
            CancellationStatus.DECLINED,
            CancellationStatus.WITHDRAWN,
            CancellationStatus.LAPSED,
        }
    ),
    CancellationStatus.ACCEPTED: frozenset(),
    CancellationStatus.DECLINED: frozenset(),
    CancellationStatus.WITHDRAWN: frozenset(),
    CancellationStatus.LAPSED: frozenset(),
}

CANCELLATION_MACHINE = StateMachine(
    model="contracts.milestonecancellation",
    choices=CancellationStatus,
    table=CANCELLATION_TRANSITIONS,
    initial=CancellationStatus.PENDING,
)


class BonusStatus(models.TextChoices):
    # The client confirmed the bonus and was asked for the money (bank transfer or card).
    AWAITING_PAYMENT = "awaiting_payment", _("入金の確認待ち")
    PAID = "paid", _("支払い済み")
    WITHDRAWN = "withdrawn", _("取り下げ")


# awaiting_payment → paid once the money is held and released to the worker (`services.bonus_sync_release`,
# from the ledger's FundingPosted event); the client may withdraw a bonus whose money never came.
BONUS_TRANSITIONS: dict[str, frozenset[str]] = {
    BonusStatus.AWAITING_PAYMENT: frozenset({BonusStatus.PAID, BonusStatus.WITHDRAWN}),
    BonusStatus.PAID: frozenset(),
    BonusStatus.WITHDRAWN: frozenset(),
}

BONUS_MACHINE = StateMachine(
    model="contracts.bonus",
    choices=BonusStatus,
    table=BONUS_TRANSITIONS,
    initial=BonusStatus.AWAITING_PAYMENT,
)

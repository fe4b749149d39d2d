"""Contract constants: the policy numbers of project work, kept in one place, and the state machines of
contracts, milestones and hourly weeks as explicit transition tables."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.profiles.constants import CareReason

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


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("仮払い待ち")
    FUNDED = "funded", _("仮払い済み(作業できます)")
    DELIVERED = "delivered", _("納品済み(検収待ち)")
    RETURNED = "returned", _("差し戻し")
    ACCEPTED = "accepted", _("検収済み")
    RELEASED = "released", _("支払い済み")
    DISPUTED = "disputed", _("運営が仲介中")
    CANCELLED = "cancelled", _("取り消し")


MILESTONE_TRANSITIONS: dict[str, frozenset[str]] = {
    MilestoneStatus.PENDING: frozenset({MilestoneStatus.FUNDED, MilestoneStatus.CANCELLED}),
    MilestoneStatus.FUNDED: frozenset({MilestoneStatus.DELIVERED, MilestoneStatus.DISPUTED}),
    MilestoneStatus.DELIVERED: frozenset(
        {MilestoneStatus.ACCEPTED, MilestoneStatus.RETURNED, MilestoneStatus.DISPUTED}
    ),
    MilestoneStatus.RETURNED: frozenset({MilestoneStatus.DELIVERED, MilestoneStatus.DISPUTED}),
    MilestoneStatus.ACCEPTED: frozenset({MilestoneStatus.RELEASED}),
    MilestoneStatus.RELEASED: frozenset(),
    # A staff decision splits the escrow: the milestone ends released (the worker got something) or
    # cancelled (everything went back to the client).
    MilestoneStatus.DISPUTED: frozenset({MilestoneStatus.RELEASED, MilestoneStatus.CANCELLED}),
    MilestoneStatus.CANCELLED: frozenset(),
}


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
    BILLED = "billed", _("承認・支払い済み")
    DISPUTED = "disputed", _("運営が仲介中")
    RESOLVED = "resolved", _("仲介で決定済み")


# open → submitted (the worker, or the tick once logging closed) → billed (the client approves, or the tick
# once the acceptance period after submission passed). The client may ask for a correction instead
# (→ correction, which stops the clock until the worker resubmits). open → billed is only the ¥0 close of
# an empty week when the contract ends. Minutes of a submitted week change only through a TimeCorrection
# the client accepts.
WEEK_TRANSITIONS: dict[str, frozenset[str]] = {
    WeekStatus.OPEN: frozenset({WeekStatus.SUBMITTED, WeekStatus.BILLED, WeekStatus.DISPUTED}),
    WeekStatus.SUBMITTED: frozenset({WeekStatus.BILLED, WeekStatus.CORRECTION, WeekStatus.DISPUTED}),
    WeekStatus.CORRECTION: frozenset({WeekStatus.SUBMITTED, WeekStatus.BILLED, WeekStatus.DISPUTED}),
    WeekStatus.BILLED: frozenset(),
    WeekStatus.DISPUTED: frozenset({WeekStatus.RESOLVED}),
    WeekStatus.RESOLVED: frozenset(),
}


class TimeCorrectionStatus(models.TextChoices):
    PENDING = "pending", _("クライアントの回答待ち")
    ACCEPTED = "accepted", _("承諾")
    DECLINED = "declined", _("見送り")
    # The week was approved (by the clock or staff) before the client answered: silence adds no time.
    LAPSED = "lapsed", _("回答がないまま週が承認されたため反映なし")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("相手の回答待ち")
    ACCEPTED = "accepted", _("双方合意")
    REJECTED = "rejected", _("見送り")


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


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("仲介中")
    DECIDED = "decided", _("決定済み")


def transition_allowed(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())

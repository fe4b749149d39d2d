"""Contract constants: the policy numbers of project work, kept in one place, and the state machines of
contracts, milestones and hourly weeks as explicit transition tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

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


class WeekStatus(models.TextChoices):
    OPEN = "open", _("記録中")
    BILLED = "billed", _("承認・支払い済み")
    DISPUTED = "disputed", _("運営が仲介中")
    RESOLVED = "resolved", _("仲介で決定済み")


WEEK_TRANSITIONS: dict[str, frozenset[str]] = {
    WeekStatus.OPEN: frozenset({WeekStatus.BILLED, WeekStatus.DISPUTED}),
    WeekStatus.BILLED: frozenset(),
    WeekStatus.DISPUTED: frozenset({WeekStatus.RESOLVED}),
    WeekStatus.RESOLVED: frozenset(),
}


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("相手の回答待ち")
    ACCEPTED = "accepted", _("双方合意")
    REJECTED = "rejected", _("見送り")


class AccommodationKind(models.TextChoices):
    EXTENSION = "extension", _("納期の延長")
    PAUSE = "pause", _("一時休止")


class AccommodationReason(models.TextChoices):
    CHILDCARE = "childcare", _("育児")
    CAREGIVING = "caregiving", _("介護")
    HEALTH = "health", _("体調・通院")
    OTHER = "other", _("その他")


class AccommodationStatus(models.TextChoices):
    PENDING = "pending", _("回答待ち")
    ACCEPTED = "accepted", _("承諾")
    DECLINED = "declined", _("お断り")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("仲介中")
    DECIDED = "decided", _("決定済み")


def transition_allowed(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())

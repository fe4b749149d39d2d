"""Choices and the allowed state transitions of jobs, proposals and identity verifications.

Each table maps a current status to the statuses it may move to. The `*_transition` services in
`services.py` are the only writers of `status`, and they consult these tables before anything changes.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Identity documents: images a phone takes, or a scanned PDF. Checked by content, not by name.
VERIFICATION_MAX_BYTES = 10 * 1024 * 1024
MAX_PROPOSAL_MILESTONES = 20
MAX_SKILLS = 15


class PayType(models.TextChoices):
    FIXED = "fixed", _("固定報酬")
    HOURLY = "hourly", _("時間単価")


class MeetingStyle(models.TextChoices):
    NONE = "none", _("打ち合わせなし")
    TEXT_CHAT = "text_chat", _("テキストのやりとりのみ")
    SCHEDULED_CALLS = "scheduled_calls", _("日時を決めた通話あり")


class JobStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("募集中")
    CLOSED = "closed", _("募集終了")


# Reopening (closed → published) is allowed on purpose: a client who closed too early, or whose hire fell
# through, should not have to retype the job. The proposal deadline still applies after reopening, so a
# reopened job whose deadline has passed accepts no proposals until the client edits it.
JOB_TRANSITIONS: dict[str, frozenset[str]] = {
    JobStatus.DRAFT: frozenset({JobStatus.PUBLISHED}),
    JobStatus.PUBLISHED: frozenset({JobStatus.CLOSED}),
    JobStatus.CLOSED: frozenset({JobStatus.PUBLISHED}),
}


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("応募済み")
    SHORTLISTED = "shortlisted", _("候補")
    DECLINED = "declined", _("見送り")
    WITHDRAWN = "withdrawn", _("取り下げ")
    OFFERED = "offered", _("契約を提案済み")
    ACCEPTED = "accepted", _("契約成立")


# Who may make each move is checked by the service (the worker withdraws; the client shortlists, declines
# and offers; the contracts app marks an offer accepted). The table says only which moves exist.
PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalStatus.SUBMITTED: frozenset(
        {
            ProposalStatus.SHORTLISTED,
            ProposalStatus.DECLINED,
            ProposalStatus.WITHDRAWN,
            ProposalStatus.OFFERED,
        }
    ),
    ProposalStatus.SHORTLISTED: frozenset(
        {ProposalStatus.DECLINED, ProposalStatus.WITHDRAWN, ProposalStatus.OFFERED}
    ),
    # An offer the worker turns down (or the client cancels) goes back to the shortlist.
    ProposalStatus.OFFERED: frozenset({ProposalStatus.ACCEPTED, ProposalStatus.SHORTLISTED}),
    ProposalStatus.DECLINED: frozenset(),
    ProposalStatus.WITHDRAWN: frozenset(),
    ProposalStatus.ACCEPTED: frozenset(),
}

PROPOSAL_EDITABLE = frozenset({ProposalStatus.SUBMITTED})
PROPOSAL_OPEN = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED, ProposalStatus.OFFERED})

# Which side may make a move. "system" is the contracts app acting for the worker's agreement.
PROPOSAL_MOVER: dict[str, str] = {
    ProposalStatus.SHORTLISTED: "client",
    ProposalStatus.DECLINED: "client",
    ProposalStatus.OFFERED: "client",
    ProposalStatus.WITHDRAWN: "worker",
    ProposalStatus.ACCEPTED: "system",
}


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    APPROVED = "approved", _("本人確認済み")
    REJECTED = "rejected", _("確認できませんでした")


VERIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VerificationStatus.PENDING: frozenset({VerificationStatus.APPROVED, VerificationStatus.REJECTED}),
    VerificationStatus.APPROVED: frozenset(),
    VerificationStatus.REJECTED: frozenset(),
}

DEFAULT_DECLINE_MESSAGE = _(
    "このたびはご応募いただき、ありがとうございました。\n"
    "慎重に検討しましたが、今回は別の方にお願いすることになりました。\n"
    "ご提案の内容はとても丁寧で、参考になりました。またの機会によろしくお願いいたします。"
)


def can_transition(table: dict[str, frozenset[str]], current: str, target: str) -> bool:
    return target in table.get(current, frozenset())

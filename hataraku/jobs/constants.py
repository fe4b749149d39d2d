"""Choices and the state machines of jobs and proposals.

Each table maps a current status to the statuses it may move to; every status change goes through
`hataraku.core.state.transition`, which checks the machine declared here before anything changes.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import state

from .events import JobClosed, JobEvent, JobPublished

MAX_PROPOSAL_MILESTONES = 20
MAX_SKILLS = 15


class PayType(models.TextChoices):
    FIXED = "fixed", _("固定報酬")
    HOURLY = "hourly", _("時間単価")


class MeetingStyle(models.TextChoices):
    NONE = "none", _("打ち合わせなし")
    TEXT_CHAT = "text_chat", _("テキストのやりとりのみ")
    SCHEDULED_CALLS = "scheduled_calls", _("日時を決めた通話あり")


class CallMode(models.TextChoices):
    """How a scheduled call is held. A job lists the modes it can use; none listed means either."""

    VOICE = "voice", _("音声通話")
    VIDEO = "video", _("ビデオ通話")


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


def _job_event(job: Any, previous: str) -> JobEvent | None:
    """Matching keeps its index in step: a job that opens (published or re-opened) or stops taking
    proposals (closed by its client, by its last place being filled, or by the client's account deletion)
    is announced after commit."""
    if job.status == JobStatus.PUBLISHED:
        return JobPublished(job_id=job.pk)
    if job.status == JobStatus.CLOSED:
        return JobClosed(job_id=job.pk)
    return None


JOB_MACHINE = state.StateMachine(
    model="jobs.job", choices=JobStatus, table=JOB_TRANSITIONS, initial=JobStatus.DRAFT, event=_job_event
)
PROPOSAL_MACHINE = state.StateMachine(
    model="jobs.proposal",
    choices=ProposalStatus,
    table=PROPOSAL_TRANSITIONS,
    initial=ProposalStatus.SUBMITTED,
)

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


DEFAULT_DECLINE_MESSAGE = _(
    "このたびはご応募いただき、ありがとうございました。\n"
    "慎重に検討しましたが、今回は別の方にお願いすることになりました。\n"
    "ご提案の内容はとても丁寧で、参考になりました。またの機会によろしくお願いいたします。"
)

"""The jobs app's part of the personal-data download and of account deletion.

On deletion: invitations to the person go; their open proposals are withdrawn and every proposal message
not tied to a contract is blanked (a contract keeps its own copy of the agreed terms); their published
jobs are closed (each move through the state machine, so it is audited and a closed job is announced).
Rows that contracts point at stay, with the anonymised user. Identity verification is the accounts app's.
"""

from __future__ import annotations

from typing import Any

from hataraku.core import clock, state

from .constants import PROPOSAL_OPEN, JobStatus, ProposalStatus
from .models import Invitation, Job, Proposal


def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "依頼した仕事": [
            {
                "タイトル": job.title,
                "状態": job.get_status_display(),
                "仕事の内容": job.description_md,
                "応募締切": job.proposal_deadline.isoformat(),
                "納期": job.deadline.isoformat(),
            }
            for job in Job.objects.filter(client=user).order_by("pk")
        ],
        "応募": [
            {
                "仕事": p.job.title,
                "金額": p.amount,
                "納品予定日": p.delivery_date.isoformat(),
                "メッセージ": p.message,
                "状態": p.get_status_display(),
                "マイルストーン": [
                    {"内容": m.title, "金額": m.amount, "期日": m.due_date.isoformat()}
                    for m in p.milestones.all()
                ],
            }
            for p in Proposal.objects.filter(worker=user).select_related("job").prefetch_related("milestones")
        ],
        "受け取ったスカウト": [
            {"仕事": i.job.title, "メッセージ": i.message, "日時": i.created_at.isoformat()}
            for i in Invitation.objects.filter(worker=user).select_related("job").order_by("pk")
        ],
    }


def erase_user_data(user: Any) -> None:
    Invitation.objects.filter(worker=user).delete()
    # An offered proposal stays: the contract offer on it is the contracts app's to cancel.
    for proposal in Proposal.objects.filter(worker=user, status__in=PROPOSAL_OPEN - {ProposalStatus.OFFERED}):
        state.transition(
            proposal, target=ProposalStatus.WITHDRAWN, actor=user, data={"reason": "account_deleted"}
        )
    Proposal.objects.filter(worker=user).exclude(
        status__in=[ProposalStatus.ACCEPTED, ProposalStatus.OFFERED]
    ).update(message="", decline_message="")
    for job in Job.objects.filter(client=user, status=JobStatus.PUBLISHED):
        state.transition(
            job,
            target=JobStatus.CLOSED,
            actor=user,
            fields={"closed_at": clock.now()},
            data={"reason": "account_deleted"},
        )

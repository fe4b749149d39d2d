"""The jobs app's part of the personal-data download and of account deletion.

On deletion: identity documents and their outcomes go (the document file too, if a review was still
pending); invitations to the person go; their open proposals are withdrawn and every proposal message
not tied to a contract is blanked (a contract keeps its own copy of the agreed terms); their published
jobs are closed. Rows that contracts point at stay, with the anonymised user.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction

from hataraku.core import events

from .constants import PROPOSAL_OPEN, JobStatus, ProposalStatus
from .events import JobClosed
from .models import IdentityVerification, Invitation, Job, Proposal


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
        # The document itself is never kept after review, so only the outcome can be exported.
        "本人確認": [
            {"状態": v.get_status_display(), "理由": v.reason, "提出日時": v.created_at.isoformat()}
            for v in IdentityVerification.objects.filter(user=user).order_by("pk")
        ],
    }


def erase_user_data(user: Any) -> None:
    for verification in IdentityVerification.objects.filter(user=user).exclude(document=""):
        transaction.on_commit(partial(verification.document.storage.delete, verification.document.name or ""))
    IdentityVerification.objects.filter(user=user).delete()
    Invitation.objects.filter(worker=user).delete()
    Proposal.objects.filter(worker=user, status__in=PROPOSAL_OPEN - {ProposalStatus.OFFERED}).update(
        status=ProposalStatus.WITHDRAWN
    )
    Proposal.objects.filter(worker=user).exclude(
        status__in=[ProposalStatus.ACCEPTED, ProposalStatus.OFFERED]
    ).update(message="", decline_message="")
    closing = list(Job.objects.filter(client=user, status=JobStatus.PUBLISHED).values_list("pk", flat=True))
    Job.objects.filter(pk__in=closing).update(status=JobStatus.CLOSED)
    for job_id in closing:
        events.announce(JobClosed(job_id=job_id))

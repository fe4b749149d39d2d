"""Writes on proposals: a worker proposes (and edits while "submitted") or withdraws; the client
shortlists, declines or offers a contract; the contracts app reports an offer withdrawn or agreed.
Every status change goes through `core.state.transition` (PROPOSAL_MACHINE), and the job is always
locked before the proposal, the same order as `job_transition`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.accounts.selectors import check_not_suspended, is_verified
from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.dates import date_error
from hataraku.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied

from .. import integrations
from .. import notices as job_notices
from ..constants import (
    JOB_MACHINE,
    MAX_PROPOSAL_MILESTONES,
    PROPOSAL_EDITABLE,
    PROPOSAL_MACHINE,
    PROPOSAL_MOVER,
    JobStatus,
    PayType,
    ProposalStatus,
)
from ..models import Job, Proposal, ProposalMilestone
from .postings import JOB_FULL_MESSAGE, job_is_full


@dataclass
class MilestoneInput:
    title: str
    amount: int
    due_date: dt.date


def proposal_input_errors(
    *,
    job: Job,
    amount: int | None,
    delivery_date: dt.date | None,
    message: str,
    milestones: list[MilestoneInput],
) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    if amount is None or amount < 1:
        errors.append(("amount", _("金額は1円以上で入力してください。")))
    delivery_error = date_error(delivery_date, label=_("納品予定日")) if delivery_date else None
    if delivery_date is None:
        errors.append(("delivery_date", _("納品予定日を入力してください。")))
    elif delivery_error:
        errors.append(("delivery_date", delivery_error))
    if not (message or "").strip():
        errors.append(("message", _("クライアントへのメッセージを入力してください。")))
    elif message_error := limits.length_error(message, limit=limits.PROPOSAL_MESSAGE):
        errors.append(("message", message_error))
    if milestones:
        if any(limits.text_length(m.title) > limits.MILESTONE_TITLE for m in milestones):
            errors.append(
                (
                    "milestones",
                    _("マイルストーンの内容は%(max)s文字以内にしてください。")
                    % {"max": limits.MILESTONE_TITLE},
                )
            )
        if job.pay_type == PayType.HOURLY:
            errors.append(("milestones", _("時間単価の仕事では、マイルストーンは設定できません。")))
        if len(milestones) > MAX_PROPOSAL_MILESTONES:
            errors.append(
                (
                    "milestones",
                    _("マイルストーンは%(n)d個までにしてください。") % {"n": MAX_PROPOSAL_MILESTONES},
                )
            )
        if any(m.amount < 1 for m in milestones):
            errors.append(("milestones", _("マイルストーンの金額は1円以上にしてください。")))
        due_errors = [date_error(m.due_date, label=_("マイルストーンの期日")) for m in milestones]
        if any(due_errors):
            errors.append(("milestones", next(e for e in due_errors if e)))
        total = sum(m.amount for m in milestones)
        if amount is not None and total != amount:
            errors.append(
                (
                    "milestones",
                    _("マイルストーンの金額の合計(%(total)s円)が提案金額(%(amount)s円)と一致しません。")
                    % {"total": f"{total:,}", "amount": f"{amount:,}"},
                )
            )
    return errors


def _check_can_propose(job: Job, worker: User) -> None:
    if not getattr(worker, "is_worker", False):
        raise PermissionDenied(_("応募するには、ワーカーとして登録してください。"))
    if job.client_id == worker.pk:
        raise PermissionDenied(_("ご自分の仕事には応募できません。"))
    if job.status == JobStatus.CLOSED and job_is_full(job):
        raise InvalidTransition(str(JOB_FULL_MESSAGE), code="job_full")
    if job.status != JobStatus.PUBLISHED:
        raise InvalidTransition(_("この仕事は募集を終了しているため、応募できません。"))
    if job.proposal_deadline < clock.today():
        raise InvalidTransition(_("応募締切を過ぎているため、応募できません。"))
    if job.verified_only and not is_verified(worker):
        raise PermissionDenied(
            _(
                "この仕事は本人確認が済んだ方のみ応募できます。"
                "本人確認のページから書類を提出すると、確認後に応募できるようになります。"
            ),
            code="verification_required",
        )


def proposal_submit(
    *,
    job: Job,
    worker: User,
    amount: int,
    delivery_date: dt.date,
    message: str,
    milestones: list[MilestoneInput] | None = None,
) -> Proposal:
    """Propose on a job, or edit one's own proposal while it is still "submitted" (one per worker per job)."""
    check_not_suspended(worker)
    milestones = milestones or []
    with transaction.atomic():
        # Lock the job first, then the proposal: the same order as job_transition, so closing a job and
        # proposing on it cannot interleave.
        locked_job = Job.objects.select_for_update().get(pk=job.pk)
        _check_can_propose(locked_job, worker)
        errors = proposal_input_errors(
            job=locked_job, amount=amount, delivery_date=delivery_date, message=message, milestones=milestones
        )
        if errors:
            raise DomainError(errors[0][1], code="invalid_proposal", field=errors[0][0], errors=errors)
        proposal = Proposal.objects.select_for_update().filter(job=locked_job, worker=worker).first()
        created = proposal is None
        if proposal is None:
            proposal = Proposal(job=locked_job, worker=worker)
        elif proposal.status not in PROPOSAL_EDITABLE:
            raise InvalidTransition(
                _("この仕事にはすでに応募しています(状態: %(status)s)。もう一度応募することはできません。")
                % {"status": ProposalStatus(proposal.status).label},
                code="already_proposed",
            )
        proposal.amount = amount
        proposal.delivery_date = delivery_date
        proposal.message = message
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError as exc:
            raise InvalidTransition(_("この仕事にはすでに応募しています。"), code="already_proposed") from exc
        proposal.milestones.all().delete()
        ProposalMilestone.objects.bulk_create(
            ProposalMilestone(proposal=proposal, order=i, title=m.title, amount=m.amount, due_date=m.due_date)
            for i, m in enumerate(milestones, start=1)
        )
        audit_record(
            actor=worker,
            action="proposal.submit" if created else "proposal.edit",
            target=proposal,
            data={"amount": amount, "milestones": len(milestones)},
        )
        if created:
            notices.notify(
                user=locked_job.client,
                code=job_notices.PROPOSAL_NEW,
                params={"title": locked_job.title, "name": worker.name_for_display},
                url=reverse("jobs:job_proposals", args=[locked_job.pk]),
            )
    return proposal


def proposal_transition(*, proposal: Proposal, actor: User, to: str, message: str = "") -> Proposal:
    """Move a proposal along PROPOSAL_MACHINE. Checks both the table and who is moving: only the
    worker withdraws; only the job's client shortlists, declines or offers."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=proposal.job_id)
        locked = Proposal.objects.select_for_update().select_related("worker").get(pk=proposal.pk)
        mover = PROPOSAL_MOVER.get(to)
        is_client = actor is not None and job.client_id == actor.pk
        is_worker = actor is not None and locked.worker_id == actor.pk
        if not (is_client or is_worker) and mover != "system":
            raise NotFound(_("お探しの応募は見つかりませんでした。"))
        if (mover == "client" and not is_client) or (mover == "worker" and not is_worker):
            raise PermissionDenied(_("この操作はできません。"), code="wrong_party")
        refusal = _("この応募は「%(current)s」のため、「%(target)s」にはできません。")
        if not PROPOSAL_MACHINE.allows(locked.status, to):
            raise PROPOSAL_MACHINE.refuse(locked.status, to, refusal)
        limits.check_length(message, limit=limits.DECLINE_MESSAGE, field="message")
        state.transition(
            locked,
            target=to,
            actor=actor,
            fields={"decline_message": message} if to == ProposalStatus.DECLINED else {},
            refusal=refusal,
            locked=True,
        )
        url = reverse("jobs:proposal_detail", args=[locked.pk])
        if to == ProposalStatus.SHORTLISTED:
            notices.notify(
                user=locked.worker,
                code=job_notices.PROPOSAL_SHORTLISTED,
                params={"title": job.title},
                url=url,
            )
        elif to == ProposalStatus.DECLINED:
            notices.notify(
                user=locked.worker,
                code=job_notices.PROPOSAL_DECLINED,
                params={"title": job.title, "message": message},
                url=url,
            )
    return locked


def proposal_withdraw(*, proposal: Proposal, actor: User) -> Proposal:
    return proposal_transition(proposal=proposal, actor=actor, to=ProposalStatus.WITHDRAWN)


def proposal_shortlist(*, proposal: Proposal, actor: User) -> Proposal:
    return proposal_transition(proposal=proposal, actor=actor, to=ProposalStatus.SHORTLISTED)


def proposal_decline(*, proposal: Proposal, actor: User, message: str) -> Proposal:
    if not (message or "").strip():
        raise DomainError(_("お断りのメッセージを入力してください。"), field="message")
    return proposal_transition(proposal=proposal, actor=actor, to=ProposalStatus.DECLINED, message=message)


def proposal_offer(*, proposal: Proposal, actor: User, idempotency_key: str) -> Any:
    """Offer a contract on a proposal: `contracts.services.contract_offer` writes the contract; the
    proposal moves to "offered" in the same transaction, unless contract_offer already moved it.
    Returns the contract."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=proposal.job_id)
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if job.client_id != getattr(actor, "pk", None):
            raise NotFound(_("お探しの応募は見つかりませんでした。"))
        if locked.status != ProposalStatus.OFFERED and not PROPOSAL_MACHINE.allows(
            locked.status, ProposalStatus.OFFERED
        ):
            raise InvalidTransition(
                _("この応募は「%(current)s」のため、契約を提案できません。")
                % {"current": ProposalStatus(locked.status).label}
            )
        contract = integrations.contract_offer(proposal=locked, actor=actor, idempotency_key=idempotency_key)
        locked.refresh_from_db(fields=["status"])
        if locked.status != ProposalStatus.OFFERED:
            proposal_transition(proposal=locked, actor=actor, to=ProposalStatus.OFFERED)
            locked.refresh_from_db(fields=["status"])
    return contract


def proposal_offer_withdrawn(*, proposal: Proposal, actor: User) -> Proposal:
    """For the contracts app: the offer made on this proposal was withdrawn or turned down before both
    sides agreed, so the proposal goes back to the client's shortlist (offered → shortlisted). Either party
    may cause it; the audit row names who did, and nobody is told "you were shortlisted" again."""
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        refusal = _("この応募は「%(current)s」のため、候補に戻せません。")
        # Only an offered proposal goes back: a submitted one may be shortlisted, but not by this path.
        if locked.status != ProposalStatus.OFFERED:
            raise PROPOSAL_MACHINE.refuse(locked.status, ProposalStatus.SHORTLISTED, refusal)
        state.transition(
            locked,
            target=ProposalStatus.SHORTLISTED,
            actor=actor,
            action="proposal.offer_withdrawn",
            refusal=refusal,
            locked=True,
        )
    if locked is not proposal:
        proposal.refresh_from_db(fields=["status"])
    return locked


def proposal_mark_accepted(*, proposal: Proposal, actor: User) -> Proposal:
    """For the contracts app: both sides agreed, the proposal is now a contract. When the job has as many
    contracts as people wanted, it closes to new proposals by itself, so nobody writes a proposal that
    cannot be taken."""
    with transaction.atomic():
        accepted = proposal_transition(proposal=proposal, actor=actor, to=ProposalStatus.ACCEPTED)
        job = Job.objects.select_for_update().get(pk=proposal.job_id)
        if job_is_full(job) and JOB_MACHINE.allows(job.status, JobStatus.CLOSED):
            state.transition(
                job,
                target=JobStatus.CLOSED,
                actor=actor,
                fields={"closed_at": clock.now()},
                data={"reason": "headcount_reached"},
                locked=True,
            )
    return accepted

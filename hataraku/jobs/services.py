"""Writes for jobs, proposals, invitations and identity verification.

Every service takes keyword-only arguments, runs in one `transaction.atomic`, writes an audit row inside it
and leaves side effects (file deletion) to `transaction.on_commit`. Status moves go through the tables in
`constants.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hataraku.core import clock, events, limits
from hataraku.core.audit import audit_record
from hataraku.core.dates import date_error, datetime_error
from hataraku.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied
from hataraku.core.uploads import sniff_type

from . import integrations
from .constants import (
    JOB_TRANSITIONS,
    MAX_PROPOSAL_MILESTONES,
    MAX_SKILLS,
    PROPOSAL_EDITABLE,
    PROPOSAL_MOVER,
    PROPOSAL_TRANSITIONS,
    VERIFICATION_MAX_BYTES,
    VERIFICATION_TRANSITIONS,
    JobStatus,
    MeetingStyle,
    PayType,
    ProposalStatus,
    VerificationStatus,
    can_transition,
)
from .events import JobClosed, JobEdited, JobPublished
from .models import (
    Category,
    IdentityVerification,
    Invitation,
    Job,
    JobMeeting,
    JobRevision,
    Proposal,
    ProposalMilestone,
)
from .rendering import description_error, render_markdown
from .selectors import is_verified

if TYPE_CHECKING:
    from hataraku.accounts.models import User

# --- jobs --------------------------------------------------------------------------------------------


@dataclass
class MeetingInput:
    starts_at: dt.datetime
    minutes: int = 30


@dataclass
class JobInput:
    title: str
    description_md: str
    category: Category
    pay_type: str
    estimated_hours: int
    deadline: dt.date
    proposal_deadline: dt.date
    skills: list[str] = field(default_factory=list)
    budget_min: int | None = None
    budget_max: int | None = None
    hourly_rate_min: int | None = None
    hourly_rate_max: int | None = None
    weekly_hour_cap: int | None = None
    headcount: int = 1
    meeting_style: str = MeetingStyle.NONE
    meetings: list[MeetingInput] = field(default_factory=list)
    fixed_hours: bool = False
    interruptible: bool = True
    min_block_minutes: int = 30
    beginner_welcome: bool = False
    accessibility_notes: str = ""
    verified_only: bool = False


JOB_FIELDS = (
    "title",
    "description_md",
    "skills",
    "pay_type",
    "budget_min",
    "budget_max",
    "hourly_rate_min",
    "hourly_rate_max",
    "weekly_hour_cap",
    "estimated_hours",
    "deadline",
    "headcount",
    "proposal_deadline",
    "meeting_style",
    "fixed_hours",
    "interruptible",
    "min_block_minutes",
    "beginner_welcome",
    "accessibility_notes",
    "verified_only",
)


def job_input_errors(data: JobInput) -> list[tuple[str, str]]:
    """Every rule a job's terms must meet, as (field, Japanese message) pairs. Forms show them all at once;
    the services refuse to save while any remain."""
    errors: list[tuple[str, str]] = []
    if not (data.title or "").strip():
        errors.append(("title", _("タイトルを入力してください。")))
    if not (data.description_md or "").strip():
        errors.append(("description_md", _("仕事の内容を入力してください。")))
    errors.extend(_text_errors(data))
    if len(data.skills) > MAX_SKILLS:
        errors.append(("skills", _("スキルは%(n)d個までにしてください。") % {"n": MAX_SKILLS}))
    if data.pay_type == PayType.FIXED:
        if data.budget_min is None or data.budget_max is None:
            errors.append(("budget_min", _("固定報酬の場合は、予算の下限と上限を入力してください。")))
        elif data.budget_min > data.budget_max:
            errors.append(("budget_max", _("予算の上限は下限以上の金額にしてください。")))
        elif data.budget_min < 1:
            errors.append(("budget_min", _("予算は1円以上にしてください。")))
    elif data.pay_type == PayType.HOURLY:
        if data.hourly_rate_min is None or data.hourly_rate_max is None:
            errors.append(("hourly_rate_min", _("時間単価の場合は、時給の下限と上限を入力してください。")))
        elif data.hourly_rate_min > data.hourly_rate_max:
            errors.append(("hourly_rate_max", _("時給の上限は下限以上の金額にしてください。")))
        if not data.weekly_hour_cap:
            errors.append(("weekly_hour_cap", _("時間単価の場合は、週の上限時間を入力してください。")))
    else:
        errors.append(("pay_type", _("報酬の形式を選んでください。")))
    if data.estimated_hours is None or data.estimated_hours < 1:
        errors.append(("estimated_hours", _("作業時間の目安は1時間以上で入力してください。")))
    if data.headcount is None or data.headcount < 1:
        errors.append(("headcount", _("募集人数は1人以上にしてください。")))
    proposal_deadline_error = date_error(data.proposal_deadline, label=_("応募締切"))
    if proposal_deadline_error:
        errors.append(("proposal_deadline", proposal_deadline_error))
    deadline_error = date_error(data.deadline, label=_("納期"))
    if deadline_error:
        errors.append(("deadline", deadline_error))
    elif data.deadline < data.proposal_deadline:
        errors.append(("deadline", _("納期は応募締切より後の日付にしてください。")))
    if data.meeting_style == MeetingStyle.SCHEDULED_CALLS and not data.meetings:
        errors.append(
            ("meeting_1", _("「日時を決めた通話あり」を選んだ場合は、通話の日時を入力してください。"))
        )
    for i, meeting in enumerate(data.meetings, start=1):
        meeting_error = datetime_error(meeting.starts_at, label=_("通話の日時(%(n)d)") % {"n": i})
        if meeting_error:
            errors.append((f"meeting_{i}", meeting_error))
    if data.min_block_minutes is None or not 5 <= data.min_block_minutes <= 480:
        errors.append(
            ("min_block_minutes", _("連続して必要な作業時間は5分から480分の間で入力してください。"))
        )
    return errors


def _text_errors(data: JobInput) -> list[tuple[str, str]]:
    """The length caps (hataraku.core.limits), and the bounds of the description's rendered HTML
    (hataraku.jobs.rendering), which is made once on save and shown on every view."""
    errors = [
        (name, message)
        for name, value, limit in (
            ("title", data.title, limits.JOB_TITLE),
            ("description_md", data.description_md, limits.JOB_DESCRIPTION),
            ("accessibility_notes", data.accessibility_notes, limits.JOB_ACCESSIBILITY_NOTES),
            ("skills", "、".join(data.skills), limits.JOB_SKILLS),
        )
        if (message := limits.length_error(value, limit=limit))
    ]
    # Only a description within its length cap is rendered to check its tables and rendered size.
    if all(name != "description_md" for name, _message in errors) and (
        markdown_message := description_error(data.description_md)
    ):
        errors.append(("description_md", markdown_message))
    if skills_message := limits.skills_error(data.skills):
        errors.append(("skills", skills_message))
    return errors


def _check_job_input(data: JobInput) -> None:
    errors = job_input_errors(data)
    if errors:
        field_name, message = errors[0]
        raise DomainError(message, code="invalid_job", field=field_name, errors=errors)


def _apply(job: Job, data: JobInput) -> None:
    for name in JOB_FIELDS:
        setattr(job, name, getattr(data, name))
    job.category = data.category
    job.description_html = render_markdown(data.description_md)
    job.skills = [s.strip() for s in data.skills if s.strip()]
    # Keep only the fields that belong to the chosen pay type, so a job never shows both.
    if data.pay_type == PayType.FIXED:
        job.hourly_rate_min = job.hourly_rate_max = job.weekly_hour_cap = None
    else:
        job.budget_min = job.budget_max = None


def _replace_meetings(job: Job, data: JobInput) -> None:
    job.meetings.all().delete()
    if data.meeting_style == MeetingStyle.SCHEDULED_CALLS:
        JobMeeting.objects.bulk_create(
            JobMeeting(job=job, starts_at=m.starts_at, minutes=m.minutes) for m in data.meetings
        )


def job_snapshot(job: Job) -> dict[str, Any]:
    snap: dict[str, Any] = {}
    for name in JOB_FIELDS:
        value = getattr(job, name)
        snap[name] = value.isoformat() if isinstance(value, dt.date) else value
    snap["category"] = job.category.name if job.category_id else ""
    snap["meetings"] = [
        {"starts_at": m.starts_at.isoformat(), "minutes": m.minutes} for m in job.meetings.all()
    ]
    snap["status"] = job.status
    return snap


def job_create(*, client: User, data: JobInput) -> Job:
    """A new job as a draft. Nothing is saved while any rule of `job_input_errors` is broken."""
    if not getattr(client, "is_client", False):
        raise PermissionDenied(_("仕事を依頼するには、クライアントとして登録してください。"))
    _check_job_input(data)
    with transaction.atomic():
        job = Job(client=client, status=JobStatus.DRAFT)
        _apply(job, data)
        job.save()
        _replace_meetings(job, data)
        audit_record(actor=client, action="job.create", target=job, data={"title": job.title})
    return job


def job_update(*, job: Job, actor: User, data: JobInput) -> Job:
    """Edit a job. The version before the edit is kept as a `JobRevision`, so the history shows what
    workers saw when they proposed."""
    _check_job_input(data)
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.client_id != actor.pk:
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        if locked.status == JobStatus.CLOSED:
            raise InvalidTransition(_("募集を終了した仕事は編集できません。先に募集を再開してください。"))
        number = (locked.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        JobRevision.objects.create(
            job=locked, number=number, snapshot=job_snapshot(locked), edited_by=actor, created_at=clock.now()
        )
        _apply(locked, data)
        locked.save()
        _replace_meetings(locked, data)
        audit_record(actor=actor, action="job.update", target=locked, data={"revision": number})
        events.announce(JobEdited(job_id=locked.pk))
    return locked


def job_transition(*, job: Job, actor: User, to: str) -> Job:
    """Move a job along JOB_TRANSITIONS. Only its client may; publishing re-checks the dates, because a
    draft written last week may have a proposal deadline that has passed since."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.client_id != getattr(actor, "pk", None):
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        if not can_transition(JOB_TRANSITIONS, locked.status, to):
            raise InvalidTransition(
                _("この仕事は「%(current)s」のため、「%(target)s」にはできません。")
                % {"current": JobStatus(locked.status).label, "target": JobStatus(to).label}
            )
        if to == JobStatus.PUBLISHED and locked.proposal_deadline < clock.today():
            raise InvalidTransition(
                _("応募締切が過ぎています。締切日を今日以降に直してから公開してください。"),
                field="proposal_deadline",
            )
        previous = locked.status
        locked.status = to
        if to == JobStatus.PUBLISHED:
            locked.published_at = clock.now()
            locked.closed_at = None
        elif to == JobStatus.CLOSED:
            locked.closed_at = clock.now()
        locked.save(update_fields=["status", "published_at", "closed_at"])
        audit_record(actor=actor, action=f"job.{to}", target=locked, data={"from": previous, "to": to})
        if to == JobStatus.PUBLISHED:
            events.announce(JobPublished(job_id=locked.pk))
        elif to == JobStatus.CLOSED:
            events.announce(JobClosed(job_id=locked.pk))
    return locked


# --- proposals ---------------------------------------------------------------------------------------


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
            integrations.notify(
                user=locked_job.client,
                kind="proposal_new",
                title=_("「%(title)s」に応募がありました") % {"title": locked_job.title},
                body=_("%(name)sさんから応募が届きました。") % {"name": worker.name_for_display},
                url=reverse("jobs:job_proposals", args=[locked_job.pk]),
            )
    return proposal


def proposal_transition(*, proposal: Proposal, actor: User, to: str, message: str = "") -> Proposal:
    """Move a proposal along PROPOSAL_TRANSITIONS. Checks both the table and who is moving: only the
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
        if not can_transition(PROPOSAL_TRANSITIONS, locked.status, to):
            raise InvalidTransition(
                _("この応募は「%(current)s」のため、「%(target)s」にはできません。")
                % {"current": ProposalStatus(locked.status).label, "target": ProposalStatus(to).label}
            )
        limits.check_length(message, limit=limits.DECLINE_MESSAGE, field="message")
        previous = locked.status
        locked.status = to
        if to == ProposalStatus.DECLINED:
            locked.decline_message = message
        locked.save(update_fields=["status", "decline_message"])
        audit_record(actor=actor, action=f"proposal.{to}", target=locked, data={"from": previous, "to": to})
        url = reverse("jobs:proposal_detail", args=[locked.pk])
        if to == ProposalStatus.SHORTLISTED:
            integrations.notify(
                user=locked.worker,
                kind="proposal_shortlisted",
                title=_("「%(title)s」の候補に選ばれました") % {"title": job.title},
                body=_("クライアントがあなたの応募を候補に入れました。"),
                url=url,
            )
        elif to == ProposalStatus.DECLINED:
            integrations.notify(
                user=locked.worker,
                kind="proposal_declined",
                title=_("「%(title)s」の選考結果のお知らせ") % {"title": job.title},
                body=message,
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
        if locked.status != ProposalStatus.OFFERED and not can_transition(
            PROPOSAL_TRANSITIONS, locked.status, ProposalStatus.OFFERED
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
        if not can_transition(PROPOSAL_TRANSITIONS, locked.status, ProposalStatus.SHORTLISTED) or (
            locked.status != ProposalStatus.OFFERED
        ):
            raise InvalidTransition(
                _("この応募は「%(current)s」のため、候補に戻せません。")
                % {"current": ProposalStatus(locked.status).label}
            )
        locked.status = ProposalStatus.SHORTLISTED
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="proposal.offer_withdrawn",
            target=locked,
            data={"from": ProposalStatus.OFFERED, "to": ProposalStatus.SHORTLISTED},
        )
    proposal.status = locked.status
    return locked


def proposal_mark_accepted(*, proposal: Proposal, actor: User) -> Proposal:
    """For the contracts app: both sides agreed, the proposal is now a contract. When the job has as many
    contracts as people wanted, it closes to new proposals by itself, so nobody writes a proposal that
    cannot be taken."""
    with transaction.atomic():
        accepted = proposal_transition(proposal=proposal, actor=actor, to=ProposalStatus.ACCEPTED)
        job = Job.objects.select_for_update().get(pk=proposal.job_id)
        if job_is_full(job) and can_transition(JOB_TRANSITIONS, job.status, JobStatus.CLOSED):
            job.status = JobStatus.CLOSED
            job.closed_at = clock.now()
            job.save(update_fields=["status", "closed_at"])
            audit_record(
                actor=actor,
                action="job.closed",
                target=job,
                data={"from": JobStatus.PUBLISHED, "to": JobStatus.CLOSED, "reason": "headcount_reached"},
            )
    return accepted


JOB_FULL_MESSAGE = _lazy(
    "この仕事は募集人数に達したため、募集を終了しました。"
    "ご関心をお寄せいただきありがとうございます。ほかの仕事もぜひご覧ください。"
)


def job_is_full(job: Job) -> bool:
    """Every place on the job is taken by an accepted proposal."""
    return Proposal.objects.filter(job=job, status=ProposalStatus.ACCEPTED).count() >= job.headcount


# --- invitations -------------------------------------------------------------------------------------


def invitation_send(*, job: Job, client: User, worker: User, message: str = "") -> Invitation:
    """スカウト: ask a worker to apply. One invitation per worker per job."""
    limits.check_length(message, limit=limits.INVITATION_MESSAGE, field="message")
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.client_id != client.pk:
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        if locked.status != JobStatus.PUBLISHED:
            raise InvalidTransition(_("公開中の仕事だけにスカウトを送れます。"))
        if not getattr(worker, "is_worker", False) or not worker.is_active or worker.pk == client.pk:
            raise NotFound(_("このワーカーは見つかりませんでした。"), field="worker_id")
        if Invitation.objects.filter(job=locked, worker=worker).exists():
            raise InvalidTransition(
                _("この方にはすでにこの仕事のスカウトを送っています。"), field="worker_id"
            )
        invitation = Invitation.objects.create(
            job=locked, worker=worker, message=message, created_at=clock.now()
        )
        audit_record(actor=client, action="invitation.send", target=invitation, data={"job": locked.pk})
        integrations.notify(
            user=worker,
            kind="job_invited",
            title=_("「%(title)s」へのスカウトが届きました") % {"title": locked.title},
            body=message or _("クライアントから応募のお誘いが届きました。"),
            url=reverse("jobs:detail", args=[locked.pk]),
        )
    return invitation


# --- identity verification -----------------------------------------------------------------------------


def sniff_document_type(head: bytes) -> str | None:
    """The document's type from its first bytes (JPEG, PNG or PDF). Names and browser-sent types can be
    anything."""
    content_type = sniff_type(head)
    return content_type if content_type in {"image/jpeg", "image/png", "application/pdf"} else None


def verification_submit(*, user: User, document: UploadedFile) -> IdentityVerification:
    if document.size is None or document.size > VERIFICATION_MAX_BYTES:
        raise DomainError(_("ファイルが大きすぎます。10MB以下の画像かPDFにしてください。"), field="document")
    document.seek(0)
    content_type = sniff_document_type(document.read(16))
    document.seek(0)
    if content_type is None:
        raise DomainError(
            _("JPEG・PNGの画像か、PDFのファイルを選んでください。"), field="document", code="bad_type"
        )
    if is_verified(user):
        raise InvalidTransition(_("本人確認はすでに済んでいます。"))
    with transaction.atomic():
        if (
            IdentityVerification.objects.select_for_update()
            .filter(user=user, status=VerificationStatus.PENDING)
            .exists()
        ):
            raise InvalidTransition(_("提出済みの書類を確認中です。結果が出るまでお待ちください。"))
        verification = IdentityVerification(user=user, content_type=content_type)
        verification.document.save(document.name or "document", document, save=False)
        name = verification.document.name or ""
        # If the row cannot be written, the stored file must not be left behind without it.
        try:
            verification.save()
            audit_record(actor=user, action="verification.submit", target=verification)
        except Exception:
            verification.document.storage.delete(name)
            raise
    return verification


def verification_review(
    *, verification: IdentityVerification, actor: User, approve: bool, reason: str = ""
) -> IdentityVerification:
    """Staff decide. The document is deleted after the decision commits: we keep only the outcome, never
    the copy of someone's ID (data minimisation, 個人情報保護法23条の安全管理措置)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("お探しのページは見つかりませんでした。"))
    target = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
    if not approve and not (reason or "").strip():
        raise DomainError(_("確認できなかった理由を入力してください。ご本人に伝わります。"), field="reason")
    limits.check_length(reason, limit=limits.VERIFICATION_REASON, field="reason")
    with transaction.atomic():
        locked = (
            IdentityVerification.objects.select_for_update().select_related("user").get(pk=verification.pk)
        )
        if not can_transition(VERIFICATION_TRANSITIONS, locked.status, target):
            raise InvalidTransition(_("この本人確認はすでに確認済みです。"))
        stored_name = locked.document.name
        storage = locked.document.storage
        locked.status = target
        locked.reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = clock.now()
        locked.document = ""  # type: ignore[assignment]
        locked.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at", "document"])
        audit_record(actor=actor, action=f"verification.{target}", target=locked, data={"reason": reason})
        if stored_name:
            transaction.on_commit(lambda: storage.delete(stored_name))
        integrations.notify(
            user=locked.user,
            kind="verification_reviewed",
            title=_("本人確認が完了しました") if approve else _("本人確認ができませんでした"),
            body=reason if not approve else _("プロフィールと応募に「本人確認済み」が表示されます。"),
            url=reverse("jobs:verification"),
        )
    return locked


def verification_document_open(*, verification: IdentityVerification, actor: User) -> Any:
    """Staff open a pending document. Every look is audited; the caller streams and closes the file."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("お探しのページは見つかりませんでした。"))
    with transaction.atomic():
        if verification.status != VerificationStatus.PENDING or not verification.document:
            raise NotFound(_("書類は確認後に削除されています。"))
        audit_record(actor=actor, action="verification.document_view", target=verification)
    return verification.document.open("rb")

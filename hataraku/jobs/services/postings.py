"""Writes on job postings: the terms a client writes (`JobInput` and its rules), drafts, edits with their
revisions, publishing and closing, and deleting a job nobody proposed on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from hataraku.accounts.models import User
from hataraku.accounts.selectors import check_not_suspended
from hataraku.core import clock, events, limits, prefectures, state
from hataraku.core.audit import audit_record
from hataraku.core.dates import date_error, datetime_error
from hataraku.core.errors import DomainError, InvalidTransition, NotFound, PermissionDenied

from ..constants import JOB_MACHINE, MAX_SKILLS, JobStatus, MeetingStyle, PayType, ProposalStatus
from ..events import JobDeleted, JobEdited
from ..models import Category, Job, JobMeeting, JobRevision, Proposal
from ..rendering import description_error, render_markdown


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
    onsite_prefecture: str = ""  # JIS code; "" = remote


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
    "onsite_prefecture",
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
    if data.onsite_prefecture and data.onsite_prefecture not in prefectures.BY_CODE:
        errors.append(("onsite_prefecture", _("現地での作業がある都道府県を、一覧から選んでください。")))
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
    check_not_suspended(client)
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
    """Move a job along its machine (JOB_TRANSITIONS). Only its client may; publishing re-checks the
    dates, because a draft written last week may have a proposal deadline that has passed since. A
    suspended client may close a job but not publish one (issue 10, item 8)."""
    if to == JobStatus.PUBLISHED:
        check_not_suspended(actor)
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.client_id != getattr(actor, "pk", None):
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        refusal = _("この仕事は「%(current)s」のため、「%(target)s」にはできません。")
        if not JOB_MACHINE.allows(locked.status, to):
            raise JOB_MACHINE.refuse(locked.status, to, refusal)
        if to == JobStatus.PUBLISHED and locked.proposal_deadline < clock.today():
            raise InvalidTransition(
                _("応募締切が過ぎています。締切日を今日以降に直してから公開してください。"),
                field="proposal_deadline",
            )
        now = clock.now()
        fields = {"published_at": now, "closed_at": None} if to == JobStatus.PUBLISHED else {"closed_at": now}
        # JOB_MACHINE announces JobPublished / JobClosed after commit.
        state.transition(locked, target=to, actor=actor, fields=fields, refusal=refusal, locked=True)
    return locked


def job_delete(*, job: Job, actor: User) -> None:
    """Delete a job nobody has proposed on: its client may delete a draft; staff (the Django admin) any
    such job. A job with proposals is closed, never deleted: proposals and contracts point at it.
    Announces `JobDeleted` after commit, so an index never keeps a job that no longer exists."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().filter(pk=job.pk).first()
        is_staff = bool(getattr(actor, "is_staff", False))
        if locked is None or not (is_staff or locked.client_id == getattr(actor, "pk", None)):
            raise NotFound(_("お探しの仕事は見つかりませんでした。"))
        if not is_staff and locked.status != JobStatus.DRAFT:
            raise InvalidTransition(_("公開した仕事は削除できません。募集を終了してください。"))
        if Proposal.objects.filter(job=locked).exists():
            raise InvalidTransition(_("応募のある仕事は削除できません。募集を終了してください。"))
        job_id = locked.pk
        audit_record(
            actor=actor,
            action="job.delete",
            target=locked,
            data={"title": locked.title, "status": locked.status},
        )
        locked.delete()
        events.announce(JobDeleted(job_id=job_id))


JOB_FULL_MESSAGE = _lazy(
    "この仕事は募集人数に達したため、募集を終了しました。"
    "ご関心をお寄せいただきありがとうございます。ほかの仕事もぜひご覧ください。"
)


def job_is_full(job: Job) -> bool:
    """Every place on the job is taken by an accepted proposal."""
    return Proposal.objects.filter(job=job, status=ProposalStatus.ACCEPTED).count() >= job.headcount

"""Reads with rules: what each person may see of jobs and proposals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.accounts.selectors import is_verified
from hataraku.core import clock
from hataraku.core.errors import NotFound
from hataraku.core.money import format_yen

from . import integrations
from .constants import JobStatus, MeetingStyle, PayType
from .models import Category, Invitation, Job, Proposal


def categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("order", "id")


def access_job(user: User, job_id: int) -> Job:
    """A published job for anyone logged in; a draft or closed job only for its own client. 404 alike."""
    job = Job.objects.select_related("client", "category", "category__parent").filter(pk=job_id).first()
    if job is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    if job.status == JobStatus.PUBLISHED or job.client_id == user.pk:
        return job
    # A worker who proposed may still read a closed job (their proposal points at it).
    if job.status == JobStatus.CLOSED and Proposal.objects.filter(job=job, worker=user).exists():
        return job
    raise NotFound()


def closed_job(job_id: int) -> Job | None:
    """A job that was published and has closed since; None for drafts and missing jobs."""
    return Job.objects.filter(pk=job_id, status=JobStatus.CLOSED, published_at__isnull=False).first()


def access_own_job(user: User, job_id: int) -> Job:
    """The job for its client's management pages (edit, proposals, status). 404 for everyone else."""
    job = Job.objects.select_related("category", "client").filter(pk=job_id, client_id=user.pk).first()
    if job is None:
        raise NotFound()
    return job


def access_proposal(user: User, proposal_id: int) -> Proposal:
    """The worker who wrote it or the client of the job; 404 for anyone else."""
    proposal = (
        Proposal.objects.select_related("job", "job__client", "worker")
        .filter(pk=proposal_id)
        .filter(Q(worker_id=user.pk) | Q(job__client_id=user.pk))
        .first()
    )
    if proposal is None:
        raise NotFound()
    return proposal


@dataclass
class JobFilters:
    category: str = ""
    pay_type: str = ""
    beginner_welcome: bool = False
    no_meetings: bool = False
    text_only: bool = False
    interruptible: bool = False
    accessible_materials: bool = False
    q: str = ""


def job_list(*, viewer: User, filters: JobFilters | None = None) -> QuerySet[Job]:
    """Published jobs whose proposal deadline has not passed, filtered. Jobs restricted to verified
    workers are hidden from a worker who is not verified, so nobody is shown a door that is shut."""
    filters = filters or JobFilters()
    qs = (
        Job.objects.filter(status=JobStatus.PUBLISHED, proposal_deadline__gte=clock.today())
        .select_related("client", "category", "category__parent")
        # The list never shows the description; its Markdown and HTML are most of each row's bytes.
        .defer("description_md", "description_html", "skills")
        .annotate(proposal_count=_proposal_count())
        .order_by("-published_at", "-id")
    )
    if not is_verified(viewer):
        qs = qs.filter(verified_only=False)
    if filters.category:
        qs = qs.filter(Q(category__slug=filters.category) | Q(category__parent__slug=filters.category))
    if filters.pay_type in PayType.values:
        qs = qs.filter(pay_type=filters.pay_type)
    if filters.beginner_welcome:
        qs = qs.filter(beginner_welcome=True)
    if filters.no_meetings:
        qs = qs.filter(meeting_style=MeetingStyle.NONE)
    if filters.text_only:
        qs = qs.filter(meeting_style__in=[MeetingStyle.NONE, MeetingStyle.TEXT_CHAT])
    if filters.interruptible:
        qs = qs.filter(interruptible=True)
    if filters.accessible_materials:
        qs = qs.exclude(accessibility_notes="")
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description_md__icontains=filters.q))
    return qs


def _proposal_count() -> Coalesce:
    """Proposals per job as a correlated subquery: a COUNT(DISTINCT) over a join made the database group
    every selected column of four tables (a third of the job list's time on SQLite)."""
    per_job = (
        Proposal.objects.filter(job=OuterRef("pk"))
        .order_by()
        .values("job")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_job, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class JobCard:
    """One job as the job list shows it, every display value worked out once. The list's template only
    prints these (a dozen lookups a card instead of a few hundred through nested includes)."""

    url: str
    title: str
    client_name: str
    verified: bool
    terms: list[tuple[str, str]]
    tags: list[str]
    proposals: str


def _day(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _pay(job: Job) -> str:
    if job.pay_type == PayType.FIXED:
        return f"{_('固定報酬')} {_yen(job.budget_min)}〜{_yen(job.budget_max)}"
    text = f"{_('時間単価')} {_yen(job.hourly_rate_min)}〜{_yen(job.hourly_rate_max)} / {_('時間')}"
    if job.weekly_hour_cap is not None:
        text += "(" + _("週%(cap)s時間まで") % {"cap": localize(job.weekly_hour_cap)} + ")"
    return text


def _yen(value: int | None) -> str:
    return "—" if value is None else format_yen(int(value))


def _work_style(job: Job) -> list[str]:
    tags = [
        job.get_meeting_style_display(),  # type: ignore[attr-defined]
        _("決まった時間帯に作業") if job.fixed_hours else _("好きな時間に作業"),
        _("途中で中断できる") if job.interruptible else _("中断しにくい作業"),
        _("最短%(m)s分から") % {"m": localize(job.min_block_minutes)},
    ]
    if job.beginner_welcome:
        tags.append(_("初心者歓迎"))
    if job.has_accessible_materials:
        tags.append(_("資料のアクセシビリティに配慮あり"))
    if job.verified_only:
        tags.append(_("本人確認済みの方のみ"))
    return tags


def job_cards(jobs: list[Job], *, verified_ids: set[int]) -> list[JobCard]:
    """Display values for the job list, from rows of `job_list` (client, category and proposal_count
    already loaded: no query here). Same words as jobs/_job_terms.html and _work_style.html, which the job
    page still uses."""
    return [
        JobCard(
            url=reverse("jobs:detail", args=[job.pk]),
            title=job.title,
            client_name=job.client.name_for_display,
            verified=job.client_id in verified_ids,
            terms=[
                (_("カテゴリ"), str(job.category)),
                (_("報酬"), _pay(job)),
                (_("作業時間の目安"), _("%(h)s時間") % {"h": localize(job.estimated_hours)}),
                (_("応募締切"), _day(job.proposal_deadline)),
                (_("納期"), _day(job.deadline)),
            ],
            tags=_work_style(job),
            proposals=_("応募 %(n)s件") % {"n": localize(job.proposal_count)},  # type: ignore[attr-defined]
        )
        for job in jobs
    ]


def client_jobs(client: User) -> QuerySet[Job]:
    return (
        Job.objects.filter(client=client)
        .select_related("category")
        .annotate(proposal_count=Count("proposals", distinct=True))
        .order_by("-created_at", "-id")
    )


def proposals_for_job(job: Job) -> QuerySet[Proposal]:
    return job.proposals.select_related("worker").prefetch_related("milestones").order_by("created_at", "id")


# A proposal asking more than this many times the top of the job's budget is pointed out to the client.
FAR_OVER_BUDGET = 2


def proposal_flags(proposal: Proposal) -> list[str]:
    """What the client should notice before choosing, in plain words (never colour alone): an amount more
    than twice the top of the job's budget (or hourly rate), and a delivery after the job's deadline. The
    worker may still propose these; the client decides."""
    job = proposal.job
    flags: list[str] = []
    top = job.hourly_rate_max if job.pay_type == PayType.HOURLY else job.budget_max
    if top and proposal.amount > FAR_OVER_BUDGET * top:
        if job.pay_type == PayType.HOURLY:
            flags.append(_("時給の上限(%(top)s)の2倍を超える金額です。") % {"top": format_yen(top)})
        else:
            flags.append(_("予算の上限(%(top)s)の2倍を超える金額です。") % {"top": format_yen(top)})
    if proposal.delivery_date and job.deadline and proposal.delivery_date > job.deadline:
        flags.append(
            _("仕事の納期(%(deadline)s)より後の納品予定です。")
            % {"deadline": date_format(job.deadline, "MONTH_DAY_FORMAT")}
        )
    return flags


def worker_proposals(worker: User) -> QuerySet[Proposal]:
    return Proposal.objects.filter(worker=worker).select_related("job", "job__client").order_by("-created_at")


def worker_invitations(worker: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(worker=worker).select_related("job", "job__client").order_by("-created_at")
    )


def open_proposal_for(job: Job, worker: User) -> Proposal | None:
    if not getattr(worker, "is_authenticated", False):
        return None
    return Proposal.objects.filter(job=job, worker=worker).first()


def invitable_workers(client: User, *, limit: int = 50) -> list[Any]:
    """Workers the client already knows: anyone who proposed on one of their jobs, most recent first.
    A client finds other workers through their public profiles (which show the worker id)."""
    User = get_user_model()
    worker_ids = (
        Proposal.objects.filter(job__client=client)
        .exclude(worker=client)
        .order_by("-created_at")
        .values_list("worker_id", flat=True)
    )
    seen: list[int] = []
    for worker_id in worker_ids[: limit * 4]:
        if worker_id not in seen:
            seen.append(worker_id)
    by_id = User.objects.filter(pk__in=seen[:limit], is_worker=True, is_active=True).in_bulk()
    return [by_id[i] for i in seen[:limit] if i in by_id]


def client_stats(client: User) -> Any | None:
    """The reviews app's client stats for the job page (the template also copes with None)."""
    return integrations.client_stats(client)

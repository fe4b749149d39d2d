"""Reads with rules: what each person may see of jobs and proposals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields, replace
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple, cast

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification, User
from hataraku.core import clock, money, prefectures, wages
from hataraku.core.compiled import arg, compiled
from hataraku.core.durations import duration_text
from hataraku.core.errors import NotFound
from hataraku.core.money import format_yen, format_yen_range
from hataraku.profiles.models import WorkerProfile
from hataraku.profiles.selectors import hidden_client_ids

from . import integrations, pay
from .constants import JobStatus, MeetingStyle, PayType
from .models import Category, Invitation, Job, Proposal


def categories() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("order", "id")


class CategoryChoice(NamedTuple):
    pk: int
    slug: str
    name: str
    parent_id: int | None


def category_choices() -> list[CategoryChoice]:
    """What the job list's filter needs of each category, in menu order: plain rows, no model instances,
    and SQL built once per process (core/compiled.py)."""
    read = compiled(
        "jobs.category_choices",
        lambda: Category.objects.order_by("order", "id").values_list("pk", "slug", "name", "parent_id"),
    )
    rows = tuple(read.rows())
    choices = _CHOICES.get(rows)
    if choices is None:
        _CHOICES.clear()  # categories changed: only the current set is worth keeping
        choices = _CHOICES[rows] = tuple(CategoryChoice(*row) for row in rows)
    return list(choices)


# The choices made from the rows last read, by those rows (the same 31 rows on every page of the job list).
_CHOICES: dict[tuple[Any, ...], tuple[CategoryChoice, ...]] = {}


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


@dataclass(frozen=True)
class JobFilters:
    """What the job list is narrowed by: the query string of /jobs/ once `JobFilterForm` has checked it
    (`from_cleaned_data`; `forms.job_filters_from_query(request.GET)` does both). Saved searches store
    that query string and rebuild these the same way. Every value is hashable: the tuple of them is part
    of the compiled job list's key (core/compiled.py)."""

    category: str = ""
    pay_type: str = ""
    beginner_welcome: bool = False
    no_meetings: bool = False
    text_only: bool = False
    interruptible: bool = False
    accessible_materials: bool = False  # the client wrote accessibility notes
    q: str = ""
    # Yen, compared with the hourly rate of hourly jobs and the amount of fixed-price jobs: a job is shown
    # when its range reaches `pay_min` and starts at or below `pay_max`.
    pay_min: int | None = None
    pay_max: int | None = None
    # 時給換算 at least the minimum wage of the viewer's prefecture (national average without one).
    min_wage: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    verified_client: bool = False
    prefecture: str = ""  # ONSITE_REMOTE, a JIS code (on-site work there), or "" (any)

    @classmethod
    def from_cleaned_data(cls, data: Mapping[str, Any]) -> JobFilters:
        """From a filter form's `cleaned_data` — also a form that is not valid: the fields that passed
        still filter, so the list shows beside the errors."""
        values = {f.name: data[f.name] for f in fields(cls) if data.get(f.name) not in (None, "")}
        return cls(**values)

    @property
    def active(self) -> bool:
        return self != JobFilters()


# The `prefecture` filter's value for work done entirely remotely (no on-site prefecture).
ONSITE_REMOTE = "remote"


def job_list(*, viewer: User, filters: JobFilters | None = None) -> QuerySet[Job]:
    """Published jobs whose proposal deadline has not passed, filtered. Jobs restricted to verified
    workers are hidden from a worker who is not verified, so nobody is shown a door that is shut."""
    viewer_id = viewer.pk if getattr(viewer, "is_authenticated", False) else None
    filters = filters or JobFilters()
    return _job_list(viewer_id, filters, _floor_amount(viewer, filters))


def wage_floor_for(viewer: User) -> wages.WageFloor | None:
    """The minimum wage the 「時給換算が最低賃金以上」 filter compares with: the viewer's prefecture's amount in
    effect today, the national weighted average when she has not said where she lives, None when no
    stored table covers today. Worked out once per request (kept on the user object)."""
    cached = getattr(viewer, "_hataraku_wage_floor", _UNSET)
    if cached is not _UNSET:
        return cast("wages.WageFloor | None", cached)
    prefecture = None
    if getattr(viewer, "is_authenticated", False):
        read = compiled(
            "jobs.worker_prefecture",
            lambda: WorkerProfile.objects.filter(user_id=arg(0)).values_list("prefecture")[:1],
        )
        rows = read.rows(viewer.pk)
        prefecture = rows[0][0] if rows else None
    floor = wages.floor_for(prefecture or None, clock.today())
    if getattr(viewer, "is_authenticated", False):
        viewer._hataraku_wage_floor = floor  # type: ignore[attr-defined]
    return floor


_UNSET = object()


def _floor_amount(viewer: User, filters: JobFilters) -> int | None:
    if not filters.min_wage:
        return None
    floor = wage_floor_for(viewer)
    return floor.amount if floor is not None else None


def _approved(user: Any) -> QuerySet[IdentityVerification]:
    """The person's approved identity check (accounts.selectors.is_verified's rule), for use inside SQL."""
    return IdentityVerification.objects.filter(user_id=user, status=VerificationStatus.APPROVED)


def _job_list(viewer_id: int | None, filters: JobFilters, floor: int | None = None) -> QuerySet[Job]:
    qs = (
        Job.objects.filter(status=JobStatus.PUBLISHED, proposal_deadline__gte=clock.today())
        .select_related("client", "category", "category__parent")
        # The list never shows the description; its Markdown and HTML are most of each row's bytes.
        .defer("description_md", "description_html", "skills")
        .annotate(proposal_count=_proposal_count())
        .order_by("-published_at", "-id")
    )
    # In the query rather than a query of its own, so the compiled job list takes the viewer as a parameter.
    qs = qs.filter(Q(verified_only=False) | Q(Exists(_approved(viewer_id))))
    # Clients she hid (issue 10 item 7), also a parameter of the compiled SQL. `NOT IN` an uncorrelated
    # subquery: read once per query, not once per job, so a worker who hid no one pays one empty index
    # probe. Every list built on this one (the job list, 「あなたにできる仕事」, the recommendations API,
    # alerts) leaves them out alike.
    qs = qs.exclude(client_id__in=hidden_client_ids(viewer_id))
    if filters.category:
        qs = qs.filter(Q(category__slug=filters.category) | Q(category__parent__slug=filters.category))
    if filters.pay_type in PayType.values:
        qs = qs.filter(pay_type=filters.pay_type)
    if filters.pay_min is not None or filters.pay_max is not None:
        qs = qs.filter(_pay_range(filters.pay_min, filters.pay_max))
    if filters.min_wage and floor is not None:
        qs = qs.filter(pay.at_least(floor))
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
    if filters.deadline_from is not None:
        qs = qs.filter(deadline__gte=filters.deadline_from)
    if filters.deadline_to is not None:
        qs = qs.filter(deadline__lte=filters.deadline_to)
    if filters.verified_client:
        qs = qs.filter(Exists(_approved(OuterRef("client_id"))))
    if filters.prefecture == ONSITE_REMOTE:
        qs = qs.filter(onsite_prefecture="")
    elif filters.prefecture:
        qs = qs.filter(onsite_prefecture=filters.prefecture)
    if filters.q:
        narrowed = integrations.keyword_filter(qs, filters.q)
        if narrowed is None:  # no search app: a plain substring match
            narrowed = qs.filter(Q(title__icontains=filters.q) | Q(description_md__icontains=filters.q))
        qs = narrowed
    return qs


def _pay_range(low: int | None, high: int | None) -> Q:
    """Jobs whose stated range (hourly rate, or fixed amount) overlaps [low, high]. A range with one end
    missing counts as that one figure; a job with no figure at all is left out."""
    hourly = Q(pay_type=PayType.HOURLY) & _overlaps("hourly_rate_min", "hourly_rate_max", low, high)
    fixed = Q(pay_type=PayType.FIXED) & _overlaps("budget_min", "budget_max", low, high)
    return hourly | fixed


def _overlaps(bottom: str, top: str, low: int | None, high: int | None) -> Q:
    condition = Q(**{f"{bottom}__isnull": False}) | Q(**{f"{top}__isnull": False})
    if low is not None:
        # Its top reaches `low` (the bottom stands for the top when no top is given).
        condition &= Q(**{f"{top}__gte": low}) | Q(**{f"{top}__isnull": True, f"{bottom}__gte": low})
    if high is not None:
        condition &= Q(**{f"{bottom}__lte": high}) | Q(**{f"{bottom}__isnull": True, f"{top}__lte": high})
    return condition


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
    """One job as the job list shows it, every display value worked out once, and `html`: the card's inner
    markup (title, client, terms, tags, proposals; jobs/_job_card.html) rendered once. A card is a pure
    function of a `CardRow` and the language, so it is kept per process by that key (`_card`): a job that
    is edited, closed or deleted, a new proposal, a client who is verified or renamed gives another row —
    another key — on the next request; nothing has to be invalidated, and nothing in it is about the viewer.
    Per-viewer parts (the matching app's reasons and marks) go beside `html`, never into it."""

    url: str
    title: str
    client_name: str
    verified: bool
    terms: tuple[tuple[str, str], ...]
    tags: tuple[str, ...]
    proposals: str
    html: str = ""  # a SafeString once rendered


class CardRow(NamedTuple):
    """Everything a job card shows, as plain values read from the row (the key of the card cache).
    The names are the Job's own, so `_pay` and `_work_style` read a row and a Job alike."""

    pk: int
    title: str
    pay_type: str
    budget_min: int | None
    budget_max: int | None
    hourly_rate_min: int | None
    hourly_rate_max: int | None
    weekly_hour_cap: int | None
    estimated_hours: int
    proposal_deadline: date | None
    deadline: date | None
    meeting_style: str
    fixed_hours: bool
    interruptible: bool
    min_block_minutes: int
    beginner_welcome: bool
    onsite_prefecture: str
    has_accessible_materials: bool
    verified_only: bool
    category: str
    client_name: str
    verified: bool
    proposal_count: int


# The columns `job_card_rows` reads, in the order `_row_from_values` expects them.
_CARD_COLUMNS = (
    *CardRow._fields[:17],
    "accessibility_notes",
    "verified_only",
    "category__name",
    "category__parent_id",
    "category__parent__name",
    "client__is_client",
    "client__client_kind",
    "client__company_name",
    "client__display_name",
    "client__email",
    "client_verified",
    "proposal_count",
)


def job_card_rows(jobs: QuerySet[Job]) -> QuerySet[Any]:
    """`jobs` (from `job_list`, filtered and ordered) as `CardRow` inputs: one query with the client's
    verification folded in, and no model instances — the job list's hot path reads only these."""
    return jobs.annotate(client_verified=Exists(_approved(OuterRef("client_id")))).values_list(*_CARD_COLUMNS)


def job_card_page(*, viewer: User, filters: JobFilters, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """One page of `job_card_rows(job_list(...))` for `cards_from_rows`: SQL built once per process, filter
    set (keyword included), day and page (core/compiled.py), the viewer its parameter. A keyword narrows as a
    subquery through the search index (constant SQL, the query a parameter), read afresh on every run."""
    floor = _floor_amount(viewer, filters)
    key = ("jobs.job_card_page", astuple(filters), floor, clock.today(), offset, limit)
    read = compiled(key, lambda: job_card_rows(_job_list(arg(0), filters, floor))[offset : offset + limit])
    return read.rows(viewer.pk)


def _row_from_values(values: tuple[Any, ...]) -> CardRow:
    (*own, notes, verified_only, cat_name, cat_parent_id, cat_parent_name) = values[:22]
    is_client, client_kind, company_name, display_name, email, verified, proposals = values[22:]
    # The model's own rules for the two labels (User.name_for_display, Category.__str__), on unsaved rows.
    client = User(
        is_client=is_client,
        client_kind=client_kind,
        company_name=company_name,
        display_name=display_name,
        email=email,
    )
    parent = Category(pk=cat_parent_id, name=cat_parent_name) if cat_parent_id else None
    category = Category(name=cat_name, parent_id=cat_parent_id, parent=parent)
    shown = (bool(notes.strip()), verified_only, str(category), client.name_for_display, bool(verified))
    return CardRow._make((*own, *shown, proposals or 0))


def _row_from_job(job: Job, verified: bool) -> CardRow:
    own = (getattr(job, name) for name in CardRow._fields[:17])
    shown = (job.has_accessible_materials, job.verified_only, str(job.category), job.client.name_for_display)
    return CardRow._make((*own, *shown, verified, getattr(job, "proposal_count", 0)))


def _day(value: Any) -> str:
    return date_format(value, "DATE_FORMAT") if value else ""


def _pay(job: Job | CardRow) -> str:
    if job.pay_type == PayType.FIXED:
        return f"{_('固定報酬')} {format_yen_range(job.budget_min, job.budget_max)}"
    text = f"{_('時間単価')} {format_yen_range(job.hourly_rate_min, job.hourly_rate_max)} / {_('時間')}"
    if job.weekly_hour_cap is not None:
        text += _("(週%(cap)s時間まで)") % {"cap": localize(job.weekly_hour_cap)}
    return text


def _yen(value: int | None) -> str:
    return "—" if value is None else format_yen(int(value))


def _work_style(job: Job | CardRow) -> list[str]:
    tags = [
        str(MeetingStyle(job.meeting_style).label),
        _("決まった時間帯に作業") if job.fixed_hours else _("好きな時間に作業"),
        _("途中で中断できる") if job.interruptible else _("中断しにくい作業"),
        _("最短%(m)sから") % {"m": duration_text(job.min_block_minutes)},
    ]
    if job.beginner_welcome:
        tags.append(_("初心者歓迎"))
    if job.has_accessible_materials:
        tags.append(_("資料のアクセシビリティに配慮あり"))
    if job.verified_only:
        tags.append(_("本人確認済みの方のみ"))
    if job.onsite_prefecture in prefectures.BY_CODE:
        area = prefectures.name(job.onsite_prefecture, get_language() or "ja")
        tags.append(_("%(area)sで現地作業あり") % {"area": area})
    return tags


# Cards kept per process: a few thousand rows × languages; an edited job's old card just ages out.
CARD_CACHE_SIZE = 4096


def _build_card(row: CardRow) -> JobCard:
    """The card for `row` in the active language."""
    card = JobCard(
        url=reverse("jobs:detail", args=[row.pk]),
        title=row.title,
        client_name=row.client_name,
        verified=row.verified,
        terms=(
            (_("カテゴリ"), row.category),
            (_("報酬"), _pay(row)),
            (_("作業時間の目安"), duration_text(row.estimated_hours * 60)),
            (_("応募締切"), _day(row.proposal_deadline)),
            (_("納期"), _day(row.deadline)),
        ),
        tags=tuple(_work_style(row)),
        proposals=_("応募 %(n)s件") % {"n": localize(row.proposal_count)},
    )
    html = SafeString(render_to_string("jobs/_job_card.html", {"job": card}).strip())
    return replace(card, html=html)


# The key is every value the card shows (as read, or as a CardRow) and the active language, which the
# callers pass in so that it is part of the key.
@lru_cache(maxsize=CARD_CACHE_SIZE)
def _card_from_values(values: tuple[Any, ...], language: str | None) -> JobCard:
    return _build_card(_row_from_values(values))


@lru_cache(maxsize=CARD_CACHE_SIZE)
def _card(row: CardRow, language: str | None) -> JobCard:
    return _build_card(row)


def cards_from_rows(rows: Iterable[tuple[Any, ...]]) -> list[JobCard]:
    """Cards for rows of `job_card_rows` (the job list): no query, and on a warm process no rendering."""
    language = get_language()
    return [_card_from_values(values, language) for values in rows]


def job_cards(jobs: list[Job], *, verified_ids: set[int]) -> list[JobCard]:
    """Cards for Job rows of `job_list` (client, category and proposal_count already loaded: no query
    here), for lists that hold Job instances anyway (the matching app's ranking). Same words as
    jobs/_job_terms.html and _work_style.html, which the job page still uses."""
    language = get_language()
    return [_card(_row_from_job(job, job.client_id in verified_ids), language) for job in jobs]


def client_jobs(client: User) -> QuerySet[Job]:
    return (
        Job.objects.filter(client=client)
        .select_related("category")
        .annotate(proposal_count=Count("proposals", distinct=True))
        .order_by("-created_at", "-id")
    )


def proposals_for_job(job: Job) -> QuerySet[Proposal]:
    return job.proposals.select_related("worker").prefetch_related("milestones").order_by("created_at", "id")


# A proposal asking more than this many times the top of the job's budget, or less than this fraction of
# its bottom, is pointed out to the client.
FAR_OVER_BUDGET = 2
FAR_UNDER_BUDGET = 2  # under half the lower end


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
    bottom = job.hourly_rate_min if job.pay_type == PayType.HOURLY else job.budget_min
    if bottom and proposal.amount * FAR_UNDER_BUDGET < bottom:
        if job.pay_type == PayType.HOURLY:
            flags.append(_("時給の下限(%(bottom)s)の半分より低い金額です。") % {"bottom": format_yen(bottom)})
        else:
            flags.append(_("予算の下限(%(bottom)s)の半分より低い金額です。") % {"bottom": format_yen(bottom)})
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


# --- what a worker takes home (shown on the proposal form as she types) --------------------------------


def withholding_applies(job: Job) -> bool:
    """源泉徴収: the client is a withholding agent (a company), the worker is an individual (every worker
    account is a person), and the work is of a kind listed in 所得税法 第204条1項1号 (原稿料・デザイン料…).
    The one rule: the contract offered on a proposal (`contracts.services.contract_offer`) asks it too."""
    client = job.client
    client_is_agent = getattr(client, "client_kind", "") == "company" or bool(
        getattr(client, "is_withholding_agent", False)
    )
    return bool(client_is_agent and job.category.requires_withholding)


@dataclass(frozen=True)
class TakeHome:
    """What a proposal of `amount` would pay the worker: the sums of `parts`, one per payment (each
    milestone, or the whole amount as one). `hourly`: the amount is one hour's rate."""

    amount: int
    fee: int
    fee_tax: int
    withholding: int
    net: int
    parts: tuple[money.FeeBreakdown, ...]
    hourly: bool = False


def proposal_take_home(*, job: Job, amount: int, milestone_amounts: list[int] | None = None) -> TakeHome:
    """The split of a proposal's money, payment by payment, with the ledger's own arithmetic
    (`money.fee_breakdown`: the tiered fee on what the contract already paid, its tax, withholding on each
    payment), as if paid today in order. A read: nothing is written. An hourly rate is shown for one hour
    of a contract's first week."""
    withholding = withholding_applies(job)
    today = clock.today()
    payments = [a for a in (milestone_amounts or []) if a > 0] or [amount]
    parts = []
    paid = 0
    for part in payments:
        parts.append(money.fee_breakdown(part, withholding=withholding, cumulative_before=paid, on=today))
        paid += part
    return TakeHome(
        amount=sum(p.amount for p in parts),
        fee=sum(p.fee for p in parts),
        fee_tax=sum(p.fee_tax for p in parts),
        withholding=sum(p.withholding for p in parts),
        net=sum(p.net for p in parts),
        parts=tuple(parts),
        hourly=job.pay_type == PayType.HOURLY,
    )

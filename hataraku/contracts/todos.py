"""What the contracts app puts on the dashboard (core/todos.py): reads only, each source one or two queries.

Worker: deliveries sent back, deadlines this week, offers to answer, the client's change and cancellation
requests. Client: deliveries and weeks to check (with the day they count as accepted), milestones to fund
and approved weeks still unpaid, the worker's requests. Staff: disputes, late payments, unanswered
accommodation requests — each a count and its oldest item."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.accounts.models import User
from hataraku.core import clock, todos
from hataraku.core.todos import Todo
from hataraku.core.words import compose, theirs

from . import selectors
from .constants import (
    AccommodationStatus,
    CancellationStatus,
    ChangeRequestStatus,
    ContractStatus,
    MilestoneStatus,
    WeekStatus,
)
from .hourly import auto_approve_at
from .models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    HourlyWeek,
    Milestone,
    MilestoneCancellation,
)

# A list on the dashboard is a starting point, not the whole record: the contract list has the rest.
LIMIT = 10
# "This week": today and the six days after it.
WEEK_DAYS = 7
# A date this close (or past) is marked 「もうすぐ」/「期限を過ぎています」 in words as well.
NEAR_DAYS = 2


def _near(day: dt.date) -> bool:
    return day <= clock.today() + dt.timedelta(days=NEAR_DAYS)


def _milestone_url(m: Milestone) -> str:
    return reverse("contracts:milestone", args=[m.contract_id, m.pk])


def _contract_url(contract_id: int, anchor: str = "") -> str:
    url = reverse("contracts:detail", args=[contract_id])
    return f"{url}#{anchor}" if anchor else url


# --- worker -------------------------------------------------------------------------------------------


@todos.source(todos.WORKER, order=10)
def worker_milestones(user: User) -> list[Todo]:
    """Deliveries sent back (every one) and funded work due within the week, in one query."""
    week_end = clock.today() + dt.timedelta(days=WEEK_DAYS - 1)
    rows = list(
        Milestone.objects.filter(contract__worker=user, contract__status=ContractStatus.ACTIVE)
        .filter(Q(status=MilestoneStatus.RETURNED) | Q(status=MilestoneStatus.FUNDED, due_date__lte=week_end))
        .annotate(returned_at=Max("deliveries__returned_at"))
        .order_by("due_date", "id")[:LIMIT]
    )
    items: list[Todo] = []
    for m in rows:
        if m.status == MilestoneStatus.RETURNED:
            returned = getattr(m, "returned_at", None)
            items.append(
                Todo(
                    key="contracts.delivery_returned",
                    title=compose(
                        _("「%(title)s」が差し戻されました。理由を読んで、直して納品し直してください"),
                        {"title": theirs(m.title)},
                    ),
                    url=_milestone_url(m),
                    when=m.due_date,
                    when_label=_("納期"),
                    detail=_("差し戻しの日: %(day)s")
                    % {"day": date_format(returned.astimezone(clock.TOKYO), "MONTH_DAY_FORMAT")}
                    if returned
                    else "",
                    urgent=_near(m.due_date),
                )
            )
        else:
            items.append(
                Todo(
                    key="contracts.deadline",
                    title=compose(_("「%(title)s」を納品する"), {"title": theirs(m.title)}),
                    url=_milestone_url(m),
                    when=m.due_date,
                    when_label=_("納期"),
                    urgent=_near(m.due_date),
                )
            )
    # Returned work first: it is the one the client is waiting on.
    items.sort(key=lambda t: t.key != "contracts.delivery_returned")
    return items


@todos.source(todos.WORKER, order=15)
def worker_weeks_to_correct(user: User) -> list[Todo]:
    weeks = HourlyWeek.objects.filter(contract__worker=user, status=WeekStatus.CORRECTION).select_related(
        "contract"
    )[:LIMIT]
    return [
        Todo(
            key="contracts.week_correction",
            title=compose(
                _("「%(title)s」%(week)sからの週の作業時間を直して、提出し直す"),
                {"title": theirs(w.contract.title), "week": date_format(w.week_start, "MONTH_DAY_FORMAT")},
            ),
            url=reverse("contracts:week", args=[w.contract_id, w.pk]),
            when=w.reviewed_at,
            when_label=_("修正の依頼があった日"),
        )
        for w in weeks
    ]


@todos.source(todos.WORKER, order=30)
def worker_offers(user: User) -> list[Todo]:
    offers = Contract.objects.filter(
        worker=user, status=ContractStatus.OFFERED, agreed_by_worker_at__isnull=True
    ).order_by("created_at", "id")[:LIMIT]
    return [
        Todo(
            key="contracts.offer",
            title=compose(
                _("「%(title)s」の契約の申し込みが届いています。条件を確かめて答えてください"),
                {"title": theirs(c.title)},
            ),
            url=reverse("contracts:terms", args=[c.pk]),
            when=c.created_at,
            when_label=_("届いた日"),
        )
        for c in offers
    ]


def _requests_from_other_party(user: User, *, as_field: str) -> list[Todo]:
    """Change and cancellation requests the other party made on the user's contracts (as worker or as
    client, `as_field`), waiting for the user's answer. Two queries."""
    mine = {f"contract__{as_field}": user}
    changes = (
        ChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, **mine)
        .exclude(proposed_by=user)
        .select_related("contract")
        .order_by("created_at", "id")[:LIMIT]
    )
    cancellations = (
        MilestoneCancellation.objects.filter(status=CancellationStatus.PENDING, **mine)
        .exclude(proposed_by=user)
        .select_related("milestone")
        .order_by("created_at", "id")[:LIMIT]
    )
    items = [
        Todo(
            key="contracts.change_request",
            title=compose(
                _("「%(title)s」の条件の変更の申し出に答える"), {"title": theirs(c.contract.title)}
            ),
            url=_contract_url(c.contract_id, "c-changes"),
            when=c.created_at,
            when_label=_("届いた日"),
        )
        for c in changes
    ]
    items += [
        Todo(
            key="contracts.cancellation",
            title=compose(_("「%(title)s」の取りやめの申し出に答える"), {"title": theirs(c.milestone.title)}),
            url=_contract_url(c.contract_id, f"cancellation-{c.pk}"),
            when=c.created_at,
            when_label=_("届いた日"),
        )
        for c in cancellations
    ]
    return items


@todos.source(todos.WORKER, order=40)
def worker_requests(user: User) -> list[Todo]:
    return _requests_from_other_party(user, as_field="worker")


# --- client -------------------------------------------------------------------------------------------


@todos.source(todos.CLIENT, order=10)
def client_deliveries(user: User) -> list[Todo]:
    """Deliveries and submitted weeks to check, each with the moment it counts as accepted if the client
    says nothing (the acceptance period runs from the delivery; ACCEPTANCE_DAYS)."""
    milestones = (
        Milestone.objects.filter(contract__client=user, status=MilestoneStatus.DELIVERED)
        .select_related("contract")
        .order_by("delivered_at", "id")[:LIMIT]
    )
    weeks = (
        HourlyWeek.objects.filter(contract__client=user, status=WeekStatus.SUBMITTED)
        .select_related("contract")
        .order_by("submitted_at", "id")[:LIMIT]
    )
    items: list[Todo] = []
    for m in milestones:
        due = m.delivered_at + dt.timedelta(days=m.contract.acceptance_days) if m.delivered_at else None
        items.append(
            Todo(
                key="contracts.delivery_to_inspect",
                title=compose(_("「%(title)s」の納品を確かめる(検収)"), {"title": theirs(m.title)}),
                url=_milestone_url(m),
                when=due,
                when_label=_("何もしないと自動で検収される日"),
                urgent=due is not None and _near(due.astimezone(clock.TOKYO).date()),
            )
        )
    for w in weeks:
        due = (
            auto_approve_at(submitted_at=w.submitted_at, acceptance_days=w.contract.acceptance_days)
            if w.submitted_at
            else None
        )
        items.append(
            Todo(
                key="contracts.week_to_review",
                title=compose(
                    _("「%(title)s」%(week)sからの週の作業時間を確かめる"),
                    {
                        "title": theirs(w.contract.title),
                        "week": date_format(w.week_start, "MONTH_DAY_FORMAT"),
                    },
                ),
                url=reverse("contracts:week", args=[w.contract_id, w.pk]),
                when=due,
                when_label=_("何もしないと自動で承認される日"),
                urgent=due is not None and _near(due.astimezone(clock.TOKYO).date()),
            )
        )
    return items


@todos.source(todos.CLIENT, order=30)
def client_fundings(user: User) -> list[Todo]:
    """Milestones of agreed work not yet funded (the worker cannot start before), and approved weeks whose
    money has not arrived (the terms promised payment on approval)."""
    milestones = (
        Milestone.objects.filter(
            contract__client=user,
            contract__status__in=[ContractStatus.AGREED, ContractStatus.ACTIVE],
            status=MilestoneStatus.PENDING,
        )
        .select_related("contract")
        .order_by("due_date", "id")[:LIMIT]
    )
    weeks = (
        selectors.weeks_payment_late()
        .filter(contract__client=user)
        .select_related(None)
        .select_related("contract")[:LIMIT]
    )
    items = [
        Todo(
            key="contracts.milestone_to_fund",
            title=compose(
                _("「%(title)s」を仮払いする(お金を預けると作業が始まります)"), {"title": theirs(m.title)}
            ),
            url=_milestone_url(m),
            when=m.due_date,
            when_label=_("納期"),
            urgent=_near(m.due_date),
        )
        for m in milestones
    ]
    items += [
        Todo(
            key="contracts.week_unpaid",
            title=compose(
                _("「%(title)s」%(week)sからの週の報酬を支払う"),
                {"title": theirs(w.contract.title), "week": date_format(w.week_start, "MONTH_DAY_FORMAT")},
            ),
            url=reverse("contracts:week", args=[w.contract_id, w.pk]),
            when=w.payment_limit,
            when_label=_("支払いの期限"),
            urgent=True,
        )
        for w in weeks
    ]
    return items


@todos.source(todos.CLIENT, order=40)
def client_requests(user: User) -> list[Todo]:
    """Accommodation requests (Freelance Act art. 13, with the day the answer is due) and the worker's
    change and cancellation requests."""
    accommodations = (
        AccommodationRequest.objects.filter(contract__client=user, status=AccommodationStatus.PENDING)
        .select_related("contract")
        .order_by("answer_due_at", "id")[:LIMIT]
    )
    items = [
        Todo(
            key="contracts.accommodation",
            title=compose(
                _("「%(title)s」の納期の延長・一時休止のお願いに答える"), {"title": theirs(a.contract.title)}
            ),
            url=_contract_url(a.contract_id, f"accommodation-{a.pk}"),
            when=a.answer_due_at,
            when_label=_("回答の期限"),
            urgent=_near(a.answer_due_at.astimezone(clock.TOKYO).date()),
        )
        for a in accommodations
    ]
    return items + _requests_from_other_party(user, as_field="client")


# --- staff --------------------------------------------------------------------------------------------


def _queue(key: str, title: str, url: str, count: int, oldest: dt.date | dt.datetime | None) -> Todo:
    return Todo(key=key, title=title, url=url, count=count, when=oldest, when_label=_("いちばん古いもの"))


@todos.source(todos.STAFF, order=20)
def staff_disputes(user: User) -> list[Todo]:
    agg = selectors.disputes_open().order_by().aggregate(n=Count("id"), oldest=Min("created_at"))
    return [
        _queue(
            "contracts.staff_disputes",
            _("仲介を待っている紛争"),
            reverse("contracts:staff_disputes"),
            agg["n"],
            agg["oldest"],
        )
    ]


@todos.source(todos.STAFF, order=30)
def staff_late_payments(user: User) -> list[Todo]:
    agg = selectors.weeks_payment_late().order_by().aggregate(n=Count("id"), oldest=Min("week_start"))
    return [
        _queue(
            "contracts.staff_late_payments",
            _("入金が遅れている時間単価の週"),
            reverse("contracts:staff_late_payments"),
            agg["n"],
            agg["oldest"],
        )
    ]


@todos.source(todos.STAFF, order=40)
def staff_accommodations(user: User) -> list[Todo]:
    agg = selectors.accommodations_overdue().order_by().aggregate(n=Count("id"), oldest=Min("answer_due_at"))
    return [
        _queue(
            "contracts.staff_accommodations",
            _("回答の期限を過ぎた配慮のお願い"),
            reverse("contracts:staff_accommodations"),
            agg["n"],
            agg["oldest"],
        )
    ]


# The client's dashboard groups its lines by kind (core/todos.py `grouped`).
todos.kind("contracts.delivery_to_inspect", label=gettext_lazy("確かめる納品"), more_url="contracts:list")
todos.kind("contracts.week_to_review", label=gettext_lazy("確かめる作業時間"), more_url="contracts:list")
todos.kind("contracts.milestone_to_fund", label=gettext_lazy("仮払いを待つお仕事"), more_url="contracts:list")
todos.kind("contracts.week_unpaid", label=gettext_lazy("支払いが遅れている週"), more_url="contracts:list")
todos.kind(
    "contracts.accommodation", label=gettext_lazy("納期の延長・一時休止のお願い"), more_url="contracts:list"
)
todos.kind("contracts.change_request", label=gettext_lazy("変更の申し出"), more_url="contracts:list")
todos.kind("contracts.cancellation", label=gettext_lazy("取りやめの申し出"), more_url="contracts:list")

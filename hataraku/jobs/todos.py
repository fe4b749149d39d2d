"""What the jobs app puts on the dashboard (core/todos.py): a worker's invitations still open, a client's
proposals still to answer. One query each."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from hataraku.accounts.models import User
from hataraku.core import clock, todos
from hataraku.core.todos import Todo
from hataraku.core.words import compose, theirs

from .constants import JobStatus, ProposalStatus
from .models import Invitation, Proposal
from .onboarding import onboarding_for, onboarding_skipped

LIMIT = 10


@todos.panel(todos.WORKER, template="jobs/_onboarding.html", order=10)
def worker_onboarding(user: User) -> todos.Show | None:
    """The first-steps guide, until every step is done or she closes it; once closed, a button to show it
    again stays at the foot of her list (the guide is resumable)."""
    if onboarding_skipped(user):
        return todos.Show({"skipped": True}, at_top=False)
    onboarding = onboarding_for(user)
    if onboarding.done:
        return None
    return todos.Show({"skipped": False, "onboarding": onboarding})


@todos.source(todos.WORKER, order=35)
def worker_invitations(user: User) -> list[Todo]:
    """スカウト on jobs still taking proposals that the worker has not applied to yet."""
    answered = Proposal.objects.filter(job=OuterRef("job"), worker=user)
    invitations = (
        Invitation.objects.filter(
            worker=user, job__status=JobStatus.PUBLISHED, job__proposal_deadline__gte=clock.today()
        )
        .exclude(Exists(answered))
        .select_related("job")
        .order_by("job__proposal_deadline", "id")[:LIMIT]
    )
    return [
        Todo(
            key="jobs.invitation",
            title=compose(
                _("「%(title)s」にスカウトが届いています。内容を見て応募するか決めてください"),
                {"title": theirs(i.job.title)},
            ),
            url=reverse("jobs:detail", args=[i.job_id]),
            when=i.job.proposal_deadline,
            when_label=_("応募の締め切り"),
        )
        for i in invitations
    ]


@todos.source(todos.CLIENT, order=20)
def client_proposals(user: User) -> list[Todo]:
    """New proposals on the client's jobs, one line per job: how many, since when (one grouped query)."""
    rows = (
        Proposal.objects.filter(job__client=user, status=ProposalStatus.SUBMITTED)
        .values("job_id", "job__title")
        .annotate(n=Count("id"), oldest=Min("created_at"))
        .order_by("oldest", "job_id")[:LIMIT]
    )
    return [
        Todo(
            key="jobs.proposals_to_review",
            title=compose(
                ngettext(
                    "「%(title)s」への応募 %(n)d件を確かめる",
                    "「%(title)s」への応募 %(n)d件を確かめる",
                    row["n"],
                ),
                {"title": theirs(row["job__title"]), "n": row["n"]},
            ),
            url=reverse("jobs:job_proposals", args=[row["job_id"]]),
            when=row["oldest"],
            when_label=_("いちばん古い応募の日"),
            count=row["n"],
        )
        for row in rows
    ]


# The client's dashboard groups its lines by kind (core/todos.py `grouped`).
todos.kind("jobs.proposals_to_review", label=gettext_lazy("確認待ちの応募"), more_url="jobs:client_jobs")

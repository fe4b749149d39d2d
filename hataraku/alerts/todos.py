"""What the alerts app puts on the worker's dashboard (core/todos.py): a job she saved for later whose
proposal deadline is near and that she has not proposed on yet. One query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hataraku.accounts.models import User
from hataraku.core import clock, todos
from hataraku.core.todos import Todo
from hataraku.core.words import compose, theirs
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Proposal

from .models import Bookmark

SOON = dt.timedelta(days=3)
LIMIT = 5


@todos.source(todos.WORKER, order=36)
def bookmarks_closing_soon(user: User) -> list[Todo]:
    today = clock.today()
    rows = (
        Bookmark.objects.filter(
            worker=user,
            job__status=JobStatus.PUBLISHED,
            job__proposal_deadline__gte=today,
            job__proposal_deadline__lte=today + SOON,
        )
        .exclude(Exists(Proposal.objects.filter(job=OuterRef("job_id"), worker=user)))
        .order_by("job__proposal_deadline", "job_id")
        .values_list("job_id", "job__title", "job__proposal_deadline")[:LIMIT]
    )
    return [
        Todo(
            key="alerts.bookmark_closing",
            title=compose(_("保存した仕事「%(title)s」の応募締切が近づいています"), {"title": theirs(title)}),
            url=reverse("jobs:detail", args=[job_id]),
            when=deadline,
            when_label=_("応募締切"),
            urgent=deadline <= today + dt.timedelta(days=1),
        )
        for job_id, title, deadline in rows
    ]


# The dashboard groups lines by kind (core/todos.py): this one's heading and its page of every saved job.
todos.kind(
    "alerts.bookmark_closing", label=gettext_lazy("応募締切が近い保存した仕事"), more_url="alerts:bookmarks"
)

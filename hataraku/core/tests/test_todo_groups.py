"""The client's to-do list reads by kind when it grows (issue 10, item 9 follow-up): a heading with the
count, the most urgent and oldest lines first, and 「すべて見る」 when a kind has more than GROUP_LIMIT."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.core import todos
from hataraku.core.todos import GROUP_LIMIT, Todo
from hataraku.jobs.tests.factories import ClientFactory, JobFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def line(key: str, day: int, *, urgent: bool = False, count: int = 1) -> Todo:
    return Todo(
        key=key, title=f"{key} {day}", url="/", when=dt.date(2026, 12, day), count=count, urgent=urgent
    )


def test_lines_are_grouped_by_kind_urgent_and_oldest_first() -> None:
    # given proposals on four jobs and one delivery that is due soon
    items = [
        line("jobs.proposals_to_review", 5, count=2),
        line("jobs.proposals_to_review", 3),
        line("jobs.proposals_to_review", 9),
        line("jobs.proposals_to_review", 4),
        line("contracts.delivery_to_inspect", 20, urgent=True),
    ]
    # when they are grouped
    groups = todos.grouped(items)
    # then the urgent delivery comes first, and the proposals follow, oldest first, three of four shown
    assert [g.key for g in groups] == ["contracts.delivery_to_inspect", "jobs.proposals_to_review"]
    proposals = groups[1]
    assert [i.when.day for i in proposals.items] == [3, 4, 5]  # type: ignore[union-attr]
    assert (proposals.lines, proposals.total, proposals.hidden) == (4, 5, 1)
    assert proposals.more_url == reverse("jobs:client_jobs")
    assert groups[0].more_url == ""  # one line: nothing more to see


def test_a_kind_nobody_named_stays_a_line_of_its_own() -> None:
    groups = todos.grouped([line("someapp.thing", 1), line("someapp.thing", 2)])
    assert [(g.label, g.lines) for g in groups] == [("", 1), ("", 1)]


def test_a_client_with_many_jobs_sees_a_short_list_and_a_link_to_all(client: Any) -> None:
    # given a client with a proposal waiting on each of five jobs
    owner = ClientFactory()
    for _ in range(5):
        ProposalFactory(job=JobFactory(client=owner))
    login_as(client, owner)
    # when she opens her dashboard
    html = client.get(reverse("core:dashboard")).content.decode()
    # then the proposals are one group with their count, three lines, and a link to see them all
    assert "確認待ちの応募 (5)" in html
    assert html.count('data-todo="jobs.proposals_to_review"') == GROUP_LIMIT
    assert f'href="{reverse("jobs:client_jobs")}">すべて見る(ほかに2件)' in html

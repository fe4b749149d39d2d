"""The dashboard (core/todos.py + every app's todos.py): the registry shows a role's items only to a
person who holds the role; each demo persona sees the to-dos the demo data implies; opening it costs a
handful of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, StaffFactory, UserFactory
from hataraku.accounts.tests.mfa import login_as
from hataraku.core import todos

pytestmark = pytest.mark.django_db

# Queries the to-do sources add to one dashboard GET, over what the page costs with none (the municipal
# officer's: session, user, second factor, header counts). Measured 2026-12: worker 15, client 10, staff 8;
# a new source adds one or two, and an N+1 over the demo's lists (ten items for ひだまり出版) breaks it.
MAX_TODO_QUERIES = 18


def test_every_app_with_a_todos_module_is_found() -> None:
    found = todos.todo_modules()
    for app in ("accounts", "profiles", "payments", "jobs", "contracts", "messaging"):
        assert f"hataraku.{app}.todos" in found
    assert todos.sources(todos.WORKER) and todos.sources(todos.CLIENT) and todos.sources(todos.STAFF)


def test_a_role_the_person_does_not_hold_gives_nothing() -> None:
    # given a worker, when staff queues are asked for her, then there are none (staff sources list every
    # queue without looking at the user: the registry is what keeps them from her)
    worker = UserFactory()
    assert todos.todos_for(worker, todos.STAFF) == []
    assert todos.todos_for(worker, todos.CLIENT) == []
    assert [i.key for i in todos.todos_for(StaffFactory(), todos.STAFF)][:1] == [
        "accounts.staff_verifications"
    ]


def test_empty_states_say_what_to_do_first(client: Client) -> None:
    login_as(client, ClientFactory())
    html = client.get(reverse("core:dashboard")).content.decode()
    assert 'data-todo-empty="client"' in html and reverse("jobs:create") in html


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    from hataraku.core import demo

    return demo.load()


def _dashboard(user: Any) -> tuple[str, int]:
    client = Client()
    login_as(client, user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _lines(html: str, key: str) -> list[str]:
    found = re.findall(rf'<li data-todo="{re.escape(key)}".*?</li>', html, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", line)).strip() for line in found]


def test_demo_personas_see_what_the_demo_implies(people: dict[str, Any]) -> None:
    # 田中翔太: his proofreading was sent back
    html, _n = _dashboard(people["shota"])
    (line,) = _lines(html, "contracts.delivery_returned")
    assert "社内報12月号の校正" in line and "納期" in line
    # ひだまり出版: a delivery to inspect, with the moment it is accepted automatically
    html, _n = _dashboard(people["hidamari"])
    (line,) = _lines(html, "contracts.delivery_to_inspect")
    assert "紹介文 前半3冊" in line and "自動で検収される日" in line
    assert _lines(html, "contracts.accommodation")  # 山本健一's request for more time
    assert not _lines(html, "contracts.delivery_returned")  # the worker's to-do is not the client's
    # 佐藤美咲: an offer to answer
    html, _n = _dashboard(people["misaki"])
    assert _lines(html, "contracts.offer")
    # staff: every queue, with its count
    html, _n = _dashboard(people["staff"])
    assert _lines(html, "accounts.staff_verifications") and _lines(html, "contracts.staff_disputes")
    assert _lines(html, "payments.staff_transfers")
    # the municipal officer keeps her card
    html, _n = _dashboard(people["nichinan"])
    assert 'data-role-card="municipal"' in html


def test_the_dashboard_costs_a_handful_of_queries(people: dict[str, Any]) -> None:
    counts = {key: _dashboard(user)[1] for key, user in people.items()}
    base = counts.pop("nichinan")
    assert all(n - base <= MAX_TODO_QUERIES for n in counts.values()), (base, counts)

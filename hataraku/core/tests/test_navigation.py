"""The site menu (core/navigation.py): grouped per role, one name per page, the current page marked, and a
header that renders without a query of its own."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from hataraku.accounts.tests.factories import ClientFactory, StaffFactory, UserFactory
from hataraku.accounts.tests.mfa import login_as
from hataraku.core.navigation import MENU, menu_for

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
TAG = re.compile(r"<[^>]+>")

# Names a page used to have; the one name in the menu replaced them everywhere.
RETIRED_NAMES = ("報酬と入金", "収入と残高")


def _people() -> dict[str, Any]:
    return {
        "worker": UserFactory(display_name="中村 さくら"),
        "client": ClientFactory(),
        "staff": StaffFactory(),
    }


def _labels(groups: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {g["key"]: [str(link["label"]) for link in g["links"]] for g in groups}


def test_each_role_sees_its_own_groups():
    # given a worker, a client and a staff member
    people = _people()
    # when the menu is built for each
    worker, client, staff = (_labels(menu_for(people[r])) for r in ("worker", "client", "staff"))
    # then the worker sees work, money and account pages of a worker and nothing of a client or staff
    assert "仕事をさがす" in worker["work"] and "収入と出金" in worker["money"]
    assert "働ける時間帯" in worker["account"] and "staff" not in worker
    assert "依頼した仕事" not in worker["work"]
    # and the client sees their requests and payments, not the job search
    assert "依頼した仕事" in client["work"] and "仕事をさがす" not in client["work"]
    assert "収入と出金" not in client.get("money", [])
    # and staff see the queues, never a worker's or a client's pages
    assert "監査ログ" in staff["staff"] and "work" not in staff
    # and everyone has home and account settings
    for groups in (worker, client, staff):
        assert groups["home"][0] == "ホーム" and "アカウント設定" in groups["account"]


@pytest.mark.parametrize("role", ["worker", "client", "staff"])
def test_every_menu_page_uses_its_menu_name_as_title_and_is_marked_current(role):
    # given a person of this role, logged in
    person = _people()[role]
    http = Client()
    login_as(http, person)
    groups = menu_for(person)
    assert groups, "an empty menu"
    for group in groups:
        for link in group["links"]:
            # when they open the page the menu links to
            response = http.get(link["url"])
            assert response.status_code == 200, (link["url"], response.status_code)
            page = response.content.decode()
            # then its <title> starts with the same name as the menu (one name per page)
            title = html.unescape(TITLE.search(page).group(1)).strip()  # type: ignore[union-attr]
            assert title.startswith(str(link["label"])), (link["url"], title, link["label"])
            # and the menu marks that link as the current page
            assert f'href="{link["url"]}" aria-current="page"' in page, link["url"]


def test_header_groups_have_names_and_the_menu_folds_without_javascript(client):
    # given a worker
    login_as(client, UserFactory())
    # when any page renders
    page = client.get("/dashboard/").content.decode()
    # then the menu is a <details> disclosure (no script needed) holding one navigation landmark
    assert '<details class="site-menu">' in page and '<summary class="site-menu__toggle">' in page
    assert page.count('aria-label="メインメニュー"') == 1
    # and each named group is a list labelled by its visible name
    for key, name in (("work", "仕事"), ("money", "お金"), ("account", "アカウント")):
        assert f'<span class="site-nav__heading" id="nav-group-{key}">{name}</span>' in page
        assert f'aria-labelledby="nav-group-{key}"' in page


def test_building_the_menu_runs_no_query(django_assert_num_queries):
    # given a person with every role (the user row is already loaded, as on any request)
    person = UserFactory(is_client=True, is_staff=True)
    menu_for(person)  # the first call resolves and caches the URLs
    # when the menu is built again, then it asks the database nothing
    with django_assert_num_queries(0):
        groups = menu_for(person, "jobs:list")
    # and the current page is marked as the page, its detail pages as the section
    links = {link["key"]: link for group in groups for link in group["links"]}
    assert links["jobs:list"]["current"] == "page"
    assert menu_for(person, "jobs:detail")[1]["links"][0]["current"] == "true"


def test_menu_table_has_no_duplicate_page_and_no_retired_names():
    # given the menu table
    urls = [item.url for group in MENU for item in group.items]
    # then each page appears once
    assert len(urls) == len(set(urls))
    # and no template still calls a page by a retired name
    offenders = [
        str(path)
        for path in Path(settings.BASE_DIR, "hataraku").rglob("*.html")
        if any(name in path.read_text(encoding="utf-8") for name in RETIRED_NAMES)
    ]
    assert offenders == []

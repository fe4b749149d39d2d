"""Every page, as every persona: log in with the demo data, follow every link the person can see (as a
breadth-first crawl), and audit each distinct page with axe. A page that is not linked from anywhere is a
page nobody can reach, so the crawl is the list of pages; a new page is audited the day it is linked.

Each distinct view is visited at most three times per persona (two contracts show the same template); files
(PDF, CSV, JSON, attachments) are fetched and must answer 200 but are not audited."""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Logging out ends the crawl; the Django admin is Django's own UI, not ours; the API schema is JSON.
SKIP_PREFIXES = ("/accounts/logout/", "/django-admin/", "/api/", "/static/", "/i18n/")
FILE_MARKERS = (
    ".pdf",
    ".csv",
    ".json",
    "/csv/",
    "/pdf/",
    "/download",
    "/export",
    "/zengin",
    "/attachments/",
    "/document/",
)
PER_VIEW = 3
PERSONAS = [
    # (demo e-mail, views that must be among the audited pages)
    (
        "sakura@demo.hataraku.jp",
        {"profiles:conditions", "contracts:detail", "payments:earnings", "accounts:report"},
    ),
    (
        "misaki@demo.hataraku.jp",
        # Her saved search and bookmark (alerts demo) lead to their pages.
        {
            "profiles:conditions",
            "jobs:list",
            "alerts:saved_searches",
            "alerts:saved_search",
            "alerts:saved_search_new",
            "alerts:saved_search_delete",
            "alerts:bookmarks",
            # She hid one client (profiles demo): her settings page, linked from the account menu.
            "profiles:client_blocks",
        },
    ),
    ("kenichi@demo.hataraku.jp", {"profiles:conditions", "jobs:list"}),
    ("shota@demo.hataraku.jp", {"contracts:detail", "jobs:list"}),
    (
        "hidamari@demo.hataraku.jp",
        {
            "jobs:client_jobs",
            "contracts:detail",
            "payments:funding",
            "payments:client_refunds",
            "reviews:user",
            # The worker directory, also ranked for one of her open jobs (a link on the job page).
            "matching:workers",
        },
    ),
    ("naoko@demo.hataraku.jp", {"jobs:client_jobs"}),
    ("nichinan@demo.hataraku.jp", {"accounts:settings"}),
    (
        "staff@demo.hataraku.jp",
        {
            "core:audit_log",
            "payments:staff_batches",
            "contracts:staff_dispute",
            "identity:staff_verification",
            "profiles:staff_sensitive",
            "contracts:staff_late_payments",
            # Staff manage people (issue 10, item 8): the demo's open report leads to the person's pages.
            "accounts:staff_people",
            "accounts:staff_reports",
            "accounts:staff_report",
            "accounts:staff_person",
            "accounts:staff_person_suspend",
            "accounts:staff_municipalities",
        },
    ),
]


@pytest.fixture
def demo_people(transactional_db: Any) -> dict[str, Any]:
    from hataraku.core import demo

    return demo.load()


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _is_file(path: str) -> bool:
    return any(marker in path for marker in FILE_MARKERS)


def crawl(page: Any, axe: Any, *, logged_in: bool) -> tuple[dict[str, list[str]], list[str]]:
    """Audit every reachable page; return {view name: audited paths} and the problems found. A visitor who
    is not logged in is sent to the log-in page by private links, which is right; a logged-in person never is."""
    origin = urlsplit(page.base_url).netloc
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    audited: dict[str, list[str]] = {}
    problems: list[str] = []
    while queue:
        path = queue.popleft()
        if _is_file(path):
            response = page.request.get(page.base_url + path)
            if response.status != 200:
                problems.append(f"{path}: file answered {response.status}")
            continue
        view = _view_name(urlsplit(path).path) or path
        if len(audited.get(view, [])) >= PER_VIEW:
            continue
        response = page.goto(page.base_url + path)
        status = response.status if response else 0
        if status != 200:
            problems.append(f"{path}: answered {status}")
            continue
        if logged_in and "/accounts/login/" in page.url:
            problems.append(f"{path}: sent back to the log-in page")
            continue
        if not logged_in and "/accounts/login/" in page.url and not path.startswith("/accounts/login/"):
            continue
        audited.setdefault(view, []).append(path)
        try:
            axe(page, label=path)
        except AssertionError as exc:
            problems.append(str(exc))
        if page.evaluate("document.documentElement.lang") not in ("ja", "en"):
            problems.append(f"{path}: no lang on <html>")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href, _ = urldefrag(href)
            parts = urlsplit(href)
            if parts.scheme not in ("http", "https") or parts.netloc != origin:
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen or parts.path.startswith(SKIP_PREFIXES):
                continue
            seen.add(target)
            queue.append(target)
    return audited, problems


@pytest.mark.parametrize(("email", "must_see"), PERSONAS, ids=[p[0].split("@")[0] for p in PERSONAS])
def test_every_page_a_persona_can_reach_passes_axe(page, axe, login, demo_people, email, must_see):
    # given the demo data and one persona, logged in through the real form
    from hataraku.core.demo import DEMO_PASSWORD

    login(email, DEMO_PASSWORD)
    assert "/accounts/login/" not in page.url
    # when every link they can see is followed
    audited, problems = crawl(page, axe, logged_in=True)
    print(f"{email}: {sum(map(len, audited.values()))} pages of {len(audited)} views audited")
    # then every page answered, every page has 0 axe violations, and the persona's main pages were among them
    assert problems == []
    assert must_see <= set(audited), f"not reached: {must_see - set(audited)}"
    assert len(audited) >= 8


def test_anonymous_visitor_reaches_only_public_pages_and_all_pass_axe(page, axe, demo_people):
    # given the demo data and a visitor who has not logged in
    # when every public link is followed
    audited, problems = crawl(page, axe, logged_in=False)
    print(f"anonymous: {sum(map(len, audited.values()))} pages of {len(audited)} views audited")
    # then every page answered 200 with 0 axe violations
    assert problems == []
    assert {"core:home", "account_login", "account_signup"} <= set(audited)

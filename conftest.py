"""Shared pytest fixtures: the settable clock, Chromium through Playwright, and the axe audit."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a thread that
# has one unless told it is safe. Here it is: the loop only talks to Chromium.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("HATARAKU_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_configure(config: Any) -> None:
    from django.conf import settings

    from hataraku.core.i18n import compile_catalogues

    for locale_dir in settings.LOCALE_PATHS:
        if Path(locale_dir).exists():
            compile_catalogues(Path(locale_dir))


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    from hataraku.core import clock

    yield
    clock.set_time(None)


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """LocaleMiddleware activates a request's language for the whole thread and never deactivates it, so
    a test that asks for English would leave the next test in the same worker reading English."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture
def frozen_clock() -> Iterator[Any]:
    """The platform clock, set to a fixed moment (Tuesday 2026-12-01 10:00 in Tokyo). Move it with
    `frozen_clock.advance(timedelta)` or `frozen_clock.set(datetime)`."""
    from hataraku.core import clock

    class Handle:
        def set(self, moment: dt.datetime) -> dt.datetime:
            clock.set_time(moment)
            return clock.now()

        def advance(self, delta: dt.timedelta) -> dt.datetime:
            return clock.advance(delta)

        def now(self) -> dt.datetime:
            return clock.now()

    handle = Handle()
    handle.set(dt.datetime(2026, 12, 1, 10, 0, tzinfo=clock.TOKYO))
    yield handle


# --- browser ------------------------------------------------------------------------------------------


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not _browser_available():
        if os.environ.get("HATARAKU_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package.")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture
def axe() -> Any:
    """`axe(page)` audits the current page for WCAG 2.0/2.1/2.2 A and AA and fails with the report."""
    from axe_playwright_python.sync_playwright import Axe

    engine = Axe()

    def audit(pg: Any, *, label: str = "") -> None:
        results = engine.run(pg, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        if results.violations_count:
            raise AssertionError(f"axe found violations on {label or pg.url}:\n{results.generate_report()}")

    return audit


@pytest.fixture
def login_with_mfa() -> Any:
    """`login_with_mfa(client, user)`: the test client logged in as after password and TOTP code, which
    staff and municipal people need before any page answers them (see hataraku/accounts/tests/mfa.py)."""
    from hataraku.accounts.tests.mfa import login_with_mfa as do

    return do


@pytest.fixture
def login(page: Any) -> Any:
    """Log a user in through the real log-in form. Staff and municipal people (who need a second factor)
    get a TOTP authenticator if they have none, and the fixture types the code their app would show."""

    def do(email: str, password: str) -> None:
        from django.contrib.auth import get_user_model

        from hataraku.accounts.tests.mfa import ensure_totp, totp_code
        from hataraku.core.permissions import needs_second_factor

        user = get_user_model().objects.filter(email__iexact=email).first()
        second_factor = user is not None and needs_second_factor(user)
        if second_factor:
            ensure_totp(user)
        page.goto(page.base_url + "/accounts/login/")
        page.get_by_label("メールアドレス").fill(email)
        # The label reads "パスワード 必須"; "パスワードをお忘れですか?" is a link, not a label.
        page.get_by_label(re.compile(r"^パスワード")).fill(password)
        # exact: the page also has "パスキーでログイン".
        with page.expect_navigation():
            page.get_by_role("button", name="ログイン", exact=True).click()
        page.wait_for_load_state("load")
        if second_factor and "/accounts/2fa/authenticate/" in page.url:
            # A fresh, unused code each time: allauth refuses one already used in its 30-second window.
            page.locator("input[name=code]").fill(totp_code(user))
            with page.expect_navigation():
                page.get_by_role("button", name="ログイン", exact=True).click()
            page.wait_for_load_state("load")

    return do


@pytest.fixture
def keyboard_login(page: Any) -> Any:
    """Log a user in through the real log-in form with the keyboard alone: Tab, type, Enter."""
    from e2e.keyboard import press_to_navigate, tab_to

    def do(email: str, password: str) -> None:
        page.goto(page.base_url + "/accounts/login/")
        tab_to(page, css="input[name=login]")
        page.keyboard.type(email)
        tab_to(page, css="input[name=password]")
        page.keyboard.type(password)
        press_to_navigate(page)
        assert "/accounts/login/" not in page.url, "keyboard log-in failed"

    return do


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgres:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)

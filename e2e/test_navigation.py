"""Navigation, layout and keyboard paths in a real browser (issue 10 § 3, 11, 12): the menu folds on a phone
without JavaScript, the first job shows in the first screen at 375 × 812, no figure breaks inside at 320 px,
and the keyboard reaches 「時間帯を追加」 and a sent proposal in few Tab presses. Tab presses are counted one by
one and the focused element is read back from the page. axe runs on every page visited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.keyboard import FOCUSED_MATCHES, type_date, type_time
from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, UserFactory
from hataraku.core import clock
from hataraku.jobs.models import Proposal
from hataraku.jobs.tests.factories import JobFactory, category
from hataraku.ledger import services as ledger
from hataraku.ledger.tests.factories import funded_escrow, key
from hataraku.profiles import services as profiles
from hataraku.profiles.availability import Window
from hataraku.profiles.models import AvailabilityWindow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class Tabs:
    """Presses Tab one at a time until the focused element matches, and counts every press."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.count = 0

    def to(
        self, *, css: str | None = None, text: str | None = None, exact: bool = False, limit: int = 60
    ) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            self.count += 1
            if self.page.evaluate(FOCUSED_MATCHES, [css, text, exact]):
                return
        raise AssertionError(f"could not reach {css or ''} {text or ''} with Tab on {self.page.url}")

    def skip_to_main(self) -> None:
        """The first Tab on a page reaches 「本文へ移動」; Enter moves the focus into the page's content."""
        self.to(css="a.skip-link", limit=1)
        self.page.keyboard.press("Enter")


def _enter_and_wait(page: Any) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")


@pytest.fixture
def jobs() -> dict[str, Any]:
    client = ClientFactory(company_name="株式会社ひだまり出版")
    cat = category()
    made = [
        JobFactory(
            client=client,
            category=cat,
            title=f"アンケートの入力 {n}",
            budget_min=12_000,
            budget_max=18_000,
            estimated_hours=4,
            description_md="紙のアンケートを表に入力します。",
        )
        for n in range(1, 4)
    ]
    return {"client": client, "jobs": made}


def test_on_a_phone_the_menu_folds_and_the_first_job_is_in_the_first_screen(page, axe, login, jobs):
    # given a worker on a phone-sized screen
    worker = UserFactory(display_name="中村 さくら")
    login(worker.email, PASSWORD)
    page.set_viewport_size(PHONE)
    # when she opens the job list
    page.goto(page.base_url + "/jobs/")
    # then the menu and the filters are closed disclosures, and the first job card starts in the first screen
    assert page.locator("details.site-menu").get_attribute("open") is None
    assert not page.get_by_role("link", name="応募とスカウト").is_visible()
    assert page.locator("details.filter-disclosure").get_attribute("open") is None
    assert not page.get_by_label("キーワード").is_visible()
    header = page.locator("header.site-header").bounding_box()
    first_card = page.locator(".job-card").first.bounding_box()
    assert header is not None and first_card is not None
    assert header["height"] < 120, header
    assert first_card["y"] < PHONE["height"], first_card
    axe(page, label="job list at 375 px, menu closed")

    # when she opens the menu with the keyboard
    page.locator(".site-menu__toggle").focus()
    page.keyboard.press("Enter")
    # then the groups show with their names, and the current page is marked
    assert page.get_by_role("link", name="応募とスカウト").is_visible()
    assert page.get_by_role("list", name="お金").is_visible()
    assert page.locator('.site-nav a[aria-current="page"]').inner_text() == "仕事をさがす"
    axe(page, label="job list at 375 px, menu open")

    # when she closes the menu (it lies over the page while open) and opens the filters
    page.keyboard.press("Enter")
    assert not page.get_by_role("link", name="応募とスカウト").is_visible()
    page.locator(".filter-disclosure__toggle").click()
    # then they are there
    assert page.get_by_label("キーワード").is_visible()
    axe(page, label="job list at 375 px, filters open")

    # and on a wide screen the menu and the filters are shown without opening anything
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.base_url + "/jobs/")
    assert not page.locator(".site-menu__toggle").is_visible()
    assert page.get_by_role("link", name="応募とスカウト").is_visible()
    assert page.get_by_label("キーワード").is_visible()
    axe(page, label="job list at 1280 px")


def test_a_worker_applies_from_the_list_in_at_most_20_tab_presses(page, axe, login, jobs):
    # given a worker at the top of the job list (a laptop-sized screen, the whole menu shown)
    worker = UserFactory(display_name="佐藤 美咲")
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/jobs/")
    axe(page, label="job list")
    tabs = Tabs(page)
    first_title = page.locator(".job-card h3 a").first.inner_text()

    # when she skips to the content, jumps past the filters and opens the first job
    tabs.skip_to_main()
    tabs.to(css="a.jump-link")
    page.keyboard.press("Enter")
    tabs.to(css=".job-card h3 a")
    assert page.evaluate("document.activeElement.textContent.trim()") == first_title
    _enter_and_wait(page)
    axe(page, label="job page")
    # and presses 「この仕事に応募する」
    tabs.skip_to_main()
    tabs.to(css="a", text="この仕事に応募する")
    _enter_and_wait(page)
    axe(page, label="proposal form")
    # and fills in the proposal and sends it
    tabs.skip_to_main()
    tabs.to(css="input[name=amount]")
    page.keyboard.type("15000")
    tabs.to(css="input[name=delivery_date]")
    type_date(page, clock.today() + dt.timedelta(days=20))
    tabs.to(css="textarea[name=message]")
    page.keyboard.type("よろしくお願いします。")
    tabs.to(css="button[type=submit]", text="この内容で応募する")
    _enter_and_wait(page)

    # then the proposal is sent, and it took at most 20 presses of Tab from the top of the list
    assert Proposal.objects.filter(worker=worker, amount=15_000).exists()
    axe(page, label="after proposing")
    print(f"apply from the list: {tabs.count} Tab presses")
    assert tabs.count <= 20, tabs.count


def test_adding_an_availability_window_takes_at_most_15_tab_presses(page, axe, login):
    # given a worker who already has ten weekly windows (the long week grid and ten rows)
    worker = UserFactory(display_name="中村 さくら")
    profiles.availability_replace(
        user=worker,
        windows=[Window(d, dt.time(13), dt.time(14, 30)) for d in range(5)]
        + [Window(d, dt.time(21), dt.time(22, 30)) for d in range(5)],
    )
    login(worker.email, PASSWORD)
    page.goto(page.base_url + "/profile/conditions/")
    axe(page, label="conditions")
    tabs = Tabs(page)

    # when she reaches 「時間帯を追加」 from the top of the page and presses it
    tabs.skip_to_main()
    tabs.to(css="button", text="時間帯を追加", exact=True)
    _enter_and_wait(page)
    # then the new, empty row has the focus
    assert page.evaluate("document.activeElement.id") == "id_windows-10-weekday"
    axe(page, label="conditions with a new row")
    # when she picks Saturday 10:00–12:00 and saves
    for _ in range(6):  # 曜日を選ぶ → 月 … 土
        page.keyboard.press("ArrowDown")
    tabs.to(css="#id_windows-10-start")
    type_time(page, "10:00")
    tabs.to(css="#id_windows-10-end")
    type_time(page, "12:00")
    tabs.to(css="button[type=submit]", text="保存する", exact=True)
    _enter_and_wait(page)

    # then the window is saved, and it took at most 15 presses of Tab
    assert AvailabilityWindow.objects.filter(user=worker, weekday=5, start=dt.time(10)).exists()
    assert AvailabilityWindow.objects.filter(user=worker).count() == 11
    axe(page, label="conditions saved")
    print(f"add an availability window: {tabs.count} Tab presses")
    assert tabs.count <= 15, tabs.count

    # and Enter in a field still saves (the hidden default 「保存する」 comes before 「時間帯を追加」)
    page.locator("#id_windows-10-end").focus()
    _enter_and_wait(page)
    assert "働ける時間帯を保存しました" in page.locator(".messages").inner_text()
    assert page.locator("#id_windows-11-weekday").count() == 0


# Every figure (¥12,000 / 12,000円 / 4時間 / 3件) in the element, and whether it sits on more than one line:
# a Range over the figure's characters has client rects on one line only when it is not broken inside.
BROKEN_FIGURES = r"""(selector) => {
  const figure = /[¥￥]?\d[\d,]*(?:円|時間|件|人)?/g;
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.getClientRects().length) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(figure)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0] + " in " + el.textContent.trim().slice(0, 60));
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def money(jobs) -> dict[str, Any]:
    worker = UserFactory(display_name="中村 さくら")
    client = jobs["client"]
    escrow = funded_escrow(1_234_000, client=client, worker=worker, withholding=True)
    ledger.escrow_release(escrow=escrow, amount=1_000_000, worker=worker, actor=None, idempotency_key=key())
    return {"worker": worker, "client": client}


@pytest.mark.parametrize(
    ("role", "path"),
    [("worker", "/money/earnings/"), ("worker", "/jobs/"), ("client", "/money/funding/")],
)
def test_at_320_px_no_figure_breaks_inside_a_table_cell_or_a_job_card(page, axe, login, money, role, path):
    # given a person with money on the platform (seven-figure amounts), on a 320 px wide screen
    login(money[role].email, PASSWORD)
    page.set_viewport_size({"width": 320, "height": 640})
    # when they open the page
    page.goto(page.base_url + path)
    # then the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    # and there is something to check: table cells or job terms holding figures
    cells = "td, th, .job-card dd, dl dd"
    assert page.evaluate(
        "(s) => Array.from(document.querySelectorAll(s)).some(e => /\\d/.test(e.textContent))", cells
    )
    # and no figure in a table cell, a job card or a definition list breaks across lines
    assert page.evaluate(BROKEN_FIGURES, cells) == []
    # and wide tables read as stacked rows, each value with its column's name
    if page.locator("table.table--stack").count():
        cell = page.locator("table.table--stack td[data-label]").first
        assert cell.get_attribute("data-label")
    axe(page, label=f"{path} at 320 px")

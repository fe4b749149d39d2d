"""Complete English (issue 10, item 10): a worker and a client who chose English read no Japanese on their
dashboard, notifications, job lists, a job page and the money pages — except what people wrote (job titles,
names, messages), which is marked `lang="ja"` so a screen reader reads it in Japanese (WCAG 3.1.2).

The scan walks the rendered DOM in Chromium: every text node of the body (hidden ones too: a screen reader
reads visually hidden text), every `aria-label`, `title`, `placeholder` and `alt`; a node counts unless it
sits inside an element whose `lang` starts with "ja". The page's <title> is left out: it cannot hold a
marked part, and a job page's title is the job's own (Japanese) title."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hataraku.core.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Hiragana, katakana (full and half width), CJK ideographs and their extension A, CJK punctuation
# (「」、。), and the full-width forms block's letters and brackets (（）＃).
JAPANESE = r"[\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uff66-\uff9f]"

SCAN = """(pattern) => {
  const japanese = new RegExp(pattern);
  const found = [];
  const unmarked = (el) => {
    const marked = el && el.closest('[lang]');
    return !(marked && marked.getAttribute('lang').toLowerCase().startsWith('ja'));
  };
  const where = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 3; e = e.parentElement) {
      parts.unshift(e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
        ? '.' + e.className.trim().split(/\\s+/)[0] : ''));
    }
    return parts.join(' > ');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || ['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName)) continue;
    if (japanese.test(node.nodeValue) && unmarked(el)) {
      found.push(where(el) + ': ' + node.nodeValue.trim().slice(0, 80));
    }
  }
  for (const el of document.body.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      const value = el.getAttribute(name);
      if (value && japanese.test(value) && unmarked(el)) found.push(where(el) + ' @' + name + ': ' + value);
    }
  }
  return found;
}"""


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_people(transactional_db: Any) -> dict[str, Any]:
    from hataraku.core import demo

    return demo.load()


def _choose_english(page: Any) -> None:
    """The header's language button, as a person uses it (Django's set_language: a cookie)."""
    with page.expect_navigation():
        page.locator("form.language-switch button[value=en]").click()
    assert page.evaluate("document.documentElement.lang") == "en"


def _japanese_outside_lang_ja(page: Any, path: str) -> list[str]:
    response = page.goto(page.base_url + path)
    assert response is not None and response.status == 200, f"{path} answered {response and response.status}"
    assert "/accounts/login/" not in page.url
    assert page.evaluate("document.documentElement.lang") == "en", f"{path} is not in English"
    return [f"{path} — {line}" for line in page.evaluate(SCAN, JAPANESE)]


def _first_link(page: Any, path: str, selector: str) -> str:
    page.goto(page.base_url + path)
    href = page.locator(selector).first.get_attribute("href")
    assert href, f"no link {selector} on {path}"
    return str(href)


def _scan(page: Any, paths: list[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        found += _japanese_outside_lang_ja(page, path)
    return found


def test_a_worker_reading_english_sees_no_unmarked_japanese(page, axe, login, demo_people) -> None:
    # given the demo worker 佐藤さくら (contracts, earnings, notifications, a payout), who chose English
    login("sakura@demo.hataraku.jp", DEMO_PASSWORD)
    _choose_english(page)
    job = _first_link(page, "/jobs/", "main .job-list h3 a")
    contract = _first_link(page, "/contracts/", "main table a[href^='/contracts/']")
    thread = _first_link(page, "/messages/", "main a[href^='/messages/threads/']")
    # when she reads her dashboard, notifications, the job lists, a job, a contract, the money pages and
    # her messages
    found = _scan(
        page,
        [
            "/dashboard/",
            "/messages/notifications/",
            "/jobs/",
            "/jobs/for-you/",
            job,
            contract,
            "/money/earnings/",
            "/payments/payouts/",
            "/payments/payouts/new/",
            "/payments/invoices/",
            "/messages/",
            thread,
        ],
    )
    # then no Japanese is left outside what people wrote
    assert found == [], "Japanese on English pages:\n" + "\n".join(found)
    axe(page, label="an English page")


def test_a_client_reading_english_sees_no_unmarked_japanese(page, login, demo_people) -> None:
    # given the demo client ひだまり出版, who chose English
    login("hidamari@demo.hataraku.jp", DEMO_PASSWORD)
    _choose_english(page)
    # when it reads its dashboard, notifications, its jobs and the money pages
    found = _scan(
        page,
        [
            "/dashboard/",
            "/messages/notifications/",
            "/jobs/mine/",
            "/money/funding/",
            "/payments/receipts/",
            "/payments/payment-records/",
        ],
    )
    # then no Japanese is left outside what people wrote
    assert found == [], "Japanese on English pages:\n" + "\n".join(found)

"""Whole pages kept per process (core/pages.py): a kept page is the page drawn afresh, with each request's
own CSRF token and idle-timeout seconds, and anything that changes what the page shows draws it again."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.contrib.messages import INFO, add_message
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from hataraku.accounts.tests.factories import UserFactory
from hataraku.alerts.models import Bookmark
from hataraku.alerts.tests.factories import BookmarkFactory
from hataraku.core import pages
from hataraku.jobs.tests.factories import JobFactory
from hataraku.messaging.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SECONDS = re.compile(r'data-session-timeout="(\d+)"')


@pytest.fixture(autouse=True)
def _forget() -> None:
    pages.forget_all()


def normalised(html: str) -> str:
    return SECONDS.sub("SECONDS", TOKEN.sub("TOKEN", html))


def test_a_kept_job_list_is_the_job_list_drawn_afresh(frozen_clock: Any) -> None:
    # given a worker with a bookmark, on a filtered second page of the job list
    worker = UserFactory()
    jobs = [JobFactory(title=f"データ入力 {i}") for i in range(55)]
    BookmarkFactory(worker=worker, job=jobs[-1])
    browser = Client()
    browser.force_login(worker)
    url = reverse("jobs:list") + "?beginner_welcome=&page=1"
    # when the page is drawn without keeping, then kept, then taken from the store
    with override_settings(HATARAKU_KEEP_PAGES=False):
        fresh = browser.get(url).content.decode()
    with override_settings(HATARAKU_KEEP_PAGES=True):
        first = browser.get(url).content.decode()
        frozen_clock.advance(dt.timedelta(seconds=5))
        kept = browser.get(url)
    # then all three are the same page, and the third came from the store (no template was drawn)
    assert kept.context is None
    assert normalised(fresh) == normalised(first) == normalised(kept.content.decode())
    assert len(pages._KEPT) == 1


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_each_kept_page_carries_its_own_token_and_it_is_accepted(frozen_clock: Any) -> None:
    # given a worker whose job list is kept, with CSRF checked as in production
    worker = UserFactory()
    job = JobFactory(title="絵本の翻訳")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(worker)
    browser.get(reverse("jobs:list"))
    first = browser.get(reverse("jobs:list")).content.decode()
    second = browser.get(reverse("jobs:list")).content.decode()
    # then every form on a page carries that request's token (one per page, another on the next page)
    (token_a,), (token_b,) = set(TOKEN.findall(first)), set(TOKEN.findall(second))
    assert token_a != token_b
    # and the ☆ toggle's POST with the kept page's token is accepted
    response = browser.post(
        reverse("alerts:bookmark", args=[job.pk]),
        {"on": "1", "next": "/jobs/", "csrfmiddlewaretoken": token_b},
    )
    assert response.status_code == 302 and Bookmark.objects.filter(worker=worker, job=job).exists()


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_the_idle_timeout_seconds_are_each_requests_own(frozen_clock: Any) -> None:
    # given a kept job list
    worker = UserFactory()
    JobFactory()
    browser = Client()
    browser.force_login(worker)
    browser.get(reverse("jobs:list"))
    first = SECONDS.search(browser.get(reverse("jobs:list")).content.decode())
    # when twenty seconds pass with no refresh of the session
    frozen_clock.advance(dt.timedelta(seconds=20))
    later = SECONDS.search(browser.get(reverse("jobs:list")).content.decode())
    # then the warning counts from the real moment
    assert first and later and int(first.group(1)) - int(later.group(1)) == 20


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_what_changes_on_the_page_draws_it_again() -> None:
    # given a kept job list
    worker = UserFactory()
    JobFactory(title="前からある仕事")
    browser = Client()
    browser.force_login(worker)
    browser.get(reverse("jobs:list"))
    # when a job is published and a notice arrives
    JobFactory(title="新しく出た仕事")
    Notification.objects.create(user=worker, kind="test", title="お知らせ")
    page = browser.get(reverse("jobs:list")).content.decode()
    # then both show
    assert "新しく出た仕事" in page
    assert "未読 1" in page


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_two_people_never_share_a_kept_page() -> None:
    # given two workers who see the same jobs
    ann, ben = UserFactory(), UserFactory()
    job = JobFactory(title="同じ仕事")
    BookmarkFactory(worker=ann, job=job)
    pages_seen = []
    for person in (ann, ben):
        browser = Client()
        browser.force_login(person)
        pages_seen.append(browser.get(reverse("jobs:list")).content.decode())
    # then each page is her own (ann's ☆ is on, ben's is off) and two pages are kept
    assert 'aria-pressed="true"' in pages_seen[0] and 'aria-pressed="true"' not in pages_seen[1]
    assert len(pages._KEPT) == 2


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_a_page_with_a_message_to_show_is_never_kept() -> None:
    # given a signed-in request with a message waiting
    worker = UserFactory()
    request = RequestFactory().get("/jobs/")
    SessionMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    MessageMiddleware(lambda r: None).process_request(request)  # type: ignore[arg-type,return-value]
    request.user = worker
    request.session.save()
    assert pages.shell_state(request) is not None
    add_message(request, INFO, "保存しました。")
    # then the page is drawn each time (the message is shown once, not kept)
    assert pages.shell_state(request) is None


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_typed_text_shaped_like_a_stand_in_pulls_nothing_into_the_page() -> None:
    # given a worker, and a job whose title and a search that look like the old stand-ins
    worker = UserFactory()
    JobFactory(title="絵本\ue000csrf\ue000翻訳")
    browser = Client()
    browser.force_login(worker)
    browser.get(reverse("jobs:list"))
    # when she searches for such text (kept pages on: the page's own stand-ins are filled per request)
    for query in ("\ue000page-csrf\ue000", "絵本\ue000hole1\ue000", "\ue000csrf\ue000"):
        page = browser.get(reverse("jobs:list"), {"q": query}).content.decode()
        (token,) = set(TOKEN.findall(page))
        # then the token is only ever a form's hidden value, never in the search box, a link or a title
        assert page.count(token) == page.count("csrfmiddlewaretoken")
    listing = browser.get(reverse("jobs:list")).content.decode()
    (token,) = set(TOKEN.findall(listing))
    assert listing.count(token) == listing.count("csrfmiddlewaretoken")


def test_filling_puts_each_value_in_once_and_never_reads_it_again() -> None:
    from hataraku.core import holes

    # given markup with two stand-ins, and a value for the first that holds the second's stand-in
    markup = f"<p>{holes.stand_in('a')}|{holes.stand_in('b')}</p>"
    # when they are filled
    out = holes.fill(markup, {"a": holes.stand_in("b"), "b": "B"})
    # then the value put in is left as it was (one pass), and unknown names stay for someone else
    assert out == f"<p>{holes.stand_in('b')}|B</p>"
    assert holes.fill(markup, {}) == markup


@override_settings(HATARAKU_KEEP_PAGES=True)
def test_a_long_path_is_drawn_each_time_and_the_store_stays_within_its_budget(monkeypatch: Any) -> None:
    # given a worker on the job list
    worker = UserFactory()
    JobFactory()
    browser = Client()
    browser.force_login(worker)
    # when she opens it with a very long query string
    browser.get(reverse("jobs:list"), {"pad": "x" * 2000})
    # then nothing is kept for it
    assert not pages._KEPT
    # and when the store is full, the page used longest ago goes first
    monkeypatch.setattr(pages, "MAX_CHARS", 1)
    browser.get(reverse("jobs:list"), {"q": "一"})
    browser.get(reverse("jobs:list"), {"q": "二"})
    assert len(pages._KEPT) == 1
    ((_, _key, state),) = pages._KEPT.keys()
    assert "q=%E4%BA%8C" in str(cast(tuple[Any, ...], state)[1])

"""☆ 「あとで見る」: a POST toggle beside the cached job cards (htmx or not), the 「保存した仕事」 page, and the
job list's cost for it (one cheap query for a signed-in worker, nothing per card, nothing in the card)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, UserFactory
from hataraku.alerts import privacy
from hataraku.alerts.models import Bookmark, SavedSearch
from hataraku.alerts.tests.factories import BookmarkFactory, SavedSearchFactory
from hataraku.core import clock
from hataraku.core import todos as core_todos
from hataraku.jobs import integrations
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_toggle_without_javascript_saves_and_comes_back_to_the_card(client: Any, frozen_clock: Any) -> None:
    # given a worker on the job list
    worker = UserFactory()
    job = JobFactory(title="絵本の翻訳")
    client.force_login(worker)
    page = client.get(reverse("jobs:list") + "?beginner_welcome=")
    assert 'aria-pressed="false"' in page.content.decode()
    # when she presses ☆ あとで見る (a plain form POST)
    response = client.post(
        reverse("alerts:bookmark", args=[job.pk]), {"on": "1", "next": "/jobs/?beginner_welcome="}
    )
    # then it is saved and she is back on the same list, at that card
    assert (
        response.status_code == 302 and response["Location"] == f"/jobs/?beginner_welcome=#bookmark-{job.pk}"
    )
    assert Bookmark.objects.filter(worker=worker, job=job).exists()
    body = client.get(reverse("jobs:list")).content.decode()
    assert 'aria-pressed="true"' in body and "保存済み" in body
    # and 「保存した仕事」 lists it
    assert "絵本の翻訳" in client.get(reverse("alerts:bookmarks")).content.decode()
    # when she presses it again
    client.post(reverse("alerts:bookmark", args=[job.pk]), {"on": "0", "next": "/jobs/"})
    # then it is gone
    assert not Bookmark.objects.filter(worker=worker).exists()


def test_every_form_on_the_job_list_carries_one_token_that_the_toggle_accepts(frozen_clock: Any) -> None:
    # given a worker on the job list, with CSRF checked as in production
    from django.test import Client

    worker = UserFactory()
    job = JobFactory(title="絵本の翻訳")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(worker)
    browser.get(reverse("jobs:list"))  # the first visit sets the CSRF cookie
    page = browser.get(reverse("jobs:list")).content.decode()
    # then the header's forms (language, log-out) and the ☆ toggles carry the same masked token (one per page)
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1 and page.count("csrfmiddlewaretoken") >= 3
    # and when she presses ☆ with it, the POST is accepted
    response = browser.post(
        reverse("alerts:bookmark", args=[job.pk]),
        {"on": "1", "next": "/jobs/", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert response.status_code == 302
    assert Bookmark.objects.filter(worker=worker, job=job).exists()


def test_toggle_with_htmx_answers_the_toggle_alone(client: Any, frozen_clock: Any) -> None:
    worker = UserFactory()
    job = JobFactory(title="絵本の翻訳")
    client.force_login(worker)
    response = client.post(
        reverse("alerts:bookmark", args=[job.pk]),
        {"on": "1", "next": "/jobs/", "title": job.title},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<form") and 'aria-pressed="true"' in body
    assert f'id="bookmark-button-{job.pk}"' in body and "絵本の翻訳" in body
    assert "<html" not in body


def test_an_offsite_next_is_ignored(client: Any, frozen_clock: Any) -> None:
    worker = UserFactory()
    job = JobFactory()
    client.force_login(worker)
    response = client.post(
        reverse("alerts:bookmark", args=[job.pk]), {"on": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("alerts:bookmarks")


def test_a_job_she_may_not_see_cannot_be_bookmarked(client: Any, frozen_clock: Any) -> None:
    client.force_login(UserFactory())
    draft = JobFactory(status=JobStatus.DRAFT, published_at=None)
    assert client.post(reverse("alerts:bookmark", args=[draft.pk]), {"on": "1"}).status_code == 404
    assert client.get(reverse("alerts:bookmark", args=[draft.pk])).status_code == 405
    assert not Bookmark.objects.exists()


def test_the_card_cache_holds_nothing_about_the_viewer(client: Any, frozen_clock: Any) -> None:
    # given one worker who bookmarked the job and one who did not
    job = JobFactory(title="絵本の翻訳")
    saver, other = UserFactory(), UserFactory()
    BookmarkFactory(worker=saver, job=job)
    # when both open the list (the card is built once and shared)
    client.force_login(saver)
    mine = client.get(reverse("jobs:list"))
    client.force_login(other)
    theirs = client.get(reverse("jobs:list"))
    # then the shared card has no toggle in it, and each sees her own state beside it
    (card,) = mine.context["jobs"]
    assert "あとで見る" not in card.html and "bookmark" not in card.html
    assert 'aria-pressed="true"' in mine.content.decode()
    assert 'aria-pressed="true"' not in theirs.content.decode()


def test_the_job_list_pays_one_cheap_query_for_the_toggles(client: Any, frozen_clock: Any) -> None:
    # given a worker with a bookmark and a list of jobs
    worker = UserFactory()
    for _ in range(5):
        JobFactory()
    BookmarkFactory(worker=worker, job=JobFactory())
    client.force_login(worker)
    client.get(reverse("jobs:list"))  # warm: compiled SQL, cards
    # when the list is drawn with and without the alerts app's toggles
    with CaptureQueriesContext(connection) as with_toggles:
        client.get(reverse("jobs:list"))
    card_extras, list_actions = integrations._card_extras, integrations._list_actions
    try:
        integrations._card_extras = None
        integrations._list_actions = None
        with CaptureQueriesContext(connection) as without:
            client.get(reverse("jobs:list"))
    finally:
        integrations._card_extras, integrations._list_actions = card_extras, list_actions
    # then the toggles cost exactly one query, on her bookmarks alone
    extra = [q["sql"] for q in with_toggles.captured_queries][len(without.captured_queries) :]
    assert len(with_toggles.captured_queries) == len(without.captured_queries) + 1
    assert any("alerts_bookmark" in sql for sql in (q["sql"] for q in with_toggles.captured_queries))
    assert len(extra) == 1


def test_a_client_gets_no_toggle_and_no_query_for_it(client: Any, frozen_clock: Any) -> None:
    JobFactory()
    client.force_login(ClientFactory())
    with CaptureQueriesContext(connection) as seen:
        body = client.get(reverse("jobs:list")).content.decode()
    assert "あとで見る" not in body and "この条件を保存" not in body
    assert not any("alerts_" in q["sql"] for q in seen.captured_queries)


def test_the_job_page_and_the_for_you_page_have_the_toggle(client: Any, frozen_clock: Any) -> None:
    worker = UserFactory()
    job = JobFactory(title="絵本の翻訳")
    client.force_login(worker)
    detail = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert f'action="/jobs/{job.pk}/bookmark/"' in detail
    for_you = client.get(reverse("matching:for_you") + "?all=1").content.decode()
    assert f'action="/jobs/{job.pk}/bookmark/"' in for_you


def test_a_closed_bookmarked_job_is_listed_apart_and_can_be_removed(client: Any, frozen_clock: Any) -> None:
    worker = UserFactory()
    job = JobFactory(title="終わった仕事", status=JobStatus.CLOSED)
    BookmarkFactory(worker=worker, job=job)
    client.force_login(worker)
    body = client.get(reverse("alerts:bookmarks")).content.decode()
    assert "募集が終わった仕事" in body and "終わった仕事" in body
    client.post(reverse("alerts:bookmark", args=[job.pk]), {"on": "0"})
    assert not Bookmark.objects.exists()


def test_the_dashboard_names_a_saved_job_whose_deadline_is_near(frozen_clock: Any) -> None:
    worker = UserFactory()
    soon = JobFactory(title="締切が近い仕事", proposal_deadline=clock.today() + dt.timedelta(days=1))
    later = JobFactory(title="まだ先の仕事", proposal_deadline=clock.today() + dt.timedelta(days=20))
    BookmarkFactory(worker=worker, job=soon)
    BookmarkFactory(worker=worker, job=later)
    items = [t for t in core_todos.todos_for(worker, "worker") if t.key == "alerts.bookmark_closing"]
    assert [str(t.title) for t in items] == ["保存した仕事「締切が近い仕事」の応募締切が近づいています"]
    assert items[0].urgent


def test_her_data_download_holds_her_searches_and_bookmarks_and_deletion_erases_them(
    frozen_clock: Any,
) -> None:
    worker = UserFactory()
    SavedSearchFactory(worker=worker, name="在宅の翻訳", query="q=%E7%BF%BB%E8%A8%B3")
    BookmarkFactory(worker=worker, job=JobFactory(title="絵本の翻訳"))
    other = SavedSearchFactory(name="ほかの人の条件")
    exported = json.dumps(privacy.export_user_data(worker), ensure_ascii=False)
    assert "在宅の翻訳" in exported and "絵本の翻訳" in exported and "ほかの人の条件" not in exported
    privacy.erase_user_data(worker)
    assert not SavedSearch.objects.filter(worker=worker).exists()
    assert not Bookmark.objects.filter(worker=worker).exists()
    assert SavedSearch.objects.filter(pk=other.pk).exists()


def test_the_toggle_escapes_the_title_and_the_address(client: Any, frozen_clock: Any) -> None:
    # given a job whose title holds markup, and a list opened with markup in its address
    JobFactory(title="<b>太字</b>の仕事")
    client.force_login(UserFactory())
    # when the list is drawn
    body = client.get(reverse("jobs:list") + "?page=1&x=%3Cscript%3E").content.decode()
    # then the toggle shows the title and the address as text, never as markup
    assert "<b>" not in body and ": &lt;b&gt;太字&lt;/b&gt;の仕事</span>" in body
    assert "<script>" not in body and "%3Cscript%3E" in body

"""The saved-search and bookmark API (`/api/me/saved-searches`, `/api/me/bookmarks`): the pages' rules through
the pages' forms and services — the job list's form checks the query, the same limits, 404 alike for a
missing and another worker's, CSRF on every write — and who may call what."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory

from hataraku.accounts.tests.factories import ClientFactory, StaffFactory, UserFactory
from hataraku.alerts.constants import MAX_BOOKMARKS, MAX_SAVED_SEARCHES
from hataraku.alerts.models import AlertMatch, Bookmark, SavedSearch
from hataraku.alerts.tests.factories import BookmarkFactory, SavedSearchFactory
from hataraku.core.models import AuditEvent
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

SEARCHES = "/api/me/saved-searches"
BOOKMARKS = "/api/me/bookmarks"


def _json(client: Client, method: str, url: str, body: Any = None) -> Any:
    send = getattr(client, method)
    if body is None:
        return send(url)
    return send(url, data=json.dumps(body), content_type="application/json")


# --- saved searches ----------------------------------------------------------------------------------------


def test_save_a_job_list_search_and_read_it_back(client: Client, worker: Any) -> None:
    # given the query string of /jobs/, with a page number, a leading "?" and a parameter it does not know
    query = f"?q={quote('翻訳')}&beginner_welcome=on&page=3&utm=x"
    # when she saves it through the API
    response = _json(client, "post", SEARCHES, {"name": "在宅の翻訳", "query": query, "alerts_on": True})
    # then it is kept as the search alone, as the page keeps it, audited, and described in the list's words
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["query"] == f"q={quote('翻訳')}&beginner_welcome=on"
    assert data["conditions"] == ["キーワード: 翻訳", "初心者歓迎"] and data["valid"] is True
    assert data["results_url"] == f"/jobs/?{data['query']}"
    assert data["alerts_on"] and data["alert_in_app"] and not data["alert_email"]
    assert data["frequency"] == "immediate"
    assert AuditEvent.objects.filter(action="alerts.search_saved").count() == 1
    # and her list has it
    listed = _json(client, "get", SEARCHES).json()
    assert [s["name"] for s in listed] == ["在宅の翻訳"]
    assert _json(client, "get", f"{SEARCHES}/{data['id']}").json() == listed[0]


def test_a_filter_the_job_list_refuses_is_a_422_that_names_it(client: Client, worker: Any) -> None:
    # when the query asks for a pay range the wrong way round and a category that does not exist
    response = _json(
        client, "post", SEARCHES, {"name": "変な条件", "query": "pay_min=5000&pay_max=100&category=nope"}
    )
    # then nothing is saved and the message names what the job list refused, in its own words
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "「報酬の上限(円)」" in detail and "「カテゴリ」" in detail
    assert not SavedSearch.objects.exists()


def test_the_pages_limits_hold(client: Client, worker: Any) -> None:
    # a name is needed, and its length is the page's
    assert _json(client, "post", SEARCHES, {"name": "  ", "query": ""}).status_code == 422
    too_long = _json(client, "post", SEARCHES, {"name": "あ" * 61, "query": ""})
    assert too_long.status_code == 422 and "「名前」" in too_long.json()["detail"]
    # the same name twice is refused
    assert _json(client, "post", SEARCHES, {"name": "同じ", "query": ""}).status_code == 201
    twice = _json(client, "post", SEARCHES, {"name": "同じ", "query": "q=x"})
    assert twice.status_code == 422 and "同じ名前" in twice.json()["detail"]
    # alerts on needs one way to tell her
    off = {"name": "知らせ方なし", "alerts_on": True, "alert_in_app": False, "alert_email": False}
    assert _json(client, "post", SEARCHES, off).status_code == 422
    # and no more than MAX_SAVED_SEARCHES
    for n in range(MAX_SAVED_SEARCHES - 1):
        SavedSearchFactory(worker=worker, name=f"既存 {n}")
    full = _json(client, "post", SEARCHES, {"name": "もう一つ", "query": ""})
    assert full.status_code == 422 and f"{MAX_SAVED_SEARCHES}件まで" in full.json()["detail"]
    assert SavedSearch.objects.filter(worker=worker).count() == MAX_SAVED_SEARCHES


def test_turn_alerts_off_and_on_and_change_how_often(client: Client, worker: Any) -> None:
    # given her saved search with alerts by e-mail, one alert waiting
    search = SavedSearchFactory(worker=worker, alerts_on=True, alert_email=True)
    AlertMatch.objects.create(
        saved_search=search, job=JobFactory(), found_at=search.created_at, due_at=search.created_at
    )
    url = f"{SEARCHES}/{search.pk}"
    # when she turns its alerts off (only that field sent)
    response = _json(client, "patch", url, {"alerts_on": False})
    # then the rest is as it was, and the waiting alert is dropped (the page's service did it)
    assert response.status_code == 200, response.content
    assert response.json()["alerts_on"] is False and response.json()["name"] == search.name
    assert not AlertMatch.objects.exists()
    # when she turns them on again as a daily digest, in-app only, and renames it
    body = {"alerts_on": True, "alert_email": False, "frequency": "daily", "name": "毎朝"}
    data = _json(client, "patch", url, body).json()
    # then
    assert (data["alerts_on"], data["alert_email"], data["frequency"], data["name"]) == (
        True,
        False,
        "daily",
        "毎朝",
    )
    # and a frequency the page does not offer is refused
    assert _json(client, "patch", url, {"frequency": "hourly"}).status_code == 422


def test_delete_and_404_alike_for_missing_and_someone_elses(client: Client, worker: Any) -> None:
    # given her search and another worker's
    mine = SavedSearchFactory(worker=worker)
    theirs = SavedSearchFactory()
    # when she asks for, changes or deletes the other worker's, or one that does not exist
    for target in (theirs.pk, theirs.pk + mine.pk + 100):
        url = f"{SEARCHES}/{target}"
        answers = [
            _json(client, "get", url),
            _json(client, "patch", url, {"name": "乗っ取り"}),
            _json(client, "delete", url),
        ]
        # then every answer is the same 404
        assert {(r.status_code, r.json()["code"]) for r in answers} == {(404, "not_found")}
    assert SavedSearch.objects.get(pk=theirs.pk).name == theirs.name
    # when she deletes her own
    assert _json(client, "delete", f"{SEARCHES}/{mine.pk}").status_code == 204
    # then it is gone, audited
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()
    assert AuditEvent.objects.filter(action="alerts.search_deleted").count() == 1


# --- bookmarks -------------------------------------------------------------------------------------------


def test_add_list_and_remove_bookmarks(client: Client, worker: Any) -> None:
    # given an open job and a bookmark of a job that has closed since
    job = JobFactory(title="データ入力")
    closed = BookmarkFactory(worker=worker, job=JobFactory(title="終わった仕事")).job
    closed.status = JobStatus.CLOSED
    closed.save()
    # when she bookmarks the open job (twice: the same as once)
    first = _json(client, "put", f"{BOOKMARKS}/{job.pk}")
    again = _json(client, "put", f"{BOOKMARKS}/{job.pk}")
    # then
    assert first.status_code == again.status_code == 200
    assert first.json()["title"] == "データ入力" and first.json()["open"] is True
    assert Bookmark.objects.filter(worker=worker).count() == 2
    listed = _json(client, "get", BOOKMARKS).json()
    assert {(b["title"], b["open"]) for b in listed} == {("データ入力", True), ("終わった仕事", False)}
    # when she removes both (a closed job's bookmark too)
    assert _json(client, "delete", f"{BOOKMARKS}/{job.pk}").status_code == 204
    assert _json(client, "delete", f"{BOOKMARKS}/{closed.pk}").status_code == 204
    # then none is left, and removing again is 404
    assert not Bookmark.objects.filter(worker=worker).exists()
    assert _json(client, "delete", f"{BOOKMARKS}/{job.pk}").status_code == 404


def test_a_job_she_may_not_read_is_404_like_a_missing_one(client: Client, worker: Any) -> None:
    draft = JobFactory(status=JobStatus.DRAFT)
    for job_id in (draft.pk, draft.pk + 1000):
        response = _json(client, "put", f"{BOOKMARKS}/{job_id}")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    # and another worker's bookmark is not hers to remove
    other = BookmarkFactory()
    assert _json(client, "delete", f"{BOOKMARKS}/{other.job_id}").status_code == 404
    assert Bookmark.objects.filter(pk=other.pk).exists()


def test_the_bookmark_limit_is_the_pages(client: Client, worker: Any) -> None:
    for _n in range(MAX_BOOKMARKS):
        BookmarkFactory(worker=worker)
    response = _json(client, "put", f"{BOOKMARKS}/{JobFactory().pk}")
    assert response.status_code == 422 and f"{MAX_BOOKMARKS}件まで" in response.json()["detail"]


# --- who may call what, and CSRF -----------------------------------------------------------------------


def test_api_access_matrix(frozen_clock: Any, login_with_mfa: Any) -> None:
    # given her saved search and bookmark, and one browser per kind of caller
    search = SavedSearchFactory()
    bookmark = BookmarkFactory(worker=search.worker)
    browsers: dict[str, Client] = {"anonymous": Client()}
    for role, person in (
        ("owner", search.worker),
        ("other worker", UserFactory()),
        ("client", ClientFactory()),
    ):
        browsers[role] = Client()
        browsers[role].force_login(person)
    browsers["staff"] = Client()
    login_with_mfa(browsers["staff"], StaffFactory())
    own = {"owner": 200, "other worker": 404, "client": 404, "staff": 404, "anonymous": 401}
    any_worker = {**own, "other worker": 200}
    reads = {
        SEARCHES: any_worker,
        BOOKMARKS: any_worker,
        f"{SEARCHES}/{search.pk}": own,
        "/api/me/recommendations": any_worker,
    }
    # when each reads each address, then each gets what the matrix says
    found = {(url, role): browsers[role].get(url).status_code for url in reads for role in browsers}
    assert found == {(url, role): want[role] for url, want in reads.items() for role in browsers}
    # and writes: only the owner's take effect (others: 404, or 401 without a session)
    for role in ("other worker", "client", "staff", "anonymous"):
        deleted = _json(browsers[role], "delete", f"{SEARCHES}/{search.pk}")
        unmarked = _json(browsers[role], "delete", f"{BOOKMARKS}/{bookmark.job_id}")
        assert deleted.status_code == unmarked.status_code == own[role]
    assert (
        SavedSearch.objects.filter(pk=search.pk).exists() and Bookmark.objects.filter(pk=bookmark.pk).exists()
    )


def test_writes_need_the_csrf_token_like_every_ninja_route(frozen_clock: Any) -> None:
    # given a worker's browser that checks CSRF as a real one does
    person = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(person)
    job = JobFactory()
    # when she writes without the token
    refused = [
        _json(browser, "post", SEARCHES, {"name": "トークンなし", "query": ""}),
        _json(browser, "put", f"{BOOKMARKS}/{job.pk}"),
    ]
    # then nothing is written, with the API's own 403
    assert {(r.status_code, r.json()["code"]) for r in refused} == {(403, "csrf_failed")}
    assert not SavedSearch.objects.exists() and not Bookmark.objects.exists()
    # when she sends the cookie and the header a page of ours sends
    request = RequestFactory().get("/")
    token = get_token(request)
    browser.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = browser.put(f"{BOOKMARKS}/{job.pk}", headers={"X-CSRFToken": token})
    # then it goes through
    assert response.status_code == 200 and Bookmark.objects.filter(worker=person).exists()

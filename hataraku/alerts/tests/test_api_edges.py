"""Review of the saved-search and bookmark API: the writes test_api.py does not send without a CSRF token,
bodies of the wrong shape, ids out of range, a saved search whose query the job list no longer accepts, and
the same request twice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from hataraku.alerts.models import Bookmark, SavedSearch
from hataraku.alerts.tests.factories import BookmarkFactory, SavedSearchFactory
from hataraku.jobs.tests.factories import JobFactory

from .test_api import BOOKMARKS, SEARCHES

pytestmark = pytest.mark.django_db


def _send(client: Client, method: str, url: str, body: Any = None, raw: str | None = None) -> Any:
    send = getattr(client, method)
    if raw is not None:
        return send(url, data=raw, content_type="application/json")
    if body is None:
        return send(url)
    return send(url, data=json.dumps(body), content_type="application/json")


def test_changing_or_deleting_without_the_csrf_token_is_refused(frozen_clock: Any) -> None:
    # given her saved search and bookmark, in a browser that checks CSRF as a real one does
    search = SavedSearchFactory(name="もとの名前")
    bookmark = BookmarkFactory(worker=search.worker)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(search.worker)
    # when a page elsewhere makes her browser change and delete them (no token)
    answers = [
        _send(browser, "patch", f"{SEARCHES}/{search.pk}", {"name": "書き換え"}),
        _send(browser, "delete", f"{SEARCHES}/{search.pk}"),
        _send(browser, "delete", f"{BOOKMARKS}/{bookmark.job_id}"),
    ]
    # then every one is the API's 403 and nothing changed
    assert {(r.status_code, r.json()["code"]) for r in answers} == {(403, "csrf_failed")}
    assert SavedSearch.objects.get(pk=search.pk).name == "もとの名前"
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[]",
        "null",
        '{"name": ["a"]}',
        '{"name": "x", "query": 5}',
        '{"name": "x", "frequency": 1}',
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_in_japanese(client: Client, worker: Any, raw: str) -> None:
    # when she posts a body that is not JSON, or not the object the API takes
    response = _send(client, "post", SEARCHES, raw=raw)
    # then it is refused (400 or 422) with a Japanese message, and nothing is saved
    assert response.status_code in (400, 422), response.content
    detail = response.json()["detail"]
    assert isinstance(detail, str) and any("\u3040" <= c <= "\u30ff" for c in detail), detail
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("target", ["0", "-1", str(2**63), "99999999999999999999999", "abc", "1.5"])
def test_ids_out_of_range_are_refused_before_the_database(client: Client, worker: Any, target: str) -> None:
    for method, url in (
        ("get", f"{SEARCHES}/{target}"),
        ("delete", f"{SEARCHES}/{target}"),
        ("put", f"{BOOKMARKS}/{target}"),
        ("delete", f"{BOOKMARKS}/{target}"),
    ):
        response = _send(client, method, url)
        assert response.status_code in (404, 422), (method, url, response.status_code)


def test_a_saved_search_the_job_list_no_longer_accepts_can_still_be_silenced_and_renamed(
    client: Client, worker: Any
) -> None:
    # given her saved search of a category that has since gone (the API says valid: false)
    search = SavedSearchFactory(worker=worker, query="category=no-longer-here", alerts_on=True)
    url = f"{SEARCHES}/{search.pk}"
    assert _send(client, "get", url).json()["valid"] is False
    # when she turns its alerts off, and renames it to remember what it was
    off = _send(client, "patch", url, {"alerts_on": False})
    renamed = _send(client, "patch", url, {"name": "昔のカテゴリ"})
    # then both are done (nothing about the query changes)
    assert off.status_code == 200, off.content
    assert renamed.status_code == 200, renamed.content
    search.refresh_from_db()
    assert (search.alerts_on, search.name) == (False, "昔のカテゴリ")


def test_the_same_save_twice_keeps_one(client: Client, worker: Any) -> None:
    # when the same form is sent twice (a double click)
    body = {"name": "二度押し", "query": "beginner_welcome=on"}
    first = _send(client, "post", SEARCHES, body)
    second = _send(client, "post", SEARCHES, body)
    # then one is kept and the second says why, in Japanese
    assert first.status_code == 201
    assert second.status_code == 422 and "同じ名前" in second.json()["detail"]
    assert SavedSearch.objects.filter(worker=worker).count() == 1


def test_a_bookmark_of_another_workers_job_list_stays_hers_alone(client: Client, worker: Any) -> None:
    # given another worker's bookmark of a job
    other = BookmarkFactory()
    # when she bookmarks the same job and lists hers
    assert _send(client, "put", f"{BOOKMARKS}/{other.job_id}").status_code == 200
    listed = _send(client, "get", BOOKMARKS).json()
    # then she sees only her own, and the other worker's is untouched
    assert [b["job_id"] for b in listed] == [other.job_id]
    assert Bookmark.objects.filter(job_id=other.job_id).count() == 2


def test_a_very_long_keyword_in_a_saved_search_is_refused_not_cut(client: Client, worker: Any) -> None:
    # when the query's keyword is longer than the job list's keyword box allows
    response = _send(client, "post", SEARCHES, {"name": "長い", "query": "q=" + "あ" * 300})
    # then it is a 422 naming the keyword (a shortened search would alert on other jobs)
    assert response.status_code == 422 and "「キーワード」" in response.json()["detail"]
    # and a job that is not there any more can be bookmarked by nobody
    assert _send(client, "put", f"{BOOKMARKS}/{JobFactory().pk + 10_000}").status_code == 404

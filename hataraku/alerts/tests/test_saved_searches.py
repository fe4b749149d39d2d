"""Saving the job list's search under a name, opening, renaming and deleting it; only its owner sees it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, UserFactory
from hataraku.alerts import selectors, services
from hataraku.alerts.models import SavedSearch
from hataraku.alerts.tests.factories import SavedSearchFactory
from hataraku.core.errors import DomainError
from hataraku.core.models import AuditEvent
from hataraku.jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db

KEYWORD = "翻訳"


def test_save_the_current_search_of_the_job_list_and_open_it(client: Any, frozen_clock: Any) -> None:
    # given a worker on the job list with a keyword, a filter and the page number in the address
    worker = UserFactory()
    client.force_login(worker)
    listing = client.get(reverse("jobs:list") + f"?q={quote(KEYWORD)}&beginner_welcome=on&page=1")
    body = listing.content.decode()
    assert "この条件を保存" in body
    # when she follows 「この条件を保存」 (the page's own query string, page number and junk included)
    page = client.get(
        reverse("alerts:saved_search_new") + f"?q={quote(KEYWORD)}&beginner_welcome=on&page=2&utm=x"
    )
    # then the form says which conditions she saves, in the job list's words
    text = page.content.decode()
    assert page.status_code == 200
    assert f"キーワード: {KEYWORD}" in text and "初心者歓迎" in text
    # when she names it and saves
    response = client.post(
        reverse("alerts:saved_search_new"),
        {
            "name": "在宅の翻訳",
            "query": page.context["form"].initial["query"],
            "frequency": "immediate",
        },
    )
    # then it is kept as the search alone (no page number, nothing unknown), audited
    assert response.status_code == 302
    search = SavedSearch.objects.get(worker=worker)
    assert search.name == "在宅の翻訳"
    assert search.query == f"q={quote(KEYWORD)}&beginner_welcome=on"
    assert AuditEvent.objects.filter(action="alerts.search_saved").count() == 1
    # and her list shows it with a link that opens the job list with that search
    listing = client.get(reverse("alerts:saved_searches")).content.decode()
    assert "在宅の翻訳" in listing
    assert f'href="/jobs/?q={quote(KEYWORD)}&amp;beginner_welcome=on"' in listing
    opened = client.get(selectors.results_url(search.query))
    assert opened.status_code == 200
    assert opened.context["form"]["q"].value() == KEYWORD


def test_rename_and_a_name_already_used_is_refused_kindly(client: Any, frozen_clock: Any) -> None:
    # given two saved searches of hers
    worker = UserFactory()
    first = SavedSearchFactory(worker=worker, name="翻訳")
    SavedSearchFactory(worker=worker, name="経理")
    client.force_login(worker)
    url = reverse("alerts:saved_search", args=[first.pk])
    # when she renames the first to a new name
    response = client.post(
        url, {"name": "在宅の翻訳", "frequency": "immediate", "alerts_on": "on", "alert_in_app": "on"}
    )
    # then it is renamed
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "在宅の翻訳"
    # when she gives it the other one's name
    response = client.post(url, {"name": "経理", "frequency": "immediate"})
    # then the form says so and nothing changes
    assert response.status_code == 200
    assert "同じ名前の検索条件がすでにあります" in response.content.decode()
    first.refresh_from_db()
    assert first.name == "在宅の翻訳"


def test_alerts_on_with_no_way_to_tell_her_is_refused(client: Any, frozen_clock: Any) -> None:
    worker = UserFactory()
    search = SavedSearchFactory(worker=worker, alerts_on=False)
    client.force_login(worker)
    response = client.post(
        reverse("alerts:saved_search", args=[search.pk]),
        {"name": search.name, "frequency": "daily", "alerts_on": "on"},
    )
    assert response.status_code == 200
    assert "知らせる方法を1つ以上選んでください" in response.content.decode()
    search.refresh_from_db()
    assert search.alerts_on is False


def test_delete_asks_first_and_a_get_changes_nothing(client: Any, frozen_clock: Any) -> None:
    # given a saved search
    worker = UserFactory()
    search = SavedSearchFactory(worker=worker, name="経理")
    client.force_login(worker)
    url = reverse("alerts:saved_search_delete", args=[search.pk])
    # when she opens the delete page
    page = client.get(url)
    # then it asks, and nothing is deleted yet
    assert page.status_code == 200 and "「経理」を削除しますか" in page.content.decode()
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    # when she presses 削除する
    response = client.post(url)
    # then it is gone
    assert response.status_code == 302
    assert not SavedSearch.objects.filter(pk=search.pk).exists()


def test_another_worker_cannot_see_or_change_her_saved_searches(client: Any, frozen_clock: Any) -> None:
    # given her saved search, and another worker signed in
    search = SavedSearchFactory(name="わたしの条件")
    client.force_login(UserFactory())
    # when the other worker tries every address of it
    pages = [
        client.get(reverse("alerts:saved_search", args=[search.pk])),
        client.post(
            reverse("alerts:saved_search", args=[search.pk]), {"name": "乗っ取り", "frequency": "daily"}
        ),
        client.get(reverse("alerts:saved_search_delete", args=[search.pk])),
        client.post(reverse("alerts:saved_search_delete", args=[search.pk])),
    ]
    # then each is 404, her list is not theirs, and nothing changed
    assert [p.status_code for p in pages] == [404, 404, 404, 404]
    assert "わたしの条件" not in client.get(reverse("alerts:saved_searches")).content.decode()
    search.refresh_from_db()
    assert search.name == "わたしの条件"


@pytest.mark.parametrize("role", ["anonymous", "client"])
def test_the_pages_are_for_workers_only(client: Any, frozen_clock: Any, role: str) -> None:
    if role == "client":
        client.force_login(ClientFactory())
    for name in ("alerts:saved_searches", "alerts:saved_search_new", "alerts:bookmarks"):
        response = client.get(reverse(name))
        assert response.status_code == (302 if role == "anonymous" else 404), name


def test_a_query_the_job_list_refuses_is_not_saved(frozen_clock: Any) -> None:
    # given a category that does not exist
    worker = UserFactory()
    # when it is saved
    with pytest.raises(DomainError) as refused:
        services.saved_search_create(worker=worker, name="ない分類", query="category=no-such-category")
    # then it is refused with a kind message
    assert "保存できません" in str(refused.value)
    assert not SavedSearch.objects.exists()


def test_a_new_job_list_parameter_is_saved_and_described_without_change_here(frozen_clock: Any) -> None:
    # given a search that uses the job list's pay range (added to the job list's form, not to this app)
    worker = UserFactory()
    JobFactory(budget_min=30_000, budget_max=40_000)
    # when it is saved and read back
    search = services.saved_search_create(worker=worker, name="高い仕事", query="pay_min=25000")
    # then it is described with the form's own label and filters with the job list's own selector
    assert any("25,000" in part for part in selectors.describe(search.query) or [])
    assert selectors.filters_for(search.query) is not None
    assert selectors.filters_for(search.query).pay_min == 25_000  # type: ignore[union-attr]

"""Every alerts address, for every kind of visitor: her own pages answer her alone (another worker, a client
and staff get 404, a visitor the log-in page); the unsubscribe pages need no log-in but a valid token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, StaffFactory, UserFactory
from hataraku.alerts import services
from hataraku.alerts.tests.factories import SavedSearchFactory
from hataraku.jobs.tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_access_matrix(frozen_clock: Any, login_with_mfa: Any) -> None:
    # given her saved search, a job, and one browser per kind of visitor
    search = SavedSearchFactory()
    job = JobFactory()
    token = services.unsubscribe_token(search)
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
    own = {"owner": 200, "other worker": 404, "client": 404, "staff": 404, "anonymous": 302}
    any_worker = {**own, "other worker": 200}
    public = dict.fromkeys(own, 200)
    pages = {
        reverse("alerts:saved_searches"): any_worker,
        reverse("alerts:saved_search_new"): any_worker,
        reverse("alerts:bookmarks"): any_worker,
        reverse("alerts:saved_search", args=[search.pk]): own,
        reverse("alerts:saved_search_delete", args=[search.pk]): own,
        reverse("alerts:unsubscribe", args=[token]): public,
        reverse("alerts:unsubscribe_one_click", args=[token]): public,
        reverse("alerts:unsubscribe", args=[token + "x"]): dict.fromkeys(own, 400),
    }
    # when each opens each page, then each gets what the matrix says
    found = {(url, role): browsers[role].get(url).status_code for url in pages for role in browsers}
    expected = {(url, role): statuses[role] for url, statuses in pages.items() for role in browsers}
    assert found == expected
    # and the bookmark toggle is a POST, for workers only
    assert browsers["owner"].get(reverse("alerts:bookmark", args=[job.pk])).status_code == 405
    assert browsers["client"].post(reverse("alerts:bookmark", args=[job.pk]), {"on": "1"}).status_code == 404
    assert (
        browsers["anonymous"].post(reverse("alerts:bookmark", args=[job.pk]), {"on": "1"}).status_code == 302
    )

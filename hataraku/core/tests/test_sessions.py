"""The idle timeout is kept without writing the session row on every page view (issue 9, item 4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hataraku.accounts.tests.factories import UserFactory
from hataraku.core import sessions

pytestmark = pytest.mark.django_db


def _session_writes(client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    return len(writes), response


@pytest.fixture
def signed_in(client, frozen_clock):
    client.force_login(UserFactory())
    return client


class TestRefreshAtMostOnceAMinute:
    def test_two_gets_within_a_minute_write_the_row_once(self, signed_in, frozen_clock):
        # given a signed-in person
        dashboard = reverse("core:dashboard")

        # when she opens two pages 30 seconds apart
        first, _ = _session_writes(signed_in, dashboard)
        frozen_clock.advance(dt.timedelta(seconds=30))
        second, _ = _session_writes(signed_in, dashboard)

        # then the session row was written once (the first view refreshed it), not twice
        assert first == 1
        assert second == 0

    def test_a_get_after_a_minute_refreshes_the_expiry(self, signed_in, frozen_clock, settings):
        # given a session refreshed by a page view
        dashboard = reverse("core:dashboard")
        signed_in.get(dashboard)
        key = signed_in.session.session_key
        # (Django stores the expiry by the wall clock; the refresh decision follows the platform clock.)
        Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(seconds=5))

        # when she opens a page a minute later
        frozen_clock.advance(dt.timedelta(seconds=sessions.REFRESH_EVERY_SECONDS))
        writes, response = _session_writes(signed_in, dashboard)

        # then the row is written and the session lasts a full age again
        assert writes == 1
        assert response["X-Session-Expires-In"] == str(settings.SESSION_COOKIE_AGE)
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    def test_any_page_within_the_minute_writes_nothing(self, signed_in, frozen_clock):
        # given a session refreshed by a page view
        signed_in.get(reverse("core:dashboard"))
        frozen_clock.advance(dt.timedelta(seconds=59))

        # when she (or her browser) opens other pages within the minute
        counts = [
            _session_writes(signed_in, reverse(name))[0] for name in ("healthz", "jobs:list", "core:home")
        ]

        # then none of them writes the session row
        assert counts == [0, 0, 0]


class TestWarningKnowsTheRealExpiry:
    def test_page_carries_the_seconds_really_left(self, signed_in, frozen_clock, settings):
        # given a session refreshed 40 seconds ago
        signed_in.get(reverse("core:dashboard"))
        frozen_clock.advance(dt.timedelta(seconds=40))

        # when she opens another page
        response = signed_in.get(reverse("core:dashboard"))

        # then the warning counts down from what is really left, in the page and in the header
        left = settings.SESSION_COOKIE_AGE - 40
        assert f'data-session-timeout="{left}"' in response.content.decode()
        assert response["X-Session-Expires-In"] == str(left)

    def test_keep_alive_button_refreshes_at_once(self, signed_in, frozen_clock, settings):
        # given a session refreshed 40 seconds ago
        signed_in.get(reverse("core:dashboard"))
        frozen_clock.advance(dt.timedelta(seconds=40))

        # when she presses "ログインを続ける"
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.post(reverse("core:session_extend"))

        # then the row is written and the next page counts from the full age
        assert response.json() == {"expires_in": settings.SESSION_COOKIE_AGE}
        assert any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries.captured_queries)
        page = signed_in.get(reverse("core:dashboard"))
        assert page["X-Session-Expires-In"] == str(settings.SESSION_COOKIE_AGE)

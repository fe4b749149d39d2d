"""Issue 10 item 7: a worker can hide the summary of her week that clients see on her proposals; it then
reads 「非公開」, and she can show it again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.core.audit import AuditEvent
from hataraku.profiles import selectors
from hataraku.profiles.availability import Window, day_bands

from .factories import AvailabilityWindowFactory, ClientFactory, WorkerProfileFactory

pytestmark = pytest.mark.django_db


def test_she_hides_and_shows_her_summary_again(client):
    # given a worker with Monday 13:00–14:30
    profile: Any = WorkerProfileFactory()
    worker = profile.user
    AvailabilityWindowFactory(user=worker)
    client.force_login(worker)
    page = client.get(reverse("profiles:preferences")).content.decode()
    assert "依頼者に見せない" in page

    # when she ticks the box and saves
    response = client.post(reverse("profiles:availability_visibility"), {"availability_hidden": "on"})

    # then the summary is hidden, and the change is audited
    assert response.status_code == 302
    assert selectors.availability_summary(worker.pk).hidden
    assert AuditEvent.objects.filter(action="profiles.availability_visibility").count() == 1

    # when she unticks it
    client.post(reverse("profiles:availability_visibility"), {})

    # then hours and bands are shown again
    summary = selectors.availability_summary(worker.pk)
    assert not summary.hidden
    assert (summary.hours_label, summary.band_labels) == ("週1時間30分", ["昼"])


def test_a_client_cannot_change_a_workers_setting(client):
    # given a client
    client.force_login(ClientFactory())

    # when she posts to the worker setting
    response = client.post(reverse("profiles:availability_visibility"), {"availability_hidden": "on"})

    # then she is refused
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("start", "end", "bands"),
    [
        (dt.time(5, 0), dt.time(10, 0), ["morning"]),
        (dt.time(4, 59), dt.time(5, 0), ["night"]),
        (dt.time(9, 59), dt.time(10, 1), ["morning", "daytime"]),
        (dt.time(16, 0), dt.time(19, 0), ["evening"]),
        (dt.time(18, 0), dt.time(0, 0), ["evening", "night"]),
        (dt.time(23, 0), dt.time(6, 0), ["morning", "night"]),
    ],
)
def test_day_bands_read_only_the_times(start, end, bands):
    # given one window (crossing midnight when the end is earlier)
    window = Window(weekday=0, start=start, end=end, crosses_midnight=end < start and end != dt.time(0))

    # when the bands are worked out
    # then touching a band by a minute counts; night runs 19:00–5:00
    assert day_bands([window]) == bands

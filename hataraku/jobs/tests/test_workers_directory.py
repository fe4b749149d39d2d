"""Issue 10 item 7: clients find workers to invite in a directory (skill, prefecture, time band,
verified) instead of typing a worker ID; a worker who left the directory never appears."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.jobs.constants import JobStatus
from hataraku.profiles.tests.factories import AvailabilityWindowFactory, WorkerProfileFactory

from .factories import ClientFactory, JobFactory, verified

pytestmark = pytest.mark.django_db

URL = reverse("matching:workers")


def _worker(name: str, **profile: Any) -> Any:
    p: Any = WorkerProfileFactory(**profile)
    p.user.display_name = name
    p.user.save()
    return p.user


def test_filters_by_skill_prefecture_band_and_verified(client):
    # given three workers: a verified Nagano (20) Excel user free mornings, a Tokyo (13) designer free at
    # night, and a Nagano Excel user who hides her times
    asa = _worker("朝田", prefecture="20", skills=["Excel"])
    verified(asa)
    AvailabilityWindowFactory(user=asa, start=dt.time(8, 0), end=dt.time(9, 0))
    yoru = _worker("夜野", prefecture="13", skills=["デザイン"])
    AvailabilityWindowFactory(user=yoru, start=dt.time(21, 0), end=dt.time(23, 0))
    kage = _worker("影山", prefecture="20", skills=["Excel"], availability_hidden=True)
    AvailabilityWindowFactory(user=kage, start=dt.time(8, 0), end=dt.time(9, 0))
    client.force_login(ClientFactory())

    def names(**params: str) -> set[str]:
        html = client.get(URL, params).content.decode()
        return {n for n in ("朝田", "夜野", "影山") if n in html}

    # when the client filters
    # then each filter narrows the list; a hidden summary matches no band
    assert names() == {"朝田", "夜野", "影山"}
    assert names(skill="excel") == {"朝田", "影山"}
    assert names(prefecture="13") == {"夜野"}
    assert names(band="morning") == {"朝田"}
    assert names(band="night") == {"夜野"}
    assert names(verified="on") == {"朝田"}


def test_a_worker_who_left_the_directory_never_appears(client):
    # given a worker who left the directory through her preferences, and one who did not
    gone = _worker("去田", skills=["Excel"])
    AvailabilityWindowFactory(user=gone)
    _worker("残田", skills=["Excel"])
    client.force_login(gone)
    client.post(reverse("profiles:availability_visibility"), {"directory_hidden": "on"})
    client.force_login(ClientFactory())

    # when the client looks with any filter
    pages = [
        client.get(URL, params).content.decode()
        for params in ({}, {"skill": "Excel"}, {"band": "daytime"}, {"prefecture": "20"})
    ]

    # then she is never listed
    assert "残田" in pages[0]
    assert all("去田" not in html for html in pages)


def test_each_row_invites_to_the_clients_open_job(client):
    # given a client with a published job and a worker in the directory
    job = JobFactory(status=JobStatus.PUBLISHED)
    worker = _worker("招田")
    client.force_login(job.client)

    # when the client opens the directory
    html = client.get(URL).content.decode()

    # then the row's button leads to the invite form with her chosen
    assert f"{reverse('jobs:invite')}?worker={worker.pk}" in html
    invite = client.get(reverse("jobs:invite"), {"worker": worker.pk}).content.decode()
    assert "招田 さん" in invite


def test_workers_cannot_open_the_directory(client):
    # given a worker
    client.force_login(_worker("働田"))

    # when she opens the directory
    # then it is not found for her
    assert client.get(URL).status_code == 404

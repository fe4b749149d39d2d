"""`GET /api/me/recommendations` and `hataraku match --worker` take the job list's own filters (the parameters
of /jobs/, checked by its form), refuse a bad value with a 422 that names it, and the OpenAPI schema lists
every one of them."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from hataraku.jobs.forms import JobFilterForm
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)
from hataraku.search import services as search_services

pytestmark = pytest.mark.django_db

URL = "/api/me/recommendations"


@pytest.fixture
def worker(frozen_clock: Any) -> Any:
    person = WorkerFactory(email="yuki@example.com")
    WorkerProfileFactory(user=person, prefecture="13", skills=[])
    WorkConditionsFactory(user=person, max_hours_per_week=15)
    for day in range(5):
        AvailabilityWindowFactory(user=person, weekday=day, start=dt.time(19), end=dt.time(22))
    boss = ClientFactory()
    JobFactory(client=boss, title="初心者歓迎の翻訳", beginner_welcome=True, estimated_hours=3)
    JobFactory(client=boss, title="経験者向けの経理", beginner_welcome=False, estimated_hours=3)
    JobFactory(client=boss, title="東京で現地作業", estimated_hours=3, onsite_prefecture="13")
    search_services.index_rebuild()  # the keyword goes through the search index, as on /jobs/
    return person


def _titles(client: Any, **params: Any) -> set[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return {j["title"] for j in response.json()["jobs"]}


def test_the_job_lists_filters_narrow_her_ranked_list(client: Any, worker: Any) -> None:
    client.force_login(worker)
    # given three jobs she can do; with no filter she gets all three
    assert len(_titles(client)) == 3
    # when she asks as /jobs/ would (a tick box, a keyword, on-site work)
    # then only the matching jobs come back
    assert _titles(client, beginner_welcome="true") == {"初心者歓迎の翻訳"}
    assert _titles(client, q="経理") == {"経験者向けの経理"}
    assert _titles(client, prefecture="13") == {"東京で現地作業"}
    assert _titles(client, prefecture="remote") == {"初心者歓迎の翻訳", "経験者向けの経理"}
    assert _titles(client, beginner_welcome="true", q="経理") == set()


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"pay_min": "5000", "pay_max": "100"}, "「報酬の上限(円)」"),
        ({"category": "no-such-category"}, "「カテゴリ」"),
        ({"deadline_from": "2026-13-40"}, "「納期(この日から)」"),
        ({"prefecture": "99"}, "「作業場所」"),
        ({"q": "あ" * 201}, "「キーワード」"),
    ],
)
def test_a_value_the_job_list_refuses_is_a_422_naming_it(
    client: Any, worker: Any, params: dict[str, str], named: str
) -> None:
    client.force_login(worker)
    # when
    response = client.get(URL, params)
    # then the list is not given without the filter she asked for: 422, in Japanese, naming the field
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_filter"
    assert body["detail"].startswith("絞り込みの条件に使えない値があります。") and named in body["detail"]


def test_a_number_that_is_not_one_is_a_422(client: Any, worker: Any) -> None:
    client.force_login(worker)
    response = client.get(URL, {"pay_min": "たくさん"})
    assert response.status_code == 422 and "「pay_min」は整数" in response.json()["detail"]


def test_the_openapi_schema_lists_every_filter_of_the_job_list(client: Any) -> None:
    # when
    schema = client.get("/api/openapi.json").json()
    # then every field of the job list's form is a documented query parameter, with its label
    params = {p["name"]: p for p in schema["paths"][URL]["get"]["parameters"]}
    assert set(JobFilterForm.base_fields) <= set(params)
    assert params["beginner_welcome"]["schema"]["type"] == "boolean"
    assert "初心者歓迎" in params["beginner_welcome"]["description"]
    assert "remote" in params["prefecture"]["schema"]["enum"]


def test_match_command_takes_the_same_filters(worker: Any) -> None:
    # when the command is given a /jobs/ query string
    out = StringIO()
    call_command("match", worker="yuki@example.com", filters="beginner_welcome=on", json=True, stdout=out)
    # then it ranks only the jobs that pass
    assert [j["title"] for j in json.loads(out.getvalue())["jobs"]] == ["初心者歓迎の翻訳"]
    # and a value the form refuses stops it with the form's reason
    with pytest.raises(CommandError, match="報酬の上限"):
        call_command("match", worker="yuki@example.com", filters="pay_min=5000&pay_max=1", stdout=StringIO())

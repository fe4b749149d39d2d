"""The page, the marks, the API and the minimum-wage data, with small hand-made data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from hataraku.core import clock, wages
from hataraku.core.errors import DomainError
from hataraku.core.models import MinimumWage
from hataraku.jobs.constants import MeetingStyle
from hataraku.jobs.models import JobMeeting
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.matching.models import JobMark
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def evening_worker(frozen_clock: Any) -> Any:
    """Weekday evenings 19:00–22:00, takes calls, lives in 埼玉県."""
    worker = WorkerFactory()
    WorkerProfileFactory(user=worker, prefecture="11", skills=["WordPress"])
    WorkConditionsFactory(user=worker, max_hours_per_week=15, accepts_voice=True, accepts_video=True)
    for day in range(5):
        AvailabilityWindowFactory(user=worker, weekday=day, start=dt.time(19), end=dt.time(22))
    return worker


@pytest.fixture
def jobs(frozen_clock: Any) -> dict[str, Any]:
    client = ClientFactory()
    morning_call = JobFactory(
        client=client,
        title="朝の通話がある仕事",
        meeting_style=MeetingStyle.SCHEDULED_CALLS,
        estimated_hours=5,
    )
    JobMeeting.objects.create(
        job=morning_call, starts_at=dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC) - dt.timedelta(hours=9)
    )
    return {
        "fits": JobFactory(client=client, title="夜にできる仕事", skills=["WordPress"], estimated_hours=5),
        "morning_call": morning_call,
        "too_big": JobFactory(client=client, title="大きすぎる仕事", estimated_hours=200),
    }


def test_the_page_lists_what_she_can_do_and_hides_the_rest(
    client: Any, evening_worker: Any, jobs: Any
) -> None:
    # given
    client.force_login(evening_worker)
    # when
    response = client.get(reverse("matching:for_you"))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "夜にできる仕事" in body
    assert "あなたのスキル(WordPress)を求めています" in body
    assert "埼玉県の最低賃金 1,141円(2025年度の表)" in body
    assert "朝の通話がある仕事" not in body and "大きすぎる仕事" not in body
    assert "難しい仕事が2件あり" in body


def test_one_switch_shows_the_rest_with_reasons(client: Any, evening_worker: Any, jobs: Any) -> None:
    client.force_login(evening_worker)
    body = client.get(reverse("matching:for_you") + "?all=1").content.decode()
    assert "打ち合わせ(平日10:00)があなたの時間帯の外です" in body
    assert "必要: 200時間" in body
    # feasible first
    assert body.index("夜にできる仕事") < body.index("朝の通話がある仕事")


def test_can_do_anyway_ranks_it_as_feasible_and_not_interested_hides_it(
    client: Any, evening_worker: Any, jobs: Any
) -> None:
    client.force_login(evening_worker)
    url = reverse("matching:for_you")
    # when she says she can do the morning-call job anyway
    response = client.post(reverse("matching:mark", args=[jobs["morning_call"].pk]), {"kind": "can_do"})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    # then it is in her default list, and still says why it looked impossible
    assert "朝の通話がある仕事" in body and "あなたが「それでもできる」と選んだ仕事です" in body
    # when she marks the fitting job 「興味なし」, it leaves even the full list
    client.post(reverse("matching:mark", args=[jobs["fits"].pk]), {"kind": "not_interested"})
    assert "夜にできる仕事" not in client.get(url + "?all=1").content.decode()
    assert JobMark.objects.filter(worker=evening_worker).count() == 2
    # and taking the mark back brings it home
    client.post(reverse("matching:mark", args=[jobs["fits"].pk]), {"kind": ""})
    assert "夜にできる仕事" in client.get(url).content.decode()


def test_marks_are_post_only_and_only_on_open_jobs(client: Any, evening_worker: Any, jobs: Any) -> None:
    client.force_login(evening_worker)
    mark = reverse("matching:mark", args=[jobs["fits"].pk])
    assert client.get(mark).status_code == 405
    assert client.post(reverse("matching:mark", args=[999999]), {"kind": "can_do"}).status_code == 404
    assert client.post(mark, {"kind": "bogus"}).status_code == 404
    assert not JobMark.objects.exists()


def test_clients_get_404(client: Any, jobs: Any) -> None:
    client.force_login(ClientFactory())
    assert client.get(reverse("matching:for_you")).status_code == 404


def test_api_recommendations(client: Any, evening_worker: Any, jobs: Any) -> None:
    client.force_login(evening_worker)
    data = client.get("/api/me/recommendations?show_all=true").json()
    first = data["jobs"][0]
    assert first["title"] == "夜にできる仕事"
    assert first["feasibility"] == "can" and first["feasibility_label"] == "できる"
    assert first["minimum_wage"]["amount_yen"] == 1141 and first["minimum_wage"]["fiscal_year"] == 2025
    assert first["effective_hourly_min_yen"] == 2000
    reasons = {j["title"]: j["reason"] for j in data["jobs"]}
    assert reasons["朝の通話がある仕事"] == "打ち合わせ(平日10:00)があなたの時間帯の外です"


def test_api_needs_a_worker(client: Any) -> None:
    assert client.get("/api/me/recommendations").status_code in (401, 403)
    client.force_login(ClientFactory())
    assert client.get("/api/me/recommendations").status_code == 404


# --- minimum wages as data ---------------------------------------------------------------------------


def test_the_fy2025_table_is_shipped() -> None:
    rows = MinimumWage.objects.filter(fiscal_year=2025)
    assert rows.count() == 48
    assert rows.get(prefecture="13").amount == 1226
    assert rows.get(prefecture="00").amount == 1121
    # the migration's frozen copy matches the table in hataraku.core.wages
    shipped = {(r.prefecture, r.amount, r.effective_from.isoformat()) for r in rows}
    assert shipped == set(wages.FY2025)


def test_before_a_new_amount_takes_effect_the_previous_one_applies() -> None:
    # given a FY2026 amount for 東京都 from 2026-10-01
    MinimumWage.objects.create(
        prefecture="13", fiscal_year=2026, amount=1300, effective_from=dt.date(2026, 10, 1), source="test"
    )
    assert wages.floor_for("13", dt.date(2026, 9, 30)).amount == 1226  # type: ignore[union-attr]
    later = wages.floor_for("13", dt.date(2026, 10, 1))
    assert later is not None and later.amount == 1300 and later.fiscal_year == 2026
    # and before the FY2025 date no earlier figure is stored: None, never a guess
    assert wages.floor_for("05", dt.date(2026, 3, 30)) is None
    # and no prefecture means the national weighted average
    national = wages.floor_for("", dt.date(2026, 1, 1))
    assert national is not None and national.amount == 1121 and national.label().startswith("全国加重平均")


def test_a_years_table_loads_from_csv_with_its_source(tmp_path: Any) -> None:
    from django.core.management import call_command

    lines = ["都道府県,金額,発効日"] + [f"{code:02d},{1200 + code},2026-10-01" for code in range(1, 48)]
    path = tmp_path / "fy2026.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("minimum_wages", "load", str(path), "--fiscal-year", "2026", "--source", "厚労省 2026")
    row = MinimumWage.objects.get(prefecture="13", fiscal_year=2026)
    assert row.amount == 1213 and row.source == "厚労省 2026"


def test_a_partial_table_is_refused() -> None:
    rows = wages.parse_csv("13,1300,2026-10-01\n")
    with pytest.raises(DomainError):
        wages.minimum_wages_load(fiscal_year=2026, rows=rows, source="x")
    with pytest.raises(DomainError):
        wages.parse_csv("13,1300,2026-10-01\n東京,abc,2026-10-01\n")
    assert wages.prefecture_code("東京") == "13" and wages.prefecture_code("北海道") == "01"


def test_the_page_costs_the_same_statements_for_3_or_12_jobs(client: Any, evening_worker: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(evening_worker)
    url = reverse("matching:for_you") + "?all=1"
    for _ in range(3):
        JobFactory(client=ClientFactory(), estimated_hours=2)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(9):
        job = JobFactory(
            client=ClientFactory(), meeting_style=MeetingStyle.SCHEDULED_CALLS, estimated_hours=2
        )
        JobMeeting.objects.create(job=job, starts_at=clock.now() + dt.timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count('class="card job-card match-card') == 12
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]

"""Work on site as a feasibility rule (issue 11): a job with work on site in 高知県 is not 「できる」 for a
worker in 東京都 — in the pure rule, in her list (both ways of reading it), in the tier bound, in the
client's ranked directory and in `match eval`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from hataraku.core import clock
from hataraku.core.clock import TOKYO
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.models import Job
from hataraku.jobs.tests.factories import ClientFactory, JobFactory
from hataraku.matching import bounds, columns, selectors
from hataraku.matching.constants import MarkKind
from hataraku.matching.evaluation import run
from hataraku.matching.feasibility import JobNeeds, Slot, Verdict, WorkerCalendar, WorkerTime, assess
from hataraku.matching.models import JobMark
from hataraku.profiles.tests.factories import (
    AvailabilityWindowFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)  # Tuesday
TOKYO_CODE, KOCHI = "13", "39"
AWAY = "現地(高知県)での作業があります。お住まいの地域と違います"
UNSURE = "現地(高知県)での作業があります。お住まいの都道府県をプロフィールに登録すると、通えるかどうかを判断できます"
EVENINGS = tuple(Slot(d, dt.time(19), dt.time(22)) for d in range(5))


def needs(hours: int = 5, days: int = 14, onsite: str = "") -> JobNeeds:
    return JobNeeds(
        effort_minutes=hours * 60, deadline=NOW.date() + dt.timedelta(days=days), onsite_prefecture=onsite
    )


# --- the rule itself (pure) ------------------------------------------------------------------------------


def test_on_site_in_another_prefecture_is_cannot_and_names_the_place() -> None:
    # given a worker in 東京都 with ample evenings, and a small job done on site in 高知県
    worker = WorkerTime(windows=EVENINGS, prefecture=TOKYO_CODE)
    # when
    result = assess(worker, needs(onsite=KOCHI), NOW)
    # then she cannot, and the first reason says where, before the time she would have had
    assert result.verdict == Verdict.CANNOT
    assert result.reasons[0] == AWAY
    assert result.reasons[-1].startswith("締切までに使える時間:")


def test_on_site_where_she_lives_is_like_remote_work() -> None:
    # given the same job and a worker who lives in 高知県
    worker = WorkerTime(windows=EVENINGS, prefecture=KOCHI)
    # when / then: only the time decides, as for a remote job
    assert assess(worker, needs(onsite=KOCHI), NOW) == assess(worker, needs(), NOW)
    assert assess(worker, needs(onsite=KOCHI), NOW).verdict == Verdict.CAN


def test_a_remote_job_does_not_care_where_she_lives() -> None:
    assert assess(WorkerTime(windows=EVENINGS, prefecture=TOKYO_CODE), needs(), NOW).verdict == Verdict.CAN
    assert assess(WorkerTime(windows=EVENINGS), needs(), NOW).verdict == Verdict.CAN


def test_without_her_prefecture_an_on_site_job_is_at_most_tight_and_asks_her_to_set_it() -> None:
    # given a worker who has not said where she lives, with time enough for the job
    worker = WorkerTime(windows=EVENINGS)
    # when
    result = assess(worker, needs(onsite=KOCHI), NOW)
    # then it is shown (ぎりぎり, not hidden), with a reason telling her what to do
    assert result.verdict == Verdict.TIGHT and result.feasible
    assert result.reasons == (UNSURE, result.reasons[1])
    # and when there is not even the time, it is できない and still says both
    short = assess(worker, needs(hours=200, onsite=KOCHI), NOW)
    assert short.verdict == Verdict.CANNOT and short.reasons[0] == UNSURE


def test_the_place_is_named_in_the_readers_language() -> None:
    from django.utils import translation

    with translation.override("en"):
        reason = assess(WorkerTime(windows=EVENINGS, prefecture=TOKYO_CODE), needs(onsite=KOCHI), NOW).reason
    assert "Kochi" in reason


# --- her list: the page, the API, both ways of reading -------------------------------------------------


@pytest.fixture
def scene(db: Any, frozen_clock: Any) -> dict[str, Any]:
    boss = ClientFactory()

    def evening_worker(prefecture: str) -> Any:
        worker = WorkerFactory()
        WorkerProfileFactory(user=worker, prefecture=prefecture, skills=[])
        WorkConditionsFactory(user=worker, max_hours_per_week=15)
        for day in range(5):
            AvailabilityWindowFactory(user=worker, weekday=day, start=dt.time(19), end=dt.time(22))
        return worker

    return {
        "tokyo": evening_worker(TOKYO_CODE),
        "nowhere": evening_worker(""),
        "remote": JobFactory(client=boss, title="在宅の仕事", estimated_hours=5),
        "kochi": JobFactory(client=boss, title="高知で現地作業", estimated_hours=5, onsite_prefecture=KOCHI),
        "in_tokyo": JobFactory(
            client=boss, title="東京で現地作業", estimated_hours=5, onsite_prefecture=TOKYO_CODE
        ),
    }


@pytest.mark.parametrize("in_memory", [False, True])
def test_her_list_hides_on_site_work_elsewhere_and_explains_it_when_asked(
    scene: dict[str, Any], in_memory: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a worker in 東京都 and three jobs: remote, on site in 東京都, on site in 高知県
    monkeypatch.setattr(columns, "IN_MEMORY_FROM", 0 if in_memory else 10**9)
    columns.forget()
    worker = scene["tokyo"]
    # when she opens her list
    result = selectors.recommendations_for(worker, limit=20)
    # then 高知 is left out and counted among the jobs she cannot do
    assert {r.job.title for r in result.items} == {"在宅の仕事", "東京で現地作業"}
    assert result.hidden_cannot == 1 and not result.hidden_cannot_more
    # when she asks to see every job, it is there, last, with the place in its reason
    every = selectors.recommendations_for(worker, show_all=True, limit=20)
    assert every.items[-1].job.title == "高知で現地作業"
    assert every.items[-1].feasibility.verdict == Verdict.CANNOT
    assert every.items[-1].feasibility.reason == AWAY


def test_the_tier_bound_says_certainly_cannot_for_work_elsewhere_only(scene: dict[str, Any]) -> None:
    # given her calendar, as recommendations_for builds it
    worker = scene["tokyo"]
    today = NOW.date()
    calendar = WorkerCalendar(worker=selectors.worker_time(worker, today=today), now=NOW)
    # when the database works out the tier bound
    bounded = bounds.with_tier_bound(
        job_selectors.job_list(viewer=worker), calendar=calendar, today=today, can_do=[]
    )
    tiers = dict(bounded.values_list("title", "tier_lb"))  # type: ignore[misc]  # an annotation
    # then 高知 is 2 (certain); the others stay at most their real tier (0: できる)
    assert tiers == {"在宅の仕事": 0, "東京で現地作業": 0, "高知で現地作業": 2}
    # and for a worker who named no prefecture nothing is certain: the bound stays 0
    nowhere = WorkerCalendar(worker=selectors.worker_time(scene["nowhere"], today=today), now=NOW)
    bounded = bounds.with_tier_bound(Job.objects.all(), calendar=nowhere, today=today, can_do=[])
    assert set(bounded.values_list("tier_lb", flat=True)) == {0}  # type: ignore[misc]  # an annotation


def test_without_her_prefecture_on_site_jobs_come_after_those_she_surely_can_do(
    scene: dict[str, Any],
) -> None:
    # given a worker who has not said where she lives
    # when
    result = selectors.recommendations_for(scene["nowhere"], limit=20)
    # then every job is shown, the remote one first; the on-site ones are ぎりぎり and say what to do
    titles = [r.job.title for r in result.items]
    assert titles[0] == "在宅の仕事" and len(titles) == 3
    onsite = {r.job.title: r.feasibility for r in result.items[1:]}
    assert onsite["高知で現地作業"].verdict == Verdict.TIGHT
    assert onsite["高知で現地作業"].reason == UNSURE


def test_can_do_anyway_overrides_the_place(scene: dict[str, Any]) -> None:
    # given she says she can do the 高知 job anyway (she will travel)
    JobMark.objects.create(worker=scene["tokyo"], job=scene["kochi"], kind=MarkKind.CAN_DO, created_at=NOW)
    # when
    result = selectors.recommendations_for(scene["tokyo"], limit=20)
    # then it is in her list, ranked as feasible, and still says why it looked impossible
    item = next(r for r in result.items if r.job.pk == scene["kochi"].pk)
    assert item.feasibility.overridden and item.feasibility.reason == AWAY


def test_the_api_carries_the_reason(client: Any, scene: dict[str, Any]) -> None:
    client.force_login(scene["tokyo"])
    data = client.get("/api/me/recommendations", {"show_all": "true"}).json()
    kochi = next(j for j in data["jobs"] if j["title"] == "高知で現地作業")
    assert kochi["feasibility"] == "cannot" and kochi["reason"] == AWAY


# --- the client's ranked directory ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_directory_ranks_workers_who_live_there_first_and_says_why_not_the_others(
    client: Any, frozen_clock: Any
) -> None:
    # given a client's job on site in 高知県 and two workers with the same skills and time, in 東京 and 高知
    boss = ClientFactory()
    job = JobFactory(
        client=boss,
        skills=["Excel"],
        estimated_hours=5,
        deadline=clock.today() + dt.timedelta(days=14),
        onsite_prefecture=KOCHI,
    )
    for name, prefecture in (("東京の人", TOKYO_CODE), ("高知の人", KOCHI)):
        user = WorkerFactory(display_name=name)
        WorkerProfileFactory(user=user, skills=["Excel"], prefecture=prefecture)
        for day in range(5):
            AvailabilityWindowFactory(user=user, weekday=day, start=dt.time(19), end=dt.time(22))
    client.force_login(boss)
    # when she ranks the directory for that job
    body = client.get(reverse("matching:workers"), {"job": job.pk}).content.decode()
    # then the worker in 高知 comes first; the other's card says the place differs, not her time
    assert body.index("高知の人") < body.index("東京の人")
    assert "現地での作業がある都道府県と、お住まいの地域が違います" in body
    assert "締切までの時間が足りないかもしれません" not in body


# --- match eval ------------------------------------------------------------------------------------------


def _lines(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_match_eval_reads_the_job_lines_prefecture(tmp_path: Path) -> None:
    # given a job on site in 高知県 (by name) and one in 東京都 (by code), and two workers
    jobs = _lines(
        tmp_path / "jobs.jsonl",
        [
            {"id": "kochi", "title": "高知で現地作業", "effort_hours": 2, "prefecture": "高知県"},
            {"id": "tokyo", "title": "東京で現地作業", "effort_hours": 2, "prefecture": "13"},
        ],
    )
    windows = [{"weekday": d, "start": "19:00", "end": "22:00"} for d in range(5)]
    workers = _lines(
        tmp_path / "workers.jsonl",
        [{"id": "w-tokyo", "prefecture": "東京都", "windows": windows}, {"id": "w-none", "windows": windows}],
    )
    # when
    out = run(jobs_path=jobs, workers_path=workers, now=NOW, top=10, show_all=True)
    # then the worker in 東京 can do the 東京 job only; the one with no prefecture gets ぎりぎり for both
    by_worker = {w["worker"]: {j["job_id"]: j for j in w["jobs"]} for w in out["workers"]}
    assert by_worker["w-tokyo"]["tokyo"]["feasibility"] == "can"
    assert by_worker["w-tokyo"]["kochi"]["feasibility"] == "cannot"
    assert by_worker["w-tokyo"]["kochi"]["reason"] == AWAY
    assert {j["feasibility"] for j in by_worker["w-none"].values()} == {"tight"}


@pytest.mark.django_db
def test_match_eval_refuses_a_prefecture_it_does_not_know(tmp_path: Path) -> None:
    jobs = _lines(tmp_path / "jobs.jsonl", [{"id": "x", "title": "どこか", "prefecture": "火星"}])
    workers = _lines(tmp_path / "workers.jsonl", [{"id": "w"}])
    with pytest.raises(ValueError, match="火星"):
        run(jobs_path=jobs, workers_path=workers, now=NOW, top=10)

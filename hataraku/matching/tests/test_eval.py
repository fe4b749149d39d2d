"""`hataraku match eval`: the corpus loader and the ranking it runs (on the test database; the command
itself wraps this in a throw-away database)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hataraku.core.clock import TOKYO
from hataraku.matching.evaluation import run

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO)


def test_eval_ranks_each_worker_with_the_site_code() -> None:
    # given four jobs and three workers (tests/data/*.jsonl)
    # when
    out = run(
        jobs_path=DATA / "jobs.jsonl", workers_path=DATA / "workers.jsonl", now=NOW, top=10, show_all=True
    )
    # then
    by_worker = {w["worker"]: {j["job_id"]: j for j in w["jobs"]} for w in out["workers"]}
    evening = by_worker["w-evening"]
    assert evening["j1"]["feasibility"] == "cannot"
    assert evening["j1"]["reason"] == "打ち合わせ(平日10:00)があなたの時間帯の外です"
    five = by_worker["w-five"]
    assert five["j2"]["feasibility"] == "cannot" and five["j2"]["reason"].endswith("/ 必要: 40時間")
    # to Tue Dec 22: week 1 Tue/Thu/Fri (Wed is her day off) = 3 h; then 5 h a week less 1 h committed
    # = 4 h, 4 h; and Mon–Tue of the last week = 2 h
    assert five["j3"]["available_minutes"] == (3 + 4 + 4 + 2) * 60
    assert five["j3"]["minimum_wage"]["prefecture"] == "01"
    assert five["j4"]["below_minimum_wage"] is True
    night = by_worker["w-night"]
    # Friday 22:00–翌2:00 only, to Dec 20: Dec 4, 11, 18 → 12 h
    assert night["j4"]["available_minutes"] == 12 * 60
    # and the fairly paid job comes before the one under the minimum wage; the ones she cannot do last
    assert [j["job_id"] for j in out["workers"][0]["jobs"]] == ["j3", "j4", "j1", "j2"]


def test_eval_top_n_and_hidden() -> None:
    out = run(jobs_path=DATA / "jobs.jsonl", workers_path=DATA / "workers.jsonl", now=NOW, top=1)
    for worker in out["workers"]:
        assert len(worker["jobs"]) <= 1
        assert all(j["feasibility"] != "cannot" for j in worker["jobs"])
    assert out["workers"][1]["hidden_cannot"] >= 2

from __future__ import annotations

import pytest

from hataraku.core import periodic

pytestmark = pytest.mark.django_db


def test_every_periodic_job_runs_and_reports(frozen_clock):
    # given nothing is due / when the tick runs
    results = periodic.run_all()
    # then every job ran and reported a real result (no job errored)
    assert set(results) == set(periodic.JOBS)
    assert "error" not in results.values()


def test_one_failing_job_does_not_stop_the_others(monkeypatch):
    # given a job that raises before a job that works
    calls: list[str] = []

    def ok() -> str:
        calls.append("ok")
        return "fine"

    import types

    fake = types.ModuleType("hataraku_fake_periodic")
    fake.boom = lambda: 1 / 0  # type: ignore[attr-defined]
    fake.ok = ok  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "hataraku_fake_periodic", fake)
    monkeypatch.setattr(periodic, "JOBS", ["hataraku_fake_periodic.boom", "hataraku_fake_periodic.ok"])
    # when the tick runs
    results = periodic.run_all()
    # then the failure is reported and the next job still ran
    assert results == {"hataraku_fake_periodic.boom": "error", "hataraku_fake_periodic.ok": "fine"}
    assert calls == ["ok"]

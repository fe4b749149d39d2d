"""Background work really runs on Redis/RQ (issue 9, item 1).

The real-worker tests talk to the Redis named by REDIS_URL (CI's PostgreSQL leg sets
redis://127.0.0.1:6379/15) and start `manage.py rqworker --burst` as a separate process, which opens the
same test database. Each pytest-xdist worker uses a queue of its own, so parallel tests never take each
other's jobs. Without REDIS_URL (or without the `rq` extra) they are skipped; the settings and `serve`
tests below them run everywhere.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import runpy
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from hataraku.accounts.tests.factories import UserFactory
from hataraku.core import clock
from hataraku.core import notifications as notices
from hataraku.core.management.commands.hataraku_serve import helper_commands, stop_helpers
from hataraku.messaging import tasks as messaging_tasks
from hataraku.messaging.constants import EmailMode
from hataraku.messaging.models import Notification, NotificationPreference
from hataraku.messaging.notices import MESSAGE_RECEIVED

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("REDIS_URL", "")
HAS_RQ = importlib.util.find_spec("django_tasks_rq") is not None

# Skipped only when no Redis is named. With REDIS_URL set, a missing `rq` extra or a Redis that does not
# answer fails the test: CI's PostgreSQL leg must never pass by quietly skipping the real workers.
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="needs REDIS_URL (CI's PostgreSQL leg sets it)")
needs_rq_extra = pytest.mark.skipif(not HAS_RQ, reason="needs the rq extra (`uv sync --extra rq`)")


def _database_url() -> str:
    """The test database as a DATABASE_URL, for a process started from this test (base.py parses it)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class RQ:
    """One test's queue on the real Redis, and a way to run a real worker on it."""

    name: str

    @property
    def queue(self) -> Any:
        import django_rq

        return django_rq.get_queue(self.name)

    def worker_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "HATARAKU_TEST_RQ_QUEUE": self.name,
            "REDIS_URL": REDIS_URL,
            "DATABASE_URL": _database_url(),
        }

    def run_worker_burst(self) -> subprocess.CompletedProcess[str]:
        """A real RQ worker, in its own process: it runs every job waiting in the queue, then exits."""
        return subprocess.run(
            [sys.executable, "-m", "django", "rqworker", "--burst", self.name],
            env=self.worker_env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,  # only so that a broken worker fails the test instead of hanging it
            check=False,
        )

    def finished_ids(self) -> list[str]:
        return list(self.queue.finished_job_registry.get_job_ids())

    def failed_ids(self) -> list[str]:
        return list(self.queue.failed_job_registry.get_job_ids())

    def scheduled_ids(self) -> list[str]:
        return list(self.queue.scheduled_job_registry.get_job_ids())


@pytest.fixture
def rq(settings: Any, monkeypatch: pytest.MonkeyPatch, worker_id: str) -> Iterator[RQ]:
    """This process's tasks go to RQ, on a queue named after the xdist worker (plus a random part, so two
    test runs sharing one Redis do not meet either); the real e-mail task is pointed at it."""
    if not HAS_RQ:
        pytest.fail("REDIS_URL is set but the rq extra is not installed: `uv sync --extra rq` (make sync)")
    name = f"hataraku-test-{worker_id}-{uuid.uuid4().hex[:8]}"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [name]}}
    # RQ_QUEUES names "default" only because django-tasks-rq reads results through its connection; a task
    # sent there by mistake is refused, since TASKS lists this test's queue alone.
    settings.RQ_QUEUES = {name: {"URL": REDIS_URL}, "default": {"URL": REDIS_URL}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    task = messaging_tasks.notification_email_send
    monkeypatch.setattr(messaging_tasks, "notification_email_send", task.using(queue_name=name))
    handle = RQ(name=name)
    try:
        yield handle
    finally:
        from rq.job import Job

        queue = handle.queue
        registries = (queue.finished_job_registry, queue.failed_job_registry, queue.scheduled_job_registry)
        job_ids = {*queue.job_ids, *(job_id for r in registries for job_id in r.get_job_ids())}
        for job_id in job_ids:
            Job(job_id, connection=queue.connection).delete()
        queue.delete(delete_jobs=True)  # the queue, and its name in RQ's list of queues
        for key in queue.connection.scan_iter(f"*{name}*"):
            queue.connection.delete(key)


def _notify(user: Any) -> None:
    notices.notify(user=user, code=MESSAGE_RECEIVED, params={"name": "山田", "subject": "納品について"})


class Boom(Exception):
    pass


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_on_commit_is_run_by_a_real_rq_worker(rq: RQ) -> None:
    # given a person who takes e-mail at once (no quiet hours, no digest)
    user = UserFactory()
    # when a notice about her commits
    with transaction.atomic():
        _notify(user)
        # (nothing is queued while the transaction is open: the worker could not see the row yet)
        assert rq.queue.count == 0
    # then the e-mail task waits in this test's RQ queue, and nothing was sent in this process
    assert rq.queue.count == 1
    [job_id] = rq.queue.job_ids
    assert list(rq.queue.fetch_job(job_id).args) == [user.pk]
    notification = Notification.objects.get(user=user)
    assert notification.emailed_at is None
    # when a real RQ worker process runs the queue
    worker = rq.run_worker_burst()
    # then it ran the task against the test database and succeeded: the notice is marked e-mailed ...
    assert worker.returncode == 0, worker.stderr
    assert rq.finished_ids() == [job_id]
    assert rq.failed_ids() == []
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    # ... by the worker: django-tasks reads the result back from Redis (one e-mail sent), and this process
    # sent nothing itself
    result = messaging_tasks.notification_email_send.get_backend().get_result(job_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 1
    assert mail.outbox == []


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_transaction_rolls_back_is_never_run(rq: RQ) -> None:
    # given two people
    ann, ben = UserFactory(), UserFactory()
    # when a notice to Ann is rolled back with the change that caused it, and a notice to Ben commits
    with pytest.raises(Boom), transaction.atomic():
        _notify(ann)
        raise Boom
    with transaction.atomic():
        _notify(ben)
    # then only Ben's e-mail reached the queue
    assert [list(rq.queue.fetch_job(job_id).args) for job_id in rq.queue.job_ids] == [[ben.pk]]
    # when a real worker runs everything queued
    worker = rq.run_worker_burst()
    # then it ran exactly Ben's task, and nothing about Ann ever existed or ran
    assert worker.returncode == 0, worker.stderr
    assert [list(rq.queue.fetch_job(job_id).args) for job_id in rq.finished_ids()] == [[ben.pk]]
    assert rq.failed_ids() == []
    assert rq.queue.count == 0
    assert not Notification.objects.filter(user=ann).exists()
    assert Notification.objects.get(user=ben).emailed_at is not None


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_an_email_held_for_later_waits_in_rqs_schedule_until_it_is_due(rq: RQ) -> None:
    # given a person who takes a daily digest at an hour still ahead of us
    user = UserFactory()
    digest_at = (clock.now().astimezone(clock.TOKYO) + dt.timedelta(hours=2)).replace(
        minute=0, second=0, microsecond=0
    )
    NotificationPreference.objects.create(
        user=user, email_mode=EmailMode.DAILY_DIGEST, digest_hour=digest_at.hour
    )
    # when a notice about her commits
    with transaction.atomic():
        _notify(user)
    # then the e-mail task is not in the queue but in RQ's schedule, due at her digest hour ...
    assert rq.queue.count == 0
    [job_id] = rq.scheduled_ids()
    scheduled = rq.queue.scheduled_job_registry.get_scheduled_time(rq.queue.fetch_job(job_id))
    assert scheduled == digest_at.astimezone(dt.UTC)
    # ... so a worker running now sends nothing (the worker's scheduler moves it into the queue when due)
    worker = rq.run_worker_burst()
    assert worker.returncode == 0, worker.stderr
    assert rq.finished_ids() == []
    assert Notification.objects.get(user=user).emailed_at is None


@needs_redis
def test_serve_stops_a_running_rq_worker_cleanly_on_sigterm(rq: RQ) -> None:
    # given the RQ worker `hataraku serve` starts under TASKS_BACKEND=rq, on this test's queue
    from rq import Worker

    [worker_command, _tick] = helper_commands(backend="rq", task_workers=1)
    worker_command[-1] = rq.name
    # (-v 2 makes RQ log when it waits for jobs, which it does only once its signal handlers are in place)
    proc = subprocess.Popen(
        [*worker_command, "-v", "2"],
        env=rq.worker_env(),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
    )
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "Worker" in line and "*** Listening on" in line:
                break
        else:
            pytest.fail("the RQ worker did not start")
        assert [w.pid for w in Worker.all(queue=rq.queue)] == [proc.pid]
        # when serve stops its helpers (as on SIGTERM or Ctrl+C)
        stop_helpers([proc], grace=60)
        # then the worker shut down warmly, by itself, and left Redis's list of workers
        assert proc.returncode == 0
        assert Worker.all(queue=rq.queue) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


# --- settings and `serve`, on every leg ---------------------------------------------------------------


def _load_base(monkeypatch: pytest.MonkeyPatch, **environ: str | None) -> dict[str, Any]:
    for name, value in environ.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings" / "base.py"))


def test_rq_without_redis_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # when the settings load with TASKS_BACKEND=rq and no REDIS_URL / then the start stops, saying why,
    # instead of queueing the work in the database behind the operator's back
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND=rq needs REDIS_URL"):
        _load_base(monkeypatch, TASKS_BACKEND="rq", REDIS_URL=None)


def test_an_unknown_tasks_backend_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    # a typo stops the start too ...
    with pytest.raises(ImproperlyConfigured, match="TASKS_BACKEND='redis' is not known"):
        _load_base(monkeypatch, TASKS_BACKEND="redis", REDIS_URL="redis://127.0.0.1:6379/0")
    # ... while the names of the database queue that earlier documentation used keep working
    for name in ("", "db", "database", " Database "):
        assert _load_base(monkeypatch, TASKS_BACKEND=name, REDIS_URL=None)["TASKS_BACKEND"] == "db"


@needs_rq_extra
def test_rq_with_redis_runs_tasks_on_rq_and_keeps_the_cache_on_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    # when the settings load with TASKS_BACKEND=rq and a REDIS_URL
    loaded = _load_base(
        monkeypatch, TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/3", REDIS_CACHE_URL=None
    )
    # then tasks go to RQ, whose worker command and job class are installed
    assert loaded["TASKS"]["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert loaded["RQ_QUEUES"] == {"default": {"URL": "redis://127.0.0.1:6379/3", "DEFAULT_TIMEOUT": 300}}
    assert loaded["RQ"] == {"JOB_CLASS": "django_tasks_rq.Job"}
    assert {"django_rq", "django_tasks_rq"} <= set(loaded["INSTALLED_APPS"])
    # and the cache is Redis, as it is under the database queue with the same REDIS_URL
    assert loaded["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    db_loaded = _load_base(monkeypatch, TASKS_BACKEND=None, REDIS_URL="redis://127.0.0.1:6379/3")
    assert db_loaded["TASKS"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert db_loaded["CACHES"] == loaded["CACHES"]
    assert "django_rq" not in db_loaded["INSTALLED_APPS"]


def test_serve_starts_the_worker_of_the_configured_backend_and_the_tick_under_both() -> None:
    django = [sys.executable, "-m", "django"]
    tick = [*django, "hataraku_tick", "--loop", "60"]
    # under RQ: RQ workers (with the scheduler that releases held e-mail when due), and the tick
    assert helper_commands(backend="rq", task_workers=2) == [
        [*django, "rqworker", "--with-scheduler", "default"],
        [*django, "rqworker", "--with-scheduler", "default"],
        tick,
    ]
    # under the database queue: db_worker, and the same tick
    assert helper_commands(backend="db", task_workers=1) == [[*django, "db_worker"], tick]

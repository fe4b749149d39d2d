from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GUNICORN_CONFIG = settings.BASE_DIR / "config" / "gunicorn.py"


class Command(BaseCommand):
    help = "Migrate, collect static files, compile translations, load demo data on first run, then serve."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="gunicorn worker processes (default: WEB_CONCURRENCY, else 2 × cores + 1; config/gunicorn.py)",
        )
        parser.add_argument("--no-demo", action="store_true", help="do not load demo data on first run")
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start the background workers and the minute tick"
        )
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("HATARAKU_TASK_WORKERS", "1")),
            help="background task worker processes (db_worker or rqworker, per TASKS_BACKEND; default 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.TASKS_BACKEND == "rq":
            # First: even the demo data enqueues e-mail, so nothing below works without Redis.
            check_redis()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("hataraku_compilemessages", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not get_user_model().objects.exists():
            self.stdout.write("First run: loading the demo data…")
            call_command("hataraku_demo")
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Hataraku is running at {url}"))
        self.stdout.write("Demo log-ins: README.md § Demo accounts, or `uv run hataraku demo --accounts`.")
        if not options["no_worker"]:
            self.stdout.write(
                f"Background work: {options['task_workers']} × {TASK_WORKER_NAMES[settings.TASKS_BACKEND]}"
                " and the minute tick."
            )
        self.stdout.write("Press Ctrl+C to stop.")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        helpers: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            # Background tasks (e-mail, notifications) run beside the web server, and a tick every minute
            # does what time makes due (auto-acceptance, e-mail held back by quiet hours). Each helper gets
            # its own process group, so Ctrl+C in the terminal reaches only us and we stop them in order
            # (a second signal would make RQ abandon the job it is running).
            commands = helper_commands(backend=settings.TASKS_BACKEND, task_workers=options["task_workers"])
            helpers.extend(subprocess.Popen(command, env=env, process_group=0) for command in commands)
        gunicorn = gunicorn_command(host=options["host"], port=options["port"], workers=options["workers"])
        # `kill` (SIGTERM) stops everything too, not only Ctrl+C: leaving the worker and the tick running
        # after the server is gone would keep sending e-mail from a platform nobody can open.
        try:
            run_until_stopped(gunicorn, env=env)
        finally:
            stop_helpers(helpers)


TASK_WORKER_NAMES = {"db": "db_worker (database queue)", "rq": "rqworker (Redis/RQ)"}


def helper_commands(*, backend: str, task_workers: int) -> list[list[str]]:
    """The processes `serve` runs beside gunicorn: `task_workers` task workers for the configured
    backend, and one minute tick. The tick runs under either backend: it calls the periodic jobs itself
    (core/periodic.py), so what time makes due never waits on a queue."""
    django = [sys.executable, "-m", "django"]
    if backend == "rq":
        # The scheduler moves deferred tasks (an e-mail held until quiet hours end) into the queue when
        # due; RQ lets one worker at a time hold its lock, so every worker may ask for it.
        worker = [*django, "rqworker", "--with-scheduler", "default"]
    else:
        worker = [*django, "db_worker"]
    return [*([worker] * max(task_workers, 0)), [*django, "hataraku_tick", "--loop", "60"]]


def check_redis() -> None:
    """Refuse to start when Redis does not answer: RQ workers would exit at once and tasks would pile up
    unseen. The address is not printed, since REDIS_URL may hold a password."""
    import django_rq  # only installed with the `rq` extra, which TASKS_BACKEND=rq requires

    try:
        django_rq.get_connection("default").ping()
    except Exception as error:
        raise CommandError(
            f"TASKS_BACKEND=rq, but Redis at REDIS_URL does not answer ({type(error).__name__}). "
            "Start Redis, or unset TASKS_BACKEND to use the database queue."
        ) from None


def stop_helpers(helpers: Sequence[subprocess.Popen[Any]], *, grace: float = 30) -> None:
    """Stop the workers and the tick the way each expects: SIGTERM lets a worker finish the task it is
    running (RQ's warm shutdown; db_worker the same) within `grace` seconds. A helper still running then
    gets a second SIGTERM (RQ: stop the job now), and finally SIGKILL, so `serve` never hangs on exit."""
    for proc in helpers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for escalate in (signal.SIGTERM, signal.SIGKILL):
        for proc in helpers:
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.send_signal(escalate)
        grace = 10
    for proc in helpers:
        proc.wait()


def run_until_stopped(command: list[str], *, env: dict[str, str]) -> None:
    """Run gunicorn until it ends, or until Ctrl+C or SIGTERM; then stop it the way it expects (SIGTERM:
    running requests get `graceful_timeout`, then its workers exit). Killing it outright would leave its
    worker processes behind, still answering on the port."""
    stop = _StopOnce()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = subprocess.Popen(command, env=env)
    try:
        server.wait()
    except _Stopped:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


def gunicorn_command(*, host: str, port: int, workers: int | None = None) -> list[str]:
    """Sync workers with a timeout (config/gunicorn.py): a request that runs too long is ended by killing
    its worker process. `--threads` would keep such a request running (see that file)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        "--bind",
        f"{host}:{port}",
        *(["--workers", str(workers)] if workers else []),
        "config.wsgi:application",
    ]


class _Stopped(Exception):
    """Raised by the SIGTERM handler so that `run_until_stopped` stops gunicorn and `finally` the rest."""


class _StopOnce:
    """The first SIGTERM or Ctrl+C starts the stop; later ones are ignored. A second signal often follows
    (`uv run` forwards SIGTERM to us while `pkill` or a supervisor sends its own; Ctrl+C pressed twice), and
    raising again in the middle of stopping would leave gunicorn running with nobody to stop it."""

    def __init__(self) -> None:
        self.stopping = False

    def __call__(self, signum: int, frame: Any) -> None:
        if self.stopping:
            return
        self.stopping = True
        raise _Stopped

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

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
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args: Any, **options: Any) -> None:
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
        self.stdout.write("Press Ctrl+C to stop.")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")}
        helpers: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            # Background tasks (e-mail, notifications) run beside the web server, and a tick every minute
            # does what time makes due (auto-acceptance, e-mail held back by quiet hours).
            helpers.append(subprocess.Popen([sys.executable, "-m", "django", "db_worker"], env=env))
            helpers.append(
                subprocess.Popen([sys.executable, "-m", "django", "hataraku_tick", "--loop", "60"], env=env)
            )
        gunicorn = gunicorn_command(host=options["host"], port=options["port"], workers=options["workers"])
        # `kill` (SIGTERM) stops everything too, not only Ctrl+C: leaving the worker and the tick running
        # after the server is gone would keep sending e-mail from a platform nobody can open.
        try:
            run_until_stopped(gunicorn, env=env)
        finally:
            for proc in helpers:
                proc.send_signal(signal.SIGTERM)
            for proc in helpers:
                proc.wait(timeout=10)


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

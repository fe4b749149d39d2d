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


class Command(BaseCommand):
    help = "Migrate, collect static files, compile translations, load demo data on first run, then serve."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
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
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            "4",
            "--access-logfile",
            "-",
        ]
        # `kill` (SIGTERM) stops everything too, not only Ctrl+C: leaving the worker and the tick running
        # after the server is gone would keep sending e-mail from a platform nobody can open.
        signal.signal(signal.SIGTERM, _stop)
        try:
            subprocess.call(gunicorn, env=env)
        except (KeyboardInterrupt, _Stopped):
            pass
        finally:
            for proc in helpers:
                proc.send_signal(signal.SIGTERM)
            for proc in helpers:
                proc.wait(timeout=10)


class _Stopped(Exception):
    """Raised by the SIGTERM handler so that `subprocess.call` stops gunicorn and `finally` stops the rest."""


def _stop(signum: int, frame: Any) -> None:
    raise _Stopped

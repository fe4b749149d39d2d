"""gunicorn settings, used by `hataraku serve` and in production:
`gunicorn -c config/gunicorn.py --bind HOST:PORT config.wsgi:application`.

Sync workers, one request per process, so that `timeout` really ends a stuck request: the arbiter sees a
worker that has not checked in for `timeout` seconds and kills it (SIGABRT, then SIGKILL), the request's
connection closes, and a fresh worker takes its place. With `--threads` (the gthread worker) the worker's
main loop keeps checking in while one of its threads is stuck, so the timeout never fires and the thread
runs on for as long as it likes — issue 7 saw one Markdown page hold a thread for over ten minutes. A thread
cannot be stopped from outside in Python; a process can. See ARCHITECTURE.md § Decisions.
"""

from __future__ import annotations

import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


worker_class = "sync"
# gunicorn's own rule of thumb: while one worker waits on the database, another can use the core.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
# Seconds a request may run before its worker is killed. Our slowest pages (PDFs, Zengin files) take well
# under a second; 30 s leaves room for a slow database without letting one request hold a worker for long.
timeout = int(os.environ.get("HATARAKU_REQUEST_TIMEOUT") or 30)
# On restart or SIGTERM, requests already running get this long to finish.
graceful_timeout = 10
accesslog = "-"
# gunicorn 24+ opens a control socket at one fixed path per user; we do not use it, and two servers on one
# machine (a test beside `make run`) would fight over it.
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """Once a worker has loaded the platform, move everything loaded so far out of the garbage collector's
    sight (`gc.freeze`): those objects live as long as the worker, and every full collection used to walk
    them all. Objects made while answering requests are collected as before."""
    import gc

    gc.collect()
    gc.freeze()
    # On a large site, 「あなたにできる仕事」 ranks from columns kept in memory (matching/columns.py): loaded
    # here, before the worker answers anyone, rather than by the first worker who asks (≈ 12 s at 1 M jobs).
    # numpy's arrays are not tracked by the collector, so they need no freezing.
    # Only for the platform's own app (this file also serves bench/minimal_wsgi.py, which installs nothing).
    from django.apps import apps

    if apps.ready and apps.is_installed("hataraku.matching"):
        from hataraku.matching.columns import warm

        warm(getattr(worker, "notify", None))

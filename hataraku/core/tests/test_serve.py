"""`hataraku serve` runs gunicorn so that a stuck request really ends (issue 7): sync workers with a timeout,
not `--threads`, whose timeout never stops a request thread."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from hataraku.core.management.commands.hataraku_serve import (
    GUNICORN_CONFIG,
    _StopOnce,
    _Stopped,
    gunicorn_command,
)

ROOT = GUNICORN_CONFIG.parent.parent


def _wait_until_listening(proc: subprocess.Popen[str]) -> None:
    """Read gunicorn's log until the arbiter listens; connections queue until a worker accepts them."""
    assert proc.stderr is not None
    for line in proc.stderr:
        if "Listening at" in line:
            return
    pytest.fail("gunicorn did not start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes] | None:
    """The status and body, or None when the server closed the connection without an answer."""
    # The socket timeout only keeps a broken test from hanging; the assertions are about what comes back.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return None
    finally:
        conn.close()


@pytest.fixture
def server() -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """gunicorn started exactly as `hataraku serve` starts it, with one worker and the smallest timeout
    gunicorn takes (1 s), serving a tiny app whose `/stuck` never answers."""
    port = _free_port()
    command = gunicorn_command(host="127.0.0.1", port=port)
    assert command[-1] == "config.wsgi:application"
    command[-1] = "hataraku.core.tests.stuck_wsgi:application"
    env = {**os.environ, "HATARAKU_REQUEST_TIMEOUT": "1", "WEB_CONCURRENCY": "1"}
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_listening(proc)
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_uses_sync_workers_with_a_timeout_and_no_threads():
    # given the command `hataraku serve` runs
    command = gunicorn_command(host="127.0.0.1", port=8000)
    # then it reads config/gunicorn.py and never asks for threads
    assert command[command.index("--config") + 1] == str(GUNICORN_CONFIG)
    assert "--threads" not in command
    config: dict[str, object] = {}
    exec(compile(GUNICORN_CONFIG.read_text(), str(GUNICORN_CONFIG), "exec"), config)
    assert config["worker_class"] == "sync"
    assert isinstance(config["timeout"], int) and config["timeout"] > 0


def test_a_stuck_request_is_cut_off_and_the_server_answers_afterwards(server):
    port, proc = server
    # when a request never finishes on its own
    outcome = _get(port, "/stuck")
    # then it is ended: gunicorn aborts the worker that holds it (the aborted worker answers 500; one stuck
    # in C code is killed outright and the connection closes) ...
    assert outcome is None or outcome[0] == 500
    # ... and a fresh worker answers the next request
    assert _get(port, "/") == (200, b"ok")
    assert proc.poll() is None
    proc.terminate()
    _, stderr = proc.communicate(timeout=30)
    assert "WORKER TIMEOUT" in stderr


@pytest.mark.parametrize("signals", [1, 3], ids=["one SIGTERM", "SIGTERM three times at once"])
def test_sigterm_stops_gunicorn_and_every_worker_with_it(signals):
    # given `hataraku serve`'s gunicorn loop running two workers
    port = _free_port()
    command = gunicorn_command(host="127.0.0.1", port=port, workers=2)
    command[-1] = "hataraku.core.tests.stuck_wsgi:application"
    script = (
        "import json, os, sys, django; django.setup()\n"
        "from hataraku.core.management.commands.hataraku_serve import run_until_stopped\n"
        "run_until_stopped(json.loads(sys.argv[1]), env=dict(os.environ))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.Popen(
        [sys.executable, "-c", script, json.dumps(command)],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_until_listening(proc)
        assert _get(port, "/") == (200, b"ok")
        # when it is stopped with `kill` (SIGTERM), as a service manager stops it, and perhaps again at once
        # (`uv run` forwards the signal while `pkill` sends its own)
        for _ in range(signals):
            proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
        # then no worker is left behind answering on the port
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", port), timeout=10).close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)


def test_only_the_first_stop_signal_interrupts():
    # given the handler `hataraku serve` installs for SIGTERM and Ctrl+C
    stop = _StopOnce()
    # when the first signal arrives, it interrupts the wait for gunicorn
    with pytest.raises(_Stopped):
        stop(signal.SIGTERM, None)
    # then later ones, arriving while gunicorn is being stopped, change nothing
    stop(signal.SIGTERM, None)
    stop(signal.SIGINT, None)
    assert stop.stopping

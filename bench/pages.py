"""What every page costs, through the real server: requests/s beside a minimal Django view, same run.

    uv run python bench/pages.py [--seconds 8] [--clients 8] [--skip-postgres]
                                 [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--app-root DIR]

For each database (SQLite in a temporary data directory, PostgreSQL in a temporary database this script
creates and drops) a child process prepares the platform as `hataraku serve` does (migrate, static files,
translations, demo data) and tops the open jobs up to 20, so the job list shows 20 cards. Then two
gunicorn servers start with the same settings (`config/gunicorn.py`: sync workers, 2 × cores + 1): the
platform (`config.wsgi`) and the minimal view (`bench/minimal_wsgi.py`: no middleware, no database).
The load comes from `--clients` threads, each sending one request after the other on its own connection
(gunicorn's sync workers close the connection after every response, as they do in production), signed in
as the demo worker さくら through the real log-in form. Each URL gets a short warm-up, then `--seconds` of
load; the minimal view is measured first and last and its mean is the ceiling, so a change in the
machine's load during the run shows as a gap between the two. Only 200 answers count; anything else is
reported as an error. `--app-root` serves another checkout (e.g. the previous commit, for before/after).

`serve`'s background helpers (db_worker, the minute tick) are not started: they do no work during the run.

Results: bench/results/pages.json. The client runs on the same machine as the server and takes CPU from
it; the ratio to the minimal view, measured under the same conditions, is the figure to compare. The
gunicorn workers' CPU time per answer (from /proc) is reported too, with its ratio to the minimal view's:
when other work shares the machine it moves much less than requests/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "pages.json"
sys.path.insert(0, str(ROOT))

from bench.machine_info import machine  # noqa: E402  (needs ROOT on the path, set just above)

WORKER_EMAIL = "sakura@demo.hataraku.jp"
JOBS_SHOWN = 20


# --- the child: prepare the database as `hataraku serve` does ------------------------------------------------


def setup_child() -> dict[str, Any]:
    """Inside the child (settings from the environment): prepare, top the jobs up, name the pages."""
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command

    from hataraku.core import demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("hataraku_compilemessages", verbosity=0)
    demo.load()
    user = apps.get_model("accounts", "User").objects.get(email=WORKER_EMAIL)
    job_model = apps.get_model("jobs", "Job")
    from hataraku.jobs import selectors as job_selectors

    visible = list(job_selectors.job_list(viewer=user))
    # Copies of the demo's open jobs (same client, category and terms), so the list shows 20 cards.
    for i in range(JOBS_SHOWN - len(visible)):
        job = job_model.objects.get(pk=visible[i % len(visible)].pk)
        job.pk = job.id = None
        job._state.adding = True
        job.title = f"{job.title}({i + 2})"
        job.save()
    shown = job_selectors.job_list(viewer=user).count()
    contract = apps.get_model("contracts", "Contract").objects.filter(worker=user).order_by("pk").first()
    return {"jobs_shown": shown, "contract_id": contract.pk if contract else None}


# --- the load generator ------------------------------------------------------------------------------------


def _request(port: int, raw: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(raw)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    status = int(data[9:12]) if data.startswith(b"HTTP/1.") else 0
    return status, data


def _raw_get(path: str, cookie: str = "") -> bytes:
    headers = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", "Accept-Language: ja"]
    if cookie:
        headers.append(f"Cookie: {cookie}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode()


def login(port: int) -> str:
    """Sign in as the demo worker through allauth's real form; return the Cookie header value."""
    status, page = _request(port, _raw_get("/accounts/login/"))
    assert status == 200, status
    csrf_cookie = re.search(rb"Set-Cookie: csrftoken=([^;]+)", page)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token, "no CSRF token on the log-in page"
    from urllib.parse import urlencode

    body = urlencode(
        {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "login": WORKER_EMAIL,
            "password": "hataraku-demo-2026",
        }
    ).encode()
    head = "\r\n".join(
        [
            "POST /accounts/login/ HTTP/1.1",
            "Host: 127.0.0.1",
            "Connection: close",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            f"Cookie: csrftoken={csrf_cookie.group(1).decode()}",
        ]
    )
    status, answer = _request(port, head.encode() + b"\r\n\r\n" + body)
    session = re.search(rb"Set-Cookie: sessionid=([^;]+)", answer)
    assert status == 302 and session, f"log-in failed: {answer[:300]!r}"
    return f"sessionid={session.group(1).decode()}; csrftoken={csrf_cookie.group(1).decode()}"


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) used so far by a gunicorn master's worker processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0.0
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that ended between the two reads
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def load(port: int, path: str, *, cookie: str, seconds: float, clients: int) -> dict[str, Any]:
    raw = _raw_get(path, cookie)
    ok = [0] * clients
    errors: list[int] = []
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.perf_counter() + seconds

    def client(i: int) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status, _ = _request(port, raw)
            if status == 200:
                ok[i] += 1
                latencies[i].append(time.perf_counter() - started)
            else:
                errors.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    times = sorted(x for per in latencies for x in per)
    return {
        "path": path,
        "requests_per_s": round(sum(ok) / elapsed, 1),
        "requests": sum(ok),
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "p50_ms": round(times[len(times) // 2] * 1000, 2) if times else None,
        "p95_ms": round(times[int(len(times) * 0.95)] * 1000, 2) if times else None,
    }


# --- one database ------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(port: int, path: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _request(port, _raw_get(path))[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def _gunicorn(app: str, port: int, *, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "-c", str(cwd / "config" / "gunicorn.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", app]
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=out)


def run_database(
    name: str, env: dict[str, str], *, app_root: Path, seconds: float, clients: int
) -> dict[str, Any]:
    prepared = subprocess.run(
        [sys.executable, __file__, "--child"],
        env=env,
        cwd=app_root,
        capture_output=True,
        text=True,
        check=False,
    )
    if prepared.returncode != 0:
        raise RuntimeError(prepared.stderr[-3000:])
    info = json.loads(prepared.stdout.strip().splitlines()[-1])
    log = Path(tempfile.gettempdir()) / f"hataraku-pages-{name}.log"  # kept after the run, for errors
    log.write_bytes(b"")
    app_port, minimal_port = _free_port(), _free_port()
    servers = [
        _gunicorn("config.wsgi:application", app_port, cwd=app_root, env=env, log=log),
        _gunicorn("bench.minimal_wsgi:application", minimal_port, cwd=ROOT, env=env, log=log),
    ]
    try:
        _wait_ready(app_port, "/healthz")
        _wait_ready(minimal_port, "/")
        cookie = login(app_port)
        pages = {
            "healthz": "/healthz",
            "home": "/",
            "job_list_20": "/jobs/",
            # issue 11: the keyword search (a two-character word) and the ranked 「あなたにできる仕事」
            "job_search_q": "/jobs/?q=%E7%BF%BB%E8%A8%B3",
            "jobs_for_you": "/jobs/for-you/",
            "contract": f"/contracts/{info['contract_id']}/",
            "earnings": "/money/earnings/",
        }

        masters = {app_port: servers[0].pid, minimal_port: servers[1].pid}

        def measure(port: int, path: str) -> dict[str, Any]:
            load(port, path, cookie=cookie, seconds=min(1.0, seconds / 4), clients=clients)  # warm-up
            cpu = server_cpu_seconds(masters[port])
            row = load(port, path, cookie=cookie, seconds=seconds, clients=clients)
            # The server's own CPU per answer: steadier than requests/s when other work shares the machine.
            used = server_cpu_seconds(masters[port]) - cpu
            row["server_cpu_ms_per_request"] = (
                round(used * 1000 / row["requests"], 3) if row["requests"] else None
            )
            return row

        first = measure(minimal_port, "/")
        results = {key: measure(app_port, path) for key, path in pages.items()}
        last = measure(minimal_port, "/")
        ceiling = (first["requests_per_s"] + last["requests_per_s"]) / 2
        minimal_cpu = [
            r["server_cpu_ms_per_request"] for r in (first, last) if r["server_cpu_ms_per_request"]
        ]
        for row in results.values():
            row["ratio_to_minimal"] = round(row["requests_per_s"] / ceiling, 4)
            if minimal_cpu and row["server_cpu_ms_per_request"]:
                row["cpu_ratio_to_minimal"] = round(
                    sum(minimal_cpu) / len(minimal_cpu) / row["server_cpu_ms_per_request"], 4
                )
        return {
            "database": name,
            "jobs_shown": info["jobs_shown"],
            "minimal_view": {"requests_per_s": round(ceiling, 1), "first": first, "last": last},
            "pages": results,
        }
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--app-root", type=Path, default=ROOT, help="serve this checkout (default: this one)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.getcwd())  # the checkout being served, ahead of this one
        print(json.dumps(setup_child()))
        return

    app_root = args.app_root.resolve()
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "PYTHONPATH": str(app_root)}
    base_env.pop("DATABASE_URL", None)
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory(prefix="hataraku-pages-") as tmp:
        env = {**base_env, "HATARAKU_DATA_DIR": str(Path(tmp) / "sqlite")}
        runs.append(
            run_database("sqlite", env, app_root=app_root, seconds=args.seconds, clients=args.clients)
        )
        if not args.skip_postgres:
            import psycopg

            db = f"hataraku_bench_pages_{uuid.uuid4().hex[:8]}"
            admin = args.pg_url
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{db}"')
            try:
                url = admin.rsplit("/", 1)[0] + "/" + db
                env = {**base_env, "HATARAKU_DATA_DIR": str(Path(tmp) / "pg"), "DATABASE_URL": url}
                runs.append(
                    run_database(
                        "postgresql", env, app_root=app_root, seconds=args.seconds, clients=args.clients
                    )
                )
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    report = {
        "benchmark": "pages through gunicorn (config/gunicorn.py) beside a minimal Django view, same run",
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "clients": args.clients,
        "seconds_per_url": args.seconds,
        "signed_in_as": f"{WORKER_EMAIL} (demo worker, logged in through the real form)",
        "app_root": str(app_root),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "machine": machine(),
        "runs": runs,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    for run in runs:
        print(f"{run['database']}: minimal view {run['minimal_view']['requests_per_s']} req/s")
        for key, row in run["pages"].items():
            print(
                f"  {key:12} {row['requests_per_s']:8.1f} req/s  {row['ratio_to_minimal']:.1%}  errors {row['errors']}"
                f"  server CPU {row['server_cpu_ms_per_request']} ms/request"
            )


if __name__ == "__main__":
    main()

"""Ledger throughput: escrow pairs per second (fund + post + release), on SQLite and PostgreSQL, beside
the raw ceiling of the same PostgreSQL measured in the same run.

    uv run python bench/ledger.py [--n 240] [--writers 8] [--rounds 3] [--skip-sqlite] [--skip-postgres]
                                  [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--out PATH]

For each database (SQLite in a temporary *file* with WAL and IMMEDIATE transactions, as in production;
PostgreSQL in a temporary database this script creates and drops):

* a setup process migrates and opens the escrows (one client and one worker per writer: writers work on
  different contracts, as web requests mostly do; the fee groups of one writer are never another's);
* statements per pair: one pair after a warm-up pair, counted with `CaptureQueriesContext` (savepoints
  included, BEGIN/COMMIT not), and the transactions it really opened;
* per round, back to back: the raw ceiling (PostgreSQL only: a plain psycopg loop, one transaction of 8
  INSERTs into a table with a primary key, an index and a foreign key, committed one after another for
  `--raw-seconds`, from one connection — the ceiling the ratio is taken against — and from 8 processes for
  reference); 8 writers (8 processes, `n / 8` pairs each); one writer (`n` pairs). Processes start
  together once all are loaded (start-up is not timed); every service call runs in its own
  transaction, as it would behind a web request.

The machine is shared (2 cores, other work running): load averages are written with the figures, each
round keeps its own ratio, and the headline figures are the best round of each. Results go to
bench/results/ledger.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ledger.json"
sys.path.insert(0, str(ROOT))

from bench.machine_info import machine  # noqa: E402  (needs ROOT on the path, set just above)

PHASES = ("warm", "single", "multi")


# --- children (each runs in its own process: Django's settings are fixed once per process) ---------------


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def _reference(phase: str, writer: int, i: int) -> str:
    return f"bench:{phase}:{writer}:{i}"


def child_setup(n: int, writers: int, rounds: int) -> dict[str, Any]:
    """Migrate and open every escrow the timed phases use (2 for the statement count, then per round n for
    the single writer and n for the writers together)."""
    _django()
    from django.core.management import call_command
    from django.db import connection

    from hataraku.accounts.models import User
    from hataraku.ledger import services
    from hataraku.ledger.constants import FeePlan

    call_command("migrate", verbosity=0, interactive=False)
    people = [
        (
            User.objects.create_user(f"bench-client-{w}@example.jp", None, is_client=True),
            User.objects.create_user(f"bench-worker-{w}@example.jp", None, is_worker=True),
        )
        for w in range(writers)
    ]
    plan = [("warm", 0, 2)]
    for r in range(rounds):
        plan += [(f"single{r}", 0, n)] + [(f"multi{r}", w, n // writers) for w in range(writers)]
    for phase, writer, count in plan:
        client, worker = people[writer]
        for i in range(count):
            services.escrow_open(
                client=client,
                worker=worker,
                reference=_reference(phase, writer, i),
                fee_group=f"bench:{phase}:{writer}:group{i // 3}",
                fee_plan=FeePlan.PROJECT_TIERED,
                withholding=i % 2 == 0,
                actor=None,
                idempotency_key=f"open-{phase}-{writer}-{i}",
            )
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    return {"vendor": connection.vendor, "server_version": version}


def _pair(escrow: Any, key: str) -> None:
    from hataraku.ledger import services
    from hataraku.ledger.constants import FundingSource

    funding = services.escrow_fund(
        escrow=escrow,
        amount=120_000,
        source=FundingSource.BANK_TRANSFER,
        actor=None,
        idempotency_key=f"f-{key}",
    )
    services.funding_post(funding=funding, actor=None, idempotency_key=f"p-{key}")
    services.escrow_release(
        escrow=escrow, amount=120_000, worker=escrow.worker, actor=None, idempotency_key=f"r-{key}"
    )


def _escrows(phase: str, writer: int) -> list[Any]:
    from hataraku.ledger.models import Escrow

    escrows = Escrow.objects.filter(reference__startswith=f"bench:{phase}:{writer}:").select_related("worker")
    return sorted(escrows, key=lambda e: int(e.reference.rsplit(":", 1)[1]))


def child_statements() -> dict[str, Any]:
    """Statements and commits of one pair, after a warm-up pair (caches filled as in a running server)."""
    _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first, second = _escrows("warm", 0)
    _pair(first, "warm-0")
    with CaptureQueriesContext(connection) as captured:
        _pair(second, "warm-1")
    # Django logs BEGIN and COMMIT too; an atomic block that ran no statement (an after-commit handler
    # with nothing to do) sends nothing to the server, so it is not counted as a transaction.
    sql: list[str] = []
    transactions = 0
    pending = 0
    for query in captured.captured_queries:
        text = query["sql"]
        word = text.strip().upper()
        if word.startswith("BEGIN"):
            # SQLite's IMMEDIATE transactions send BEGIN IMMEDIATE and take the write lock even when empty.
            pending = 0 if word == "BEGIN" else 1
        elif word in ("COMMIT", "ROLLBACK"):
            transactions += 1 if pending else 0
        else:
            pending += 1
            sql.append(text)
    return {
        "statements_per_pair": len(sql),
        "savepoint_statements": sum(1 for s in sql if "SAVEPOINT" in s.upper()),
        "transactions_per_pair": transactions,
        "sql": sql,
    }


def child_writer(phase: str, writer: int) -> dict[str, Any]:
    """Load, say "ready", wait for "go" on stdin, then run this writer's pairs and report the time."""
    _django()
    from django.db import connection

    escrows = _escrows(phase, writer)
    connection.ensure_connection()
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.perf_counter()
    for i, escrow in enumerate(escrows):
        _pair(escrow, f"{phase}-{writer}-{i}")
    elapsed = time.perf_counter() - started
    return {"pairs": len(escrows), "seconds": elapsed}


def child_check() -> dict[str, Any]:
    """After the timed phases: the books still balance and every worker was paid everything."""
    _django()
    from hataraku.ledger import selectors
    from hataraku.ledger.models import Escrow, Settlement

    assert sum(selectors.trial_balance().values()) == 0
    settled = Settlement.objects.count()
    assert settled == Escrow.objects.count(), (settled, Escrow.objects.count())
    return {"settlements": settled, "trial_balance_zero": True}


def child_raw(url: str, seconds: float, *, table: str) -> dict[str, Any]:
    """The ceiling: one transaction of 8 INSERTs, committed, as fast as one connection can."""
    import psycopg

    commits = 0
    with psycopg.connect(url) as conn:
        conn.execute("select 1")
        conn.commit()
        print("ready", flush=True)
        sys.stdin.readline()
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            with conn.transaction():
                for i in range(8):
                    conn.execute(
                        f"INSERT INTO {table} (parent_id, amount, memo) VALUES (1, %s, %s)",
                        (i + 1, "bench"),
                    )
            commits += 1
        elapsed = time.perf_counter() - started
    return {"commits": commits, "seconds": elapsed}


# --- the parent: databases, processes, timing ---------------------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}


def _run(database_url: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=_env(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _together(database_url: str, argvs: list[list[str]]) -> tuple[float, list[dict[str, Any]]]:
    """Start one process per argv, wait until each says "ready", release them at once, time the lot."""
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--child", *argv],
            env=_env(database_url),
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if line != "ready":
            proc.wait()
            raise SystemExit(f"benchmark child failed before start: {line}\n{proc.stderr.read()}")  # type: ignore[union-attr]
    started = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"benchmark child failed:\n{stdout}\n{stderr}")
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    return wall, results


def _raw_table(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_raw_entry (id bigserial PRIMARY KEY)")
        conn.execute("INSERT INTO bench_raw_entry DEFAULT VALUES")
        conn.execute(
            "CREATE TABLE bench_raw_posting (id bigserial PRIMARY KEY, "
            "parent_id bigint NOT NULL REFERENCES bench_raw_entry (id), amount bigint NOT NULL, memo text)"
        )
        conn.execute("CREATE INDEX ON bench_raw_posting (parent_id)")


def _raw(url: str, seconds: float, processes: int) -> dict[str, Any]:
    argv = ["raw", "--url", url, "--seconds", str(seconds)]
    wall, parts = _together(url, [argv] * processes)
    commits = sum(p["commits"] for p in parts)
    seconds_run = parts[0]["seconds"] if processes == 1 else wall
    return {
        "commits": commits,
        "seconds": round(seconds_run, 3),
        "commits_per_second": round(commits / seconds_run, 1),
    }


def _throughput(url: str, n: int, writers: int, rounds: int, raw_seconds: float | None) -> dict[str, Any]:
    """Per round: the raw ceiling (PostgreSQL), then the writers together, then one writer; the rounds
    interleave so that a burst of other work on the shared machine hits both sides of the ratio alike."""
    info = _run(url, "setup", "--n", str(n), "--writers", str(writers), "--rounds", str(rounds))
    statements = _run(url, "statements")
    if raw_seconds is not None:
        _raw_table(url)
    per_round = []
    for r in range(rounds):
        row: dict[str, Any] = {"load_average": _load()}
        if raw_seconds is not None:
            row["raw_ceiling_commits_per_second"] = _raw(url, raw_seconds, 1)["commits_per_second"]
            row[f"raw_{writers}_processes_commits_per_second"] = _raw(url, raw_seconds, writers)[
                "commits_per_second"
            ]
        wall, parts = _together(url, [["writer", f"multi{r}", str(w)] for w in range(writers)])
        row[f"{writers}_writers_pairs_per_second"] = round(sum(p["pairs"] for p in parts) / wall, 1)
        wall, _ = _together(url, [["writer", f"single{r}", "0"]])
        row["single_writer_pairs_per_second"] = round(n / wall, 1)
        if raw_seconds is not None:
            row[f"ratio_{writers}_writers_to_ceiling"] = round(
                row[f"{writers}_writers_pairs_per_second"] / row["raw_ceiling_commits_per_second"], 4
            )
        print(f"  round {r}: {row}", flush=True)
        per_round.append(row)
    check = _run(url, "check")

    def best(name: str) -> float:
        return max(row[name] for row in per_round)

    result: dict[str, Any] = {
        **info,
        "statements_per_pair": statements["statements_per_pair"],
        "savepoint_statements_per_pair": statements["savepoint_statements"],
        "transactions_per_pair": statements["transactions_per_pair"],
        "pairs_per_round": n,
        "rounds": per_round,
        "single_writer_pairs_per_second": best("single_writer_pairs_per_second"),
        f"{writers}_writers_pairs_per_second": best(f"{writers}_writers_pairs_per_second"),
    }
    if raw_seconds is not None:
        ratios = sorted(row[f"ratio_{writers}_writers_to_ceiling"] for row in per_round)
        result["raw_ceiling"] = {
            "what": "psycopg, one transaction of 8 INSERTs (primary key, index, foreign key), committed in a loop",
            "single_connection_commits_per_second": best("raw_ceiling_commits_per_second"),
            f"{writers}_processes_commits_per_second": best(f"raw_{writers}_processes_commits_per_second"),
        }
        result[f"ratio_{writers}_writers_to_ceiling"] = {
            "per_round": [row[f"ratio_{writers}_writers_to_ceiling"] for row in per_round],
            "median": round(statistics.median(ratios), 4),
            "of_the_best_figures": round(
                result[f"{writers}_writers_pairs_per_second"]
                / result["raw_ceiling"]["single_connection_commits_per_second"],
                4,
            ),
        }
    result["check"] = check
    result["sql_of_one_pair"] = statements["sql"]
    return result


def bench_sqlite(n: int, writers: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hk-bench-") as tmp:
        return _throughput(f"sqlite:///{tmp}/bench.sqlite3", n, writers, rounds, None)


def bench_postgres(n: int, writers: int, rounds: int, admin_url: str, raw_seconds: float) -> dict[str, Any]:
    import psycopg

    name = f"hk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        return _throughput(f"{admin_url.rsplit('/', 1)[0]}/{name}", n, writers, rounds, raw_seconds)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=240, help="pairs per phase (a multiple of --writers)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--raw-seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--label", default="", help="a note written with the results")
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        kind, *rest = args.child
        if kind == "setup":
            result = child_setup(args.n, args.writers, args.rounds)
        elif kind == "statements":
            result = child_statements()
        elif kind == "writer":
            result = child_writer(rest[0], int(rest[1]))
        elif kind == "check":
            result = child_check()
        else:
            result = child_raw(args.url, args.seconds, table="bench_raw_posting")
        print(json.dumps(result, ensure_ascii=False))
        return
    if args.n % args.writers:
        parser.error("--n must be a multiple of --writers")
    load_before = _load()
    results: dict[str, Any] = {}
    if not args.skip_sqlite:
        results["sqlite"] = bench_sqlite(args.n, args.writers, args.rounds)
        _print("sqlite", results["sqlite"], args.writers)
    if not args.skip_postgres:
        results["postgresql"] = bench_postgres(
            args.n, args.writers, args.rounds, args.pg_url, args.raw_seconds
        )
        _print("postgresql", results["postgresql"], args.writers)
    report = {
        "benchmark": "ledger: escrow pairs (fund + funding post + release), one transaction per call",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pairs_per_round": args.n,
        "writers": args.writers,
        "rounds": args.rounds,
        "machine": machine(),
        "load_average_before": load_before,
        "load_average_after": _load(),
        "note": (
            "shared 2-core machine with other helpers' tests running (load averages above and per round); "
            "each round measures the raw ceiling and the writers back to back, the figures outside 'rounds' "
            "are the best round of each; the ratio is 8-writer pairs/s over the single-connection raw "
            "ceiling's commits/s of the same round" + (f"; {args.label}" if args.label else "")
        ),
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")


def _print(vendor: str, r: dict[str, Any], writers: int) -> None:
    line = (
        f"{vendor}: {r['statements_per_pair']} statements/pair, {r['transactions_per_pair']} transactions/pair, "
        f"1 writer {r['single_writer_pairs_per_second']} pairs/s, "
        f"{writers} writers {r[f'{writers}_writers_pairs_per_second']} pairs/s"
    )
    if "raw_ceiling" in r:
        line += (
            f"; raw ceiling {r['raw_ceiling']['single_connection_commits_per_second']} commits/s; "
            f"ratio {r[f'ratio_{writers}_writers_to_ceiling']}"
        )
    print(line, flush=True)


if __name__ == "__main__":
    main()

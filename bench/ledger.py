"""Ledger throughput: escrow fund + post + release triples per second, on SQLite and PostgreSQL.

    uv run python bench/ledger.py [--n 300] [--skip-postgres] [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Each database runs in a child process of this script (Django's settings are fixed once per process):
SQLite in a temporary *file* (WAL, IMMEDIATE transactions, as in production), PostgreSQL in a temporary
database this script creates and drops. Both are migrated first. Every service call runs in its own
transaction, as it would behind a web request. Results go to bench/results/ledger.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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


def child(n: int) -> dict[str, Any]:
    """Run inside the child: migrate, then time `n` fund+post+release triples on fresh escrows."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from hataraku.accounts.models import User
    from hataraku.ledger import selectors, services
    from hataraku.ledger.constants import FeePlan, FundingSource

    call_command("migrate", verbosity=0, interactive=False)
    client = User.objects.create_user("bench-client@example.jp", None, is_client=True)
    worker = User.objects.create_user("bench-worker@example.jp", None, is_worker=True)
    escrows = [
        services.escrow_open(
            client=client,
            worker=worker,
            reference=f"bench:{i}",
            fee_group=f"contract:{i // 3}",
            fee_plan=FeePlan.PROJECT_TIERED,
            withholding=i % 2 == 0,
            actor=None,
            idempotency_key=f"open-{i}",
        )
        for i in range(n)
    ]
    started = time.perf_counter()
    for i, escrow in enumerate(escrows):
        funding = services.escrow_fund(
            escrow=escrow,
            amount=120_000,
            source=FundingSource.BANK_TRANSFER,
            actor=None,
            idempotency_key=f"f-{i}",
        )
        services.funding_post(funding=funding, actor=None, idempotency_key=f"p-{i}")
        services.escrow_release(
            escrow=escrow, amount=120_000, worker=worker, actor=None, idempotency_key=f"r-{i}"
        )
    elapsed = time.perf_counter() - started
    assert sum(selectors.trial_balance().values()) == 0
    assert selectors.worker_balances(worker).pending == 0
    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "server_version": version,
        "n": n,
        "seconds": round(elapsed, 3),
        "triples_per_second": round(n / elapsed, 1),
        "service_calls_per_second": round(3 * n / elapsed, 1),
        "ms_per_triple": round(1000 * elapsed / n, 2),
    }


def run_child(database_url: str, n: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--n", str(n)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_sqlite(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="hk-bench-") as tmp:
        return run_child(f"sqlite:///{tmp}/bench.sqlite3", n)


def bench_postgres(n: int, admin_url: str) -> dict[str, Any]:
    import psycopg

    name = f"hk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        base = admin_url.rsplit("/", 1)[0]
        return run_child(f"{base}/{name}", n)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=300, help="fund+post+release triples per database")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n)))
        return
    results: dict[str, Any] = {"sqlite": bench_sqlite(args.n)}
    print("sqlite", results["sqlite"])
    if not args.skip_postgres:
        results["postgresql"] = bench_postgres(args.n, args.pg_url)
        print("postgresql", results["postgresql"])
    report = {
        "benchmark": "ledger: escrow fund + funding post + escrow release, one transaction each",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "n": args.n,
        "machine": machine(),
        "note": "shared 2-core machine; other work may have been running (numbers are indicative)",
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

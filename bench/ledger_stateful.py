"""The ledger state machine (hataraku/ledger/tests/test_stateful.py), run long and randomised.

    uv run python bench/ledger_stateful.py [--examples 100] [--steps 50]

CI runs the same machine derandomised and small; this runs it with fresh randomness and many more
steps, then writes how often each operation succeeded or was refused to bench/results/ledger_stateful.json.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "ledger_stateful.json"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hk-stateful-") as tmp:
        stats_file = Path(tmp) / "stats.json"
        env = {
            **os.environ,
            "LEDGER_STATEFUL_EXAMPLES": str(args.examples),
            "LEDGER_STATEFUL_STEPS": str(args.steps),
            "LEDGER_STATEFUL_STATS": str(stats_file),
        }
        started = time.perf_counter()
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "hataraku/ledger/tests/test_stateful.py",
                "-q",
                "-p",
                "no:xdist",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - started
        stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    report = {
        "benchmark": "ledger state machine, randomised long run (invariants checked after every step)",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "max_examples": args.examples,
        "steps_per_example": args.steps,
        "passed": run.returncode == 0,
        "seconds": round(elapsed, 1),
        "operations": stats,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))
    raise SystemExit(run.returncode)


if __name__ == "__main__":
    main()

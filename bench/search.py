"""Keyword search at 10 k, 100 k and 1 M open jobs, on SQLite and PostgreSQL, beside a naive LIKE scan.

    uv run python bench/search.py [--sizes 10000,100000] [--databases sqlite,postgres]
                                  [--queries 300] [--like-queries 40]
                                  [--pg-url postgres://postgres@127.0.0.1:5432/postgres] [--cache DIR]
                                  [--recommend 200] [--output bench/results/search.json]

Databases are built once and kept in a cache (default bench/.cache/search/, gitignored): a SQLite file per
size, a PostgreSQL database `search_bench_<size>` per size (drop them with `--drop`). Building one loads
jobs from bench/synth.py (seed 7) with `search.corpus.load_and_index`: the jobs `corpus.load_jobs` writes
and the index entries `search.services.index_rebuild` writes (the site's `document()` and backend writer;
search/tests/test_corpus.py checks both), in one pass with raw INSERTs and the bench's own database write
settings (`child_build`). A million jobs: about 4–8 min per database on a quiet 2-CPU machine (from 20 k),
23–29 min under other load; build with `--build-only` first, measure afterwards.

Measured, per database and size, in a child process with its own Django set-up:
- `search`: `search.selectors.search_jobs(q, limit=20)` — the count of the matches (up to 1,001: a page
  then says 「1,000件以上」) and the ranked top 20, which is what a results page asks — over `--queries`
  different queries (topic words, skills, two-character words, two-word ANDs, rare and common), each once,
  in a shuffled order so no query is measured warm twice;
- `like`: the job list's old way: `title ILIKE %q% OR description ILIKE %q%` over open jobs, newest 20 and the
  count, over `--like-queries` of the same queries (it is slow; fewer queries suffice);
- `two_char_complete`: for every two-character query, the index's total equals a brute-force count over
  every indexed document's normalised text (both capped at TOTAL_CAP + 1 as the search counts), and
  `matching_job_ids` gives exactly as many ids as the scan finds, uncapped (`two_char_every_match`); the
  scan takes a few minutes at 1 M (`--no-check` skips it);
- `search_slowest`: the twelve slowest of those searches (wall ms, CPU ms, query, total);
- `search_cpu`: the same searches in CPU ms of the measuring process (all the work on SQLite, which runs
  in-process; only the client's share on PostgreSQL) — steadier than wall time on a shared machine.
- `recommend`: 「あなたにできる仕事」 — `matching.selectors.recommendations_for(worker, filters=…, limit=50)`,
  keyword + filters + feasibility + ranking, what /jobs/for-you/ and the API ask — over `--recommend`
  requests, each with another synthetic worker (bench/synth.py workers, created inside a transaction that
  is rolled back) and another query (a third with no keyword, a third with a work-style filter too);
  `recommend_cpu` the same in CPU ms of the measuring process; `recommend_slowest` the twelve slowest;
  `recommend_columns_load_s` the time to load the columns kept in memory (matching/columns.py), once per
  process before the requests (a server worker does it before its first request).
Results: bench/results/search.json, or `--output` (p50/p95/p99/mean in ms, and the ratio of the LIKE scan's
p50 to search's), with `search_page`: the results page `/jobs/?q=翻訳` through the real server — requests/s and
its ratio to the minimal view — copied from bench/results/pages.json as bench/pages.py last measured it (its
`measured_at` with it); `--search-page-only` refreshes just that after a pages.py run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine_info import machine  # noqa: E402
from bench.synth import TOPICS  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "search.json"
TWO_CHAR = [
    "翻訳",
    "経理",
    "在宅",
    "入力",
    "英語",
    "記事",
    "校正",
    "動画",
    "簿記",
    "調査",
    "名刺",
    "集計",
    "納期",
    "中断",
    "初心",
    "給与",
    "編集",
    "写真",
    "韓国",
    "ロゴ",
    "通話",
    "継続",
    "急募",
    "取材",
]


def query_set(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set(TWO_CHAR)
    for topic in TOPICS:
        words.update(topic.skills)
        for title in topic.titles:
            for part in title.replace("(", " ").replace(")", " ").replace("の", " ").split():
                if 2 <= len(part) <= 10:
                    words.add(part)
    pool = sorted(words)
    queries = list(pool)
    while len(queries) < n:
        queries.append(" ".join(rng.sample(pool, 2)))
    rng.shuffle(queries)
    return queries[:n]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50": round(pct(ms, 50), 3),
        "p95": round(pct(ms, 95), 3),
        "p99": round(pct(ms, 99), 3),
        "mean": round(statistics.fmean(ms), 3),
        "n": len(ms),
    }


# --- child: build or measure one database ---------------------------------------------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def child_build(size: int) -> dict[str, Any]:
    """Migrate, load and index `size` jobs. The jobs and their index entries are what `corpus.load_jobs`
    and `services.index_rebuild` write (`corpus.load_and_index` does both in one pass; a test checks it
    against them); what is bench-only is how the database is told to write: no journal and no fsync on
    SQLite, larger FTS5 merges then one `optimize`; on PostgreSQL no commit wait and the GIN index built
    once after the rows instead of row by row."""
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.synth import generate_jobs
    from hataraku.search import corpus

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    t1 = time.perf_counter()
    gin = ""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'search_doc_tsv_gin'")
            gin = cursor.fetchone()[0]
            cursor.execute("DROP INDEX search_doc_tsv_gin")
        else:
            cursor.execute("PRAGMA journal_mode = OFF")
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 8)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 64)")
    n = corpus.load_and_index(generate_jobs(size, seed=7), batch_size=20000)
    t2 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(gin)
            t3 = time.perf_counter()
            cursor.execute("VACUUM ANALYZE search_searchdocument")
            cursor.execute("VACUUM ANALYZE jobs_job")
        else:
            t3 = time.perf_counter()
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            # Back to the site's settings (FTS5 keeps them in search_fts_config).
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)")
            cursor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('crisismerge', 16)")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA journal_mode = WAL")
    return {
        "indexed": n,
        "migrate_s": round(t1 - t0, 1),
        "load_and_index_s": round(t2 - t1, 1),
        "gin_index_s": round(t3 - t2, 1),
        "optimize_s": round(time.perf_counter() - t3, 1),
    }


def measure_recommend(n: int, queries: list[str]) -> dict[str, Any]:
    """「あなたにできる仕事」 for `n` different workers and queries. The workers are written inside a
    transaction that is rolled back, so the cached database stays as built."""
    from django.db import transaction

    from bench.synth import generate_workers
    from hataraku.core import clock, wages
    from hataraku.jobs.selectors import JobFilters
    from hataraku.matching import columns
    from hataraku.matching.evaluation import load_workers
    from hataraku.matching.selectors import recommendations_for

    rng = random.Random(11)
    ms: list[float] = []
    cpu: list[float] = []
    shown: list[int] = []
    timed: list[tuple[float, float, str, bool, int]] = []
    # The columns in memory (matching/columns.py) are loaded once per process, as a server worker does on
    # its first such request: timed on its own, outside the requests measured.
    t = time.perf_counter()
    loaded = columns.store()
    load_s = time.perf_counter() - t
    with transaction.atomic():
        wages.ensure_shipped_tables()
        workers = load_workers(generate_workers(max(1, n), seed=5))
        now = clock.now()
        for i in range(n):
            worker = workers[i % len(workers)]
            kind = i % 3
            q = "" if kind == 0 else rng.choice(queries)
            filters = JobFilters(q=q, interruptible=kind == 2)
            t, c = time.perf_counter(), time.process_time()
            result = recommendations_for(
                worker.user, now=now, filters=filters, limit=50, committed_hours=worker.committed_hours
            )
            ms.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            shown.append(len(result.items))
            timed.append((ms[-1], cpu[-1], q, filters.interruptible, len(result.items)))
        transaction.set_rollback(True)
    return {
        "recommend": summary(ms),
        "recommend_cpu": summary(cpu),
        "recommend_shown_mean": round(statistics.fmean(shown), 1),
        # The twelve slowest (wall ms, CPU ms, keyword, interruptible only, jobs shown): where to look.
        "recommend_slowest": [
            [round(w, 1), round(c, 1), q, i, n] for w, c, q, i, n in sorted(timed, reverse=True)[:12]
        ],
        "recommend_columns_load_s": round(load_s, 2),
        "recommend_columns_jobs": loaded.n,
    }


def two_char_check(two_char: dict[str, int]) -> dict[str, Any]:
    """Every two-character query against a brute-force scan of every indexed document's normalised text
    (with the synonyms the search applies: 「経理」 also finds 簿記, 記帳, 会計 — `text.matches`, unrolled so
    each document is normalised once; checked against `matches` itself on the first documents): the
    search's capped total, and the number of ids `matching_job_ids` gives — every match, uncapped."""
    from hataraku.search import services
    from hataraku.search.backends import TOTAL_CAP
    from hataraku.search.selectors import matching_job_ids
    from hataraku.search.text import matches, query_words, runs

    words = {q: query_words(q) for q in TWO_CHAR}
    found = dict.fromkeys(TWO_CHAR, 0)
    for n, job in enumerate(services.searchable_jobs().iterator(chunk_size=5000)):
        doc = services.document(job)
        text = "\n".join([doc.title, doc.tags, doc.body])
        haystack, held = "\n".join(runs(text)), set(doc.facets)
        for q, query in words.items():
            hit = all(
                any(
                    (alt.facet in held) if alt.facet else all(r in haystack for r in alt.runs) for alt in word
                )
                for word in query
            )
            if n < 300:
                assert hit == matches(text, q, facets=doc.facets), (q, job.pk)
            found[q] += hit
    capped = {q: min(n, TOTAL_CAP + 1) for q, n in found.items()}
    ids = {q: len(matching_job_ids(q)) for q in TWO_CHAR}
    out: dict[str, Any] = {
        "two_char_complete": capped == two_char and ids == found,
        "two_char_every_match": found,
    }
    if not out["two_char_complete"]:
        out["two_char_brute_capped"] = capped
        out["two_char_index_ids"] = ids
    return out


def child_measure(n_queries: int, n_like: int, check: bool, n_recommend: int = 0) -> dict[str, Any]:
    _setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from hataraku.core import clock
    from hataraku.jobs.constants import JobStatus
    from hataraku.jobs.models import Job
    from hataraku.search.selectors import search_jobs

    # A database cached by an earlier build gets the migrations added since (the change rows' triggers).
    call_command("migrate", verbosity=0)
    queries = query_set(n_queries)
    search_jobs("ウォームアップ")  # opens the connection
    ms: list[float] = []
    cpu: list[float] = []
    two_char: dict[str, int] = {}
    timed: list[tuple[float, float, str, int]] = []
    for q in [*queries, *TWO_CHAR]:
        t, c = time.perf_counter(), time.process_time()
        total = search_jobs(q, limit=20).total
        ms.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        timed.append((ms[-1], cpu[-1], q, total))
        if q in TWO_CHAR:
            two_char[q] = total
    like_ms: list[float] = []
    open_jobs = Job.objects.filter(status=JobStatus.PUBLISHED, proposal_deadline__gte=clock.today())
    for q in queries[:n_like]:
        t = time.perf_counter()
        qs = open_jobs.filter(Q(title__icontains=q) | Q(description_md__icontains=q))
        list(qs.order_by("-published_at", "-id").values_list("pk", flat=True)[:20])
        qs.count()
        like_ms.append((time.perf_counter() - t) * 1000)
    # CPU time of this process: all of SQLite's work (it runs in-process), only the client's share on
    # PostgreSQL. It moves much less than wall time when others load the machine.
    out: dict[str, Any] = {"search": summary(ms), "search_cpu": summary(cpu), "like": summary(like_ms)}
    out["ratio_like_to_search_p50"] = round(out["like"]["p50"] / out["search"]["p50"], 1)
    out["two_char_totals"] = two_char
    # The slowest searches (wall ms, CPU ms, query, total): where to look when p95 moves.
    out["search_slowest"] = [
        [round(w, 1), round(c, 1), q, n] for w, c, q, n in sorted(timed, reverse=True)[:12]
    ]
    if check:
        out.update(two_char_check(two_char))
    if n_recommend:
        out.update(measure_recommend(n_recommend, queries))
    out["vendor"] = connection.vendor
    return out


# --- parent -------------------------------------------------------------------------------------------


def database_url(kind: str, size: int, cache: Path, pg_url: str) -> str:
    if kind == "sqlite":
        return f"sqlite:///{cache / f'sqlite-{size}.sqlite3'}"
    return pg_url.rsplit("/", 1)[0] + f"/search_bench_{size}"


def run_child(args: list[str], url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "HATARAKU_DATA_DIR": str(Path(url.replace("sqlite:///", "")).parent)
        if url.startswith("sqlite")
        else os.environ.get("HATARAKU_DATA_DIR", "/tmp/hataraku-search-bench"),
    }
    proc = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode:
        raise SystemExit(f"child {args} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_pg_database(pg_url: str, name: str, *, drop: bool = False) -> bool:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and drop:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        return exists


PAGES = ROOT / "bench" / "results" / "pages.json"


def search_page(pages: Path = PAGES) -> dict[str, Any] | None:
    """The search results page (`/jobs/?q=翻訳`) through the real server, as bench/pages.py last measured it
    (requests/s and its ratio to the minimal view, same run), per database; None before pages.py has run."""
    if not pages.exists():
        return None
    measured = json.loads(pages.read_text())
    out: dict[str, Any] = {
        "source": "bench/results/pages.json (bench/pages.py, key job_search_q)",
        "measured_at": measured.get("measured_at"),
    }
    for run in measured.get("runs", []):
        page = run.get("pages", {}).get("job_search_q")
        if not page:
            continue
        out[run["database"]] = {
            "path": page["path"],
            "jobs_shown": run.get("jobs_shown"),  # the demo database of bench/pages.py, not the 1 M one
            "requests_per_s": page["requests_per_s"],
            "minimal_view_requests_per_s": run["minimal_view"]["requests_per_s"],
            "ratio_to_minimal": page["ratio_to_minimal"],
            "p50_ms": page["p50_ms"],
            "p95_ms": page["p95_ms"],
            "server_cpu_ms_per_request": page["server_cpu_ms_per_request"],
            "cpu_ratio_to_minimal": page["cpu_ratio_to_minimal"],
        }
    return out


def write(results: dict[str, Any], output: Path = RESULTS) -> None:
    results["machine"] = machine()
    page = search_page()
    if page is not None:
        results["search_page"] = page
    results["goal"] = (
        "keyword top-20 p95 ≤ 20 ms on SQLite, ≤ 100 ms on PostgreSQL; 「あなたにできる仕事」 (keyword + filters"
        " + feasibility + ranking) p95 ≤ 50 ms on SQLite, ≤ 100 ms on PostgreSQL; at 1 M open jobs"
    )
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--like-queries", type=int, default=40)
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--cache", default=str(ROOT / "bench" / ".cache" / "search"))
    parser.add_argument(
        "--recommend", type=int, default=200, help="「あなたにできる仕事」 requests (0: skip)"
    )
    parser.add_argument("--output", default=str(RESULTS))
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--drop", action="store_true", help="rebuild the cached databases")
    parser.add_argument(
        "--no-check", action="store_true", help="skip the brute-force two-character check (minutes at 1 M)"
    )
    parser.add_argument(
        "--search-page-only",
        action="store_true",
        help="only copy the search page's figures from bench/results/pages.json into the output",
    )
    parser.add_argument("--child", nargs="*")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        result = (
            child_build(int(rest[0]))
            if kind == "build"
            else child_measure(int(rest[0]), int(rest[1]), rest[2] == "1", int(rest[3]))
        )
        print(json.dumps(result))
        return
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    output = Path(args.output)
    results: dict[str, Any] = json.loads(output.read_text()) if output.exists() else {}
    if args.search_page_only:
        write(results, output)
        return
    results.setdefault("sizes", {})
    for size in [int(s) for s in args.sizes.split(",")]:
        for kind in args.databases.split(","):
            url = database_url(kind, size, cache, args.pg_url)
            marker = cache / f"{kind}-{size}.built.json"
            if args.drop and marker.exists():
                marker.unlink()
                if kind == "sqlite":
                    for suffix in ("", "-wal", "-shm"):
                        Path(url.replace("sqlite:///", "") + suffix).unlink(missing_ok=True)
            if not marker.exists():
                if kind == "postgres":
                    ensure_pg_database(args.pg_url, f"search_bench_{size}", drop=True)
                print(f"building {kind} {size} …", file=sys.stderr, flush=True)
                marker.write_text(json.dumps(run_child(["--child", "build", str(size)], url)))
            build = json.loads(marker.read_text())
            if args.build_only:
                continue
            print(f"measuring {kind} {size} …", file=sys.stderr, flush=True)
            measured = run_child(
                [
                    "--child",
                    "measure",
                    str(args.queries),
                    str(args.like_queries),
                    "0" if args.no_check else "1",
                    str(args.recommend),
                ],
                url,
            )
            results["sizes"].setdefault(str(size), {})[kind] = {"build": build, **measured}
            write(
                results, output
            )  # after every measurement: a long run stopped half-way keeps what it measured
            print(
                json.dumps(
                    {
                        size: {
                            kind: {
                                k: measured.get(k)
                                for k in ("search", "search_cpu", "like", "two_char_complete", "recommend")
                            }
                        }
                    }
                ),
                file=sys.stderr,
                flush=True,
            )
    if not args.build_only:
        write(results, output)


if __name__ == "__main__":
    main()

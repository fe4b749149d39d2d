"""Markdown render time on hostile and normal job descriptions (issue 7).

    uv run python bench/markdown.py [--repeat 3] [--old-max 10000]

Times `hataraku.jobs.rendering.render_markdown` (markdown-it-py, then nh3) on the bracket bomb
`"[" * n + "a" + "]" * n` at 10 KB and 100 KB, on other inputs known to be slow for Markdown parsers
(CommonMark's "pathological" cases) at 100 KB, on inputs that blow up the output at the 10,000-character cap
(the review's 1,000-column table, a 20 x 200 table, a link reference used thousands of times; their
rendered size is recorded too) and on a normal 5,000-character description. If
python-markdown is importable (it is no longer a dependency: `uv run --with markdown python
bench/markdown.py`), the old renderer is timed on the bomb too, up to `--old-max` characters only: it grows
much faster than linearly (16 KB took about 30 s, 100 KB over ten minutes).
Each figure is the best of `--repeat` runs. Results go to bench/results/markdown.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "markdown.json"
# This file is named markdown.py: without its folder on the path, `import markdown` finds python-markdown.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))

from bench.machine_info import machine  # noqa: E402  (needs ROOT on the path, set just above)

NORMAL_BLOCK = """## 作業の内容

紙の請求書(月に約120枚)を、指定の **Excel** の表に入力していただきます。
入力する項目は「日付」「取引先」「金額(税込)」「品目」の4つです。

- 1枚あたり2〜3分が目安です。
- 途中で中断してもかまいません。
- 不明な文字は空欄のまま、*備考* に書いてください。

| 項目 | 例 | 注意 |
| --- | --- | --- |
| 日付 | 2026-12-01 | 西暦で |
| 金額 | 12,100 | 半角数字 |

詳しい手順は [入力の手引き](https://example.com/guide) をご覧ください。

"""


def bracket_bomb(length: int) -> str:
    half = (length - 1) // 2
    return "[" * half + "a" + "]" * half


def repeat_to(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


def hostile_inputs(length: int) -> dict[str, str]:
    """CommonMark's pathological cases (commonmark-spec test/pathological_tests.py), cut to `length`."""
    return {
        "nested emphasis openers": repeat_to("*a **a ", length),
        "unclosed links": repeat_to("[a](<b", length),
        "nested block quotes": repeat_to(">", length) + " a",
        "nested inline links": "[" * (length // 5) + "a" + "](b)" * (length // 5),
        "backtick runs": repeat_to("e`", length),
        "link reference definitions": repeat_to("[a]: u\n", length) + "[a]",
    }


def amplifying_inputs(length: int) -> dict[str, str]:
    """Inputs whose HTML grows much faster than they do, cut to `length` (the description's cap). A GFM table
    pads each row to its header's width, so short lines become many empty cells (issue 7 review)."""
    return {
        "table of 1,000 columns (review)": ("|a" * 1000 + "\n" + "|-" * 1000 + "\n" + "|\n" * 3999)[:length],
        "table of 20 columns, empty rows": ("|a" * 20 + "|\n" + "|-" * 20 + "|\n" + "|\n" * length)[:length],
        "largest table allowed (20 x 200)": "|a" * 20 + "|\n" + "|-" * 20 + "|\n" + ("|x" * 20 + "|\n") * 200,
        "link reference used 3,000 times": ("[a]: https://example.com/" + "x" * 3000 + "\n\n" + "[a]" * 3000)[
            :length
        ],
    }


def best_of(render: Callable[[str], str], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - started)
    return round(best, 4)


def old_renderer() -> Callable[[str], str] | None:
    try:
        markdown: Any = importlib.import_module("markdown")
    except ImportError:
        return None
    return lambda text: markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per input; the best is kept")
    parser.add_argument("--old-max", type=int, default=10_000, help="largest bomb given to python-markdown")
    args = parser.parse_args()

    import markdown_it

    from hataraku.jobs.rendering import render_markdown

    new: dict[str, Any] = {"version": markdown_it.__version__, "seconds": {}}
    normal = repeat_to(NORMAL_BLOCK, 5_000)
    new["seconds"]["normal description, 5,000 characters"] = best_of(render_markdown, normal, args.repeat)
    for size in (10_000, 100_000):
        new["seconds"][f"bracket bomb, {size:,} characters"] = best_of(
            render_markdown, bracket_bomb(size), args.repeat
        )
    for name, text in hostile_inputs(100_000).items():
        new["seconds"][f"{name}, {len(text):,} characters"] = best_of(render_markdown, text, args.repeat)
    new["html_characters"] = {}
    for name, text in amplifying_inputs(10_000).items():
        label = f"{name}, {len(text):,} characters"
        new["seconds"][label] = best_of(render_markdown, text, args.repeat)
        new["html_characters"][label] = len(render_markdown(text))
    ten, hundred = (new["seconds"][f"bracket bomb, {n:,} characters"] for n in (10_000, 100_000))
    new["bomb_100k_over_10k"] = round(hundred / ten, 1) if ten else None

    results: dict[str, Any] = {"markdown-it-py (render_markdown: parse + nh3)": new}
    old = old_renderer()
    if old is None:
        results["python-markdown"] = (
            "not installed (removed in issue 7); figures from the issue: 16 KB bomb about 30 s"
        )
    else:
        timings: dict[str, float] = {"normal description, 5,000 characters": best_of(old, normal, 1)}
        size = 2_500
        while size <= args.old_max:
            timings[f"bracket bomb, {size:,} characters"] = best_of(old, bracket_bomb(size), 1)
            size *= 2
        results["python-markdown (Markdown to HTML, before nh3; one run each)"] = {"seconds": timings}

    report = {
        "benchmark": "Markdown render time of job descriptions, hostile and normal",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "machine": machine(),
        "note": "shared 2-core machine; other work may have been running (numbers are indicative)",
        "results": results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

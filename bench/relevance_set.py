"""How the committed relevance set (bench/data/search_corpus.jsonl, bench/data/search_queries.jsonl) was made.

    uv run python bench/relevance_set.py   # writes both files; run once, before any ranking was tuned

The corpus is 340 jobs from bench/synth.py (seed 2026, ten of each of the 34 topics, shuffled). Each query below was
judged by what the job is *about* — the topic the job was written from and, for a few queries, its
work-style attributes — never by whether the words of the query occur in it: a person searching 「経理」
wants the bookkeeping and invoice jobs whether or not they say 経理, and a job that only mentions Excel in
passing is not an Excel job. Highly relevant = 2, relevant = 1 (the grades of `hataraku search eval`).

The files are committed and must not be regenerated to fit the ranking; a change to synth.py that alters
seed 2026's output does not change them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    from bench.synth import TOPICS, job
except ModuleNotFoundError:  # run as a script
    from synth import TOPICS, job  # type: ignore[no-redef]

DATA = Path(__file__).resolve().parent / "data"
Job = dict[str, Any]

TRANSLATION = {"translate-en-ja", "translate-ja-en", "translate-zh", "translate-ko"}
ENTRY = {"entry-survey", "entry-ec", "entry-card"}
WEB = {"site-wordpress", "site-lp", "site-update", "a11y-audit"}
EXCEL_SKILL = {t.key for t in TOPICS if "Excel" in t.skills}


def topics(high: set[str], rel: set[str] | None = None) -> Callable[[Job], int]:
    rel = rel or set()
    return lambda j: 2 if j["topic"] in high else 1 if j["topic"] in rel else 0


def beginner(j: Job) -> int:
    return 2 if j["beginner_welcome"] else 0


def translation_without_calls(j: Job) -> int:
    if j["topic"] not in TRANSLATION:
        return 0
    return 2 if j["meetings"] == "none" else 1 if j["meetings"] == "text_chat" else 0


def remote_entry(j: Job) -> int:
    return 2 if j["topic"] in ENTRY and "prefecture" not in j else 0


QUERIES: list[tuple[str, Callable[[Job], int]]] = [
    ("翻訳", topics(TRANSLATION)),
    ("英語 翻訳", topics({"translate-en-ja", "translate-ja-en"})),
    ("英訳", topics({"translate-ja-en"}, {"translate-en-ja"})),
    ("和訳", topics({"translate-en-ja"}, {"translate-ja-en"})),
    ("中国語", topics({"translate-zh"})),
    ("韓国語 翻訳", topics({"translate-ko"})),
    ("経理", topics({"invoice-check", "bookkeeping"}, {"payroll-check"})),
    ("記帳", topics({"bookkeeping"}, {"invoice-check"})),
    ("簿記", topics({"bookkeeping", "invoice-check"}, {"payroll-check"})),
    ("給与計算", topics({"payroll-check"})),
    ("請求書", topics({"invoice-check"}, {"bookkeeping", "tools-excel-vba"})),
    ("会計ソフト", topics({"bookkeeping"})),
    ("データ入力", topics(ENTRY)),
    ("ﾃﾞｰﾀ入力", topics(ENTRY)),
    ("入力作業", topics(ENTRY, {"bookkeeping"})),
    ("在宅 データ入力", remote_entry),
    ("名刺", topics({"entry-card"}, {"logo"})),
    ("商品登録", topics({"entry-ec"}, {"site-update"})),
    ("アンケート", topics({"survey", "entry-survey"})),
    ("文字起こし", topics({"transcribe"}, {"article-interview"})),
    ("テープ起こし", topics({"transcribe"})),
    ("動画編集", topics({"video-edit"})),
    ("YouTube", topics({"video-edit"})),
    ("ナレーション", topics({"narration"})),
    ("校正", topics({"proofread", "proofread-tech"})),
    ("校閲", topics({"proofread", "proofread-tech"})),
    ("誤字脱字", topics({"proofread"}, {"proofread-tech"})),
    ("技術文書 校正", topics({"proofread-tech"}, {"proofread"})),
    ("記事", topics({"article-seo", "article-interview"}, {"sns-writing"})),
    ("ライティング", topics({"article-seo", "article-interview", "sns-writing"})),
    ("ブログ 記事", topics({"article-seo"}, {"article-interview"})),
    ("インタビュー", topics({"article-interview"}, {"transcribe"})),
    ("SNS", topics({"sns-ops", "sns-writing"}, {"banner"})),
    ("インスタグラム", topics({"sns-ops", "sns-writing"})),
    ("Instagram", topics({"sns-ops", "sns-writing"})),
    ("ロゴ", topics({"logo"})),
    ("ロゴ デザイン", topics({"logo"})),
    ("バナー", topics({"banner"})),
    ("チラシ", topics({"banner"})),
    ("イラスト", topics({"illust"})),
    ("ホームページ制作", topics({"site-wordpress"}, {"site-lp", "site-update"})),
    ("ホームページ", topics({"site-wordpress", "site-update"}, {"site-lp"})),
    ("WordPress", topics({"site-wordpress", "site-update"}, {"article-seo"})),
    ("ワードプレス", topics({"site-wordpress", "site-update"}, {"article-seo"})),
    ("ＷＥＢ", topics(WEB, {"webapp-django", "webapp-php"})),
    ("ウェブサイト", topics({"site-wordpress", "site-lp", "site-update"}, {"a11y-audit"})),
    ("Excel", topics({"tools-excel-vba"}, EXCEL_SKILL)),
    ("エクセル", topics({"tools-excel-vba"}, EXCEL_SKILL)),
    ("マクロ", topics({"tools-excel-vba"})),
    ("VBA", topics({"tools-excel-vba"})),
    ("Python", topics({"webapp-django"})),
    ("PHP", topics({"webapp-php"})),
    ("アプリ開発", topics({"webapp-django", "webapp-php"}, {"test-manual"})),
    ("動作テスト", topics({"test-manual"})),
    ("アクセシビリティ", topics({"a11y-audit"})),
    ("スクリーンリーダー", topics({"a11y-audit"})),
    ("リサーチ", topics({"research-list", "research-market"})),
    ("営業リスト", topics({"research-list"})),
    ("市場調査", topics({"research-market"}, {"survey"})),
    ("初心者歓迎", beginner),
    ("打ち合わせなし 翻訳", translation_without_calls),
    ("freee", topics({"bookkeeping"})),
]


def corpus() -> list[Job]:
    rng = random.Random(2026)
    chosen = [t for t in TOPICS for _ in range(10)]
    rng.shuffle(chosen)
    return [job(i, rng, topic) for i, topic in enumerate(chosen, start=1)]


def main() -> None:
    jobs = corpus()
    DATA.mkdir(exist_ok=True)
    with (DATA / "search_corpus.jsonl").open("w") as out:
        for j in jobs:
            out.write(json.dumps(j, ensure_ascii=False) + "\n")
    with (DATA / "search_queries.jsonl").open("w") as out:
        for q, judge in QUERIES:
            grades = {j["id"]: judge(j) for j in jobs}
            line = {
                "q": q,
                "relevant": [i for i, g in grades.items() if g == 1],
                "highly_relevant": [i for i, g in grades.items() if g == 2],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{len(jobs)} jobs, {len(QUERIES)} queries")


if __name__ == "__main__":
    main()

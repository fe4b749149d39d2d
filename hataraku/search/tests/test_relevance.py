"""The committed relevance set (bench/data/, judged before the ranking was tuned; bench/relevance_set.py
says how) must not get worse, and the figures are computed as documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from hataraku.search import evaluation
from hataraku.search.corpus import read_jsonl

DATA = Path(__file__).resolve().parents[3] / "bench" / "data"

# A little below what the ranking measured when these were set (recall@20 0.848, nDCG@10 0.881, MRR 0.979
# on SQLite and PostgreSQL alike; README § Search).
FLOOR = {"recall@20": 0.82, "ndcg@10": 0.85, "mrr": 0.95}


@pytest.mark.django_db
def test_relevance_set_does_not_regress() -> None:
    jobs = list(read_jsonl(DATA / "search_corpus.jsonl"))
    queries = list(read_jsonl(DATA / "search_queries.jsonl"))
    assert len(queries) >= 50
    result = evaluation.run(jobs, queries)
    for name, floor in FLOOR.items():
        assert result["metrics"][name] >= floor, (name, result["metrics"])
    assert [q["q"] for q in result["queries"]] == [q["q"] for q in queries]
    assert all(len(q["ranked"]) <= 20 for q in result["queries"])


def test_metrics_by_hand() -> None:
    judged = {"a": 2, "b": 1, "c": 1}
    # the ideal order scores 1; nothing found scores 0
    assert evaluation.ndcg_at(["a", "b", "c"], judged) == pytest.approx(1.0)
    assert evaluation.ndcg_at(["x", "y"], judged) == 0.0
    # recall counts judged jobs found, out of at most 20
    assert evaluation.recall_at(["b", "x", "a"], judged) == pytest.approx(2 / 3)
    assert evaluation.recall_at([f"j{i}" for i in range(20)], {f"j{i}": 1 for i in range(40)}) == 1.0
    # the first judged job at rank 2
    assert evaluation.reciprocal_rank(["x", "c"], judged) == 0.5
    metrics = evaluation.metrics([({"q": "a", "relevant": ["b"], "highly_relevant": ["a"]}, ["a", "b"])])
    assert metrics["recall@20"] == 1.0 and metrics["mrr"] == 1.0 and metrics["queries"] == 1

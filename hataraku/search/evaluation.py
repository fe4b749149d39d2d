"""Relevance figures for a set of judged queries (`hataraku search eval`; bench/search.py).

- recall@20: the share of a query's judged jobs (either grade) found in its top 20, out of at most 20
  (a query with 40 relevant jobs that fills its top 20 with them scores 1);
- nDCG@10: graded gain (highly relevant 2, relevant 1) with the log2 discount, over the ideal order;
- MRR: 1 / rank of the first judged job in the top 20 (0 if none).
Each is the mean over the queries that have at least one judged job.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from . import corpus, services
from .selectors import search_jobs


def grades(query: dict[str, Any]) -> dict[Any, int]:
    g = {i: 1 for i in query.get("relevant", [])}
    g.update({i: 2 for i in query.get("highly_relevant", [])})
    return g


def recall_at(ranked: Sequence[Any], judged: dict[Any, int], k: int = 20) -> float:
    hits = sum(1 for i in ranked[:k] if judged.get(i))
    return hits / min(k, len(judged))


def ndcg_at(ranked: Sequence[Any], judged: dict[Any, int], k: int = 10) -> float:
    dcg = sum(judged.get(i, 0) / math.log2(r + 2) for r, i in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(r + 2) for r, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def reciprocal_rank(ranked: Sequence[Any], judged: dict[Any, int], k: int = 20) -> float:
    for r, i in enumerate(ranked[:k]):
        if judged.get(i):
            return 1 / (r + 1)
    return 0.0


def metrics(results: list[tuple[dict[str, Any], list[Any]]]) -> dict[str, float]:
    """Mean figures over (query line, ranked corpus ids) pairs."""
    scored = [(grades(q), ranked) for q, ranked in results if grades(q)]
    if not scored:
        return {"recall@20": 0.0, "ndcg@10": 0.0, "mrr": 0.0, "queries": 0}
    n = len(scored)
    return {
        "recall@20": round(sum(recall_at(r, g) for g, r in scored) / n, 4),
        "ndcg@10": round(sum(ndcg_at(r, g) for g, r in scored) / n, 4),
        "mrr": round(sum(reciprocal_rank(r, g) for g, r in scored) / n, 4),
        "queries": n,
    }


def run(jobs: list[dict[str, Any]], queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Load `jobs` into the current (throw-away) database, index them through the search services and
    rank every query with `search_jobs`: `{"metrics": {...}, "queries": [{"q", "ranked": [ids]}]}`."""
    ids = corpus.load_jobs(jobs)
    services.index_rebuild()
    back = {pk: cid for cid, pk in ids.items()}
    results = [(q, [back[pk] for pk in search_jobs(str(q["q"]), limit=20).ids]) for q in queries]
    return {"metrics": metrics(results), "queries": [{"q": q["q"], "ranked": r} for q, r in results]}

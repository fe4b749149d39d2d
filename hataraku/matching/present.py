"""One plain-data shape of a ranked job, shared by the API, `hataraku match` and `hataraku match eval`,
so outside checks read exactly what the page shows."""

from __future__ import annotations

from typing import Any

from hataraku.core.wages import WageFloor

from .selectors import Recommendation, Recommendations


def floor_dict(floor: WageFloor | None) -> dict[str, Any] | None:
    if floor is None:
        return None
    return {
        "amount_yen": floor.amount,
        "prefecture": floor.prefecture,
        "area": floor.area,
        "fiscal_year": floor.fiscal_year,
        "effective_from": floor.effective_from.isoformat(),
        "source": floor.source,
        "label": floor.label(),
    }


def recommendation_dict(rec: Recommendation, *, job_id: Any = None) -> dict[str, Any]:
    f, ranked = rec.feasibility, rec.ranked
    return {
        "job_id": rec.job.pk if job_id is None else job_id,
        "title": rec.job.title,
        "feasibility": "can" if f.overridden else str(f.verdict),
        "feasibility_label": f.label,
        "overridden": f.overridden,
        "reason": f.reason,
        "reasons": list(f.reasons),
        "why": list(ranked.why),
        "available_minutes": f.available_minutes,
        "needed_minutes": f.needed_minutes,
        "effective_hourly_min_yen": ranked.pay.low,
        "effective_hourly_max_yen": ranked.pay.high,
        "effective_hourly_text": ranked.pay.text(),
        "below_minimum_wage": ranked.below_floor,
        "minimum_wage": floor_dict(ranked.floor),
        "score": ranked.score,
        "mark": rec.mark,
    }


def recommendations_dict(result: Recommendations) -> dict[str, Any]:
    return {
        "order": result.order,
        "show_all": result.show_all,
        "hidden_cannot": result.hidden_cannot,
        # True when the list stopped reading early: hidden_cannot is then "at least".
        "hidden_cannot_more": result.hidden_cannot_more,
        "hidden_not_interested": result.hidden_not_interested,
        "minimum_wage": floor_dict(result.floor),
        "jobs": [recommendation_dict(r) for r in result.items],
    }

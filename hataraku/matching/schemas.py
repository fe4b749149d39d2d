"""Response shape of `GET /api/me/recommendations`."""

from __future__ import annotations

from ninja import Schema


class FloorOut(Schema):
    amount_yen: int
    prefecture: str
    area: str
    fiscal_year: int
    effective_from: str
    source: str
    label: str


class RecommendationOut(Schema):
    job_id: int
    title: str
    feasibility: str  # can / tight / cannot
    feasibility_label: str  # できる / ぎりぎり / できない
    overridden: bool
    reason: str
    reasons: list[str]
    why: list[str]
    available_minutes: int
    needed_minutes: int
    effective_hourly_min_yen: int | None
    effective_hourly_max_yen: int | None
    effective_hourly_text: str
    below_minimum_wage: bool
    minimum_wage: FloorOut | None
    score: float
    mark: str


class RecommendationsOut(Schema):
    order: str
    show_all: bool
    hidden_cannot: int
    hidden_cannot_more: bool
    hidden_not_interested: int
    minimum_wage: FloorOut | None
    jobs: list[RecommendationOut]

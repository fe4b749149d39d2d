"""Reads of the reviews app: which reviews may be seen, and the client stats shown on job pages."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from hataraku.accounts.models import User
from hataraku.contracts.constants import ContractStatus
from hataraku.contracts.models import Contract, Delivery, Milestone
from hataraku.core import clock

from .constants import RATING_NAMES, REVIEW_HIDDEN_DAYS
from .models import Review


def _visible_q(at: dt.datetime) -> Q:
    counterpart = Review.objects.filter(contract=OuterRef("contract"), reviewer=OuterRef("reviewee"))
    return Q(Exists(counterpart)) | Q(contract__completed_at__lte=at - dt.timedelta(days=REVIEW_HIDDEN_DAYS))


def visible_reviews() -> QuerySet[Review]:
    """Reviews anyone may read: both sides have written theirs, or 14 days have passed since completion."""
    return Review.objects.filter(_visible_q(clock.now()))


def visible_reviews_for(user: User) -> QuerySet[Review]:
    """Visible reviews *about* `user`, newest first."""
    return (
        visible_reviews()
        .filter(reviewee=user)
        .select_related("reviewer", "contract")
        .order_by("-submitted_at", "-pk")
    )


def is_visible(review: Review) -> bool:
    return visible_reviews().filter(pk=review.pk).exists()


def reviews_for_contract(contract: Any) -> dict[int, Review]:
    return {r.reviewer_id: r for r in Review.objects.filter(contract=contract).select_related("reviewer")}


def release_date(contract: Any) -> dt.datetime | None:
    completed = getattr(contract, "completed_at", None)
    return completed + dt.timedelta(days=REVIEW_HIDDEN_DAYS) if completed else None


@dataclass(frozen=True)
class ClientStats:
    completed_contracts: int
    average_rating: float | None
    median_days_to_acceptance: float | None
    on_time_payment_rate: float | None
    returned_delivery_share: float | None
    review_count: int = 0


def client_stats(client: User) -> ClientStats:
    """What a worker may want to know about a client before proposing.

    - completed_contracts: contracts with status completed;
    - average_rating: mean of the five ratings in *visible* reviews about the client (1 decimal);
    - median_days_to_acceptance: median days from a milestone's delivery to its acceptance;
    - on_time_payment_rate: share of accepted milestones the client accepted themselves within the
      contract's acceptance period (an automatic acceptance means the client stayed silent);
    - returned_delivery_share: share of deliveries the client returned.
    Averages are None when there is nothing to average, so the page can say 「まだありません」.
    """
    return client_stats_many([client.pk])[client.pk]


def client_stats_many(client_ids: Iterable[int]) -> dict[int, ClientStats]:
    """`client_stats` for many clients in four queries (the worker's ranked job list shows dozens of
    clients at once); one computation, so the job page and the list never disagree."""
    ids = set(client_ids)
    completed: dict[int, int] = dict(
        Contract.objects.filter(client_id__in=ids, status=ContractStatus.COMPLETED)
        .order_by()
        .values("client_id")
        .annotate(n=Count("pk"))
        .values_list("client_id", "n")
    )
    ratings: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for reviewee_id, *scores in (
        # Reviews of her as the client of the contract (a person may also have worked, and been rated, as
        # a worker: that is not her record as a client).
        visible_reviews()
        .filter(reviewee_id__in=ids, contract__client_id=F("reviewee_id"))
        .values_list("reviewee_id", *RATING_NAMES)
    ):
        ratings[reviewee_id].append(tuple(scores))
    accepted: dict[int, list[tuple[dt.datetime, dt.datetime, bool, int]]] = defaultdict(list)
    for client_id, delivered, acc, auto, limit in Milestone.objects.filter(
        contract__client_id__in=ids, delivered_at__isnull=False, accepted_at__isnull=False
    ).values_list(
        "contract__client_id", "delivered_at", "accepted_at", "auto_accepted", "contract__acceptance_days"
    ):
        if delivered is not None and acc is not None:
            accepted[client_id].append((delivered, acc, auto, limit))
    returned: dict[int, list[bool]] = defaultdict(list)
    for client_id, returned_at in Delivery.objects.filter(milestone__contract__client_id__in=ids).values_list(
        "milestone__contract__client_id", "returned_at"
    ):
        returned[client_id].append(returned_at is not None)
    return {
        client_id: _stats(
            completed.get(client_id, 0), ratings[client_id], accepted[client_id], returned[client_id]
        )
        for client_id in ids
    }


def _stats(
    completed: int,
    ratings: list[tuple[int, ...]],
    accepted: list[tuple[dt.datetime, dt.datetime, bool, int]],
    returned: list[bool],
) -> ClientStats:
    average = round(sum(sum(r) for r in ratings) / (len(ratings) * len(RATING_NAMES)), 1) if ratings else None
    days = [(acc - dlv).total_seconds() / 86400 for dlv, acc, _auto, _limit in accepted]
    median = round(statistics.median(days), 1) if days else None
    on_time = [(not auto) and (acc - dlv) <= dt.timedelta(days=limit) for dlv, acc, auto, limit in accepted]
    on_time_rate = round(sum(on_time) / len(on_time), 3) if on_time else None
    returned_share = round(sum(returned) / len(returned), 3) if returned else None
    return ClientStats(
        completed_contracts=completed,
        average_rating=average,
        median_days_to_acceptance=median,
        on_time_payment_rate=on_time_rate,
        returned_delivery_share=returned_share,
        review_count=len(ratings),
    )

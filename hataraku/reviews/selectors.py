"""Reads of the reviews app: which reviews may be seen, and the client stats shown on job pages."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

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
    completed = Contract.objects.filter(client=client, status=ContractStatus.COMPLETED).count()
    about = visible_reviews().filter(reviewee=client)
    ratings = list(about.values_list(*RATING_NAMES))
    average = round(sum(sum(r) for r in ratings) / (len(ratings) * len(RATING_NAMES)), 1) if ratings else None

    accepted: list[tuple[dt.datetime, dt.datetime, bool, int]] = [
        (delivered, acc, auto, limit)
        for delivered, acc, auto, limit in Milestone.objects.filter(
            contract__client=client, delivered_at__isnull=False, accepted_at__isnull=False
        ).values_list("delivered_at", "accepted_at", "auto_accepted", "contract__acceptance_days")
        if delivered is not None and acc is not None
    ]
    days = [(acc - dlv).total_seconds() / 86400 for dlv, acc, _auto, _limit in accepted]
    median = round(statistics.median(days), 1) if days else None
    on_time = [(not auto) and (acc - dlv) <= dt.timedelta(days=limit) for dlv, acc, auto, limit in accepted]
    on_time_rate = round(sum(on_time) / len(on_time), 3) if on_time else None

    delivery_flags = list(
        Delivery.objects.filter(milestone__contract__client=client).values_list("returned_at", flat=True)
    )
    returned_share = (
        round(sum(1 for r in delivery_flags if r is not None) / len(delivery_flags), 3)
        if delivery_flags
        else None
    )
    return ClientStats(
        completed_contracts=completed,
        average_rating=average,
        median_days_to_acceptance=median,
        on_time_payment_rate=on_time_rate,
        returned_delivery_share=returned_share,
        review_count=len(ratings),
    )

"""Writes of the reviews app."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.contracts.models import Contract
from hataraku.contracts.selectors import is_completed
from hataraku.core import clock, limits
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound

from .constants import RATING_FIELDS
from .models import Review
from .notices import REVIEW_RECEIVED_BOTH, REVIEW_RECEIVED_WAITING


def review_submit(
    *,
    contract: Any,
    reviewer: User,
    skill: int,
    quality: int,
    schedule: int,
    communication: int,
    partnership: int,
    comment: str = "",
) -> Review:
    """One review per side of a completed contract. Raises before completion, for anyone who is not a
    party (NotFound, like a missing contract), for a second review, and for ratings outside 1–5."""
    ratings = {
        "skill": skill,
        "quality": quality,
        "schedule": schedule,
        "communication": communication,
        "partnership": partnership,
    }
    for name, label in RATING_FIELDS:
        value = ratings[name]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise DomainError(_("「%(label)s」を1から5で選んでください。") % {"label": label}, field=name)
    comment = (comment or "").strip()
    limits.check_length(comment, limit=limits.REVIEW_COMMENT, field="comment")
    with transaction.atomic():
        # Lock the contract so that two tabs cannot both pass the "not yet reviewed" check.
        locked = Contract.objects.select_for_update().get(pk=contract.pk)
        if reviewer.pk == locked.client_id:
            reviewee_id = locked.worker_id
        elif reviewer.pk == locked.worker_id:
            reviewee_id = locked.client_id
        else:
            raise NotFound(_("この契約は見つかりません。"))
        if not is_completed(locked):
            raise InvalidTransition(
                _("評価は契約が完了してから書けます。すべての検収が終わるまでお待ちください。"),
                code="not_completed",
            )
        if Review.objects.filter(contract=locked, reviewer=reviewer).exists():
            raise Conflict(
                _("この契約の評価はすでに送っています。評価は1回だけ送れます。"), code="already_reviewed"
            )
        review = Review.objects.create(
            contract=locked,
            reviewer=reviewer,
            reviewee_id=reviewee_id,
            comment=comment,
            submitted_at=clock.now(),
            **ratings,
        )
        audit_record(
            actor=reviewer, action="reviews.submitted", target=review, data={"contract_id": locked.pk}
        )
        both = Review.objects.filter(contract=locked).count() == 2
        notices.notify(
            user=review.reviewee,
            code=REVIEW_RECEIVED_BOTH if both else REVIEW_RECEIVED_WAITING,
            params={"title": locked.title},
            url=reverse("reviews:contract", args=[locked.pk]),
        )
    return review

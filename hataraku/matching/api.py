"""`GET /api/me/recommendations`: the signed-in worker's ranked list, as the page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from hataraku.accounts.models import User
from hataraku.core.api_errors import ANONYMOUS, NOT_A_WORKER, ErrorOut
from hataraku.core.errors import NotFound
from hataraku.core.permissions import has_role

from . import selectors
from .constants import Order
from .present import recommendations_dict
from .schemas import RecommendationsOut

router = Router(auth=django_auth, tags=["matching"])

MAX_LIMIT = 100


@router.get(
    "/recommendations", response={200: RecommendationsOut, **ANONYMOUS, **NOT_A_WORKER, 422: ErrorOut}
)
def recommendations(
    request: HttpRequest,
    order: str = Order.RECOMMENDED.value,
    show_all: bool = False,
    q: str = "",
    limit: int = 50,
) -> Any:
    user = request.user
    if not isinstance(user, User) or not has_role(user, "worker"):
        raise NotFound()
    result = selectors.recommendations_for(
        user, order=order, show_all=show_all, q=q[:100], limit=max(1, min(limit, MAX_LIMIT))
    )
    return recommendations_dict(result)

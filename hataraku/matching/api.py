"""`GET /api/me/recommendations`: the signed-in worker's ranked list, as the page shows it, with the job
list's own filters (the parameters of /jobs/, checked by its form: filters.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.security import django_auth

from hataraku.accounts.models import User
from hataraku.core.api_errors import ANONYMOUS, NOT_A_WORKER, ErrorOut
from hataraku.core.errors import NotFound
from hataraku.core.permissions import has_role

from . import selectors
from .constants import Order
from .filters import FilterParams, query_dict, strict_filters
from .present import recommendations_dict
from .schemas import RecommendationsOut

router = Router(auth=django_auth, tags=["matching"])

MAX_LIMIT = 100


@router.get(
    "/recommendations", response={200: RecommendationsOut, **ANONYMOUS, **NOT_A_WORKER, 422: ErrorOut}
)
def recommendations(
    request: HttpRequest,
    filters: Query[FilterParams],  # type: ignore[valid-type]
    order: str = Order.RECOMMENDED.value,
    show_all: bool = False,
    limit: int = 50,
) -> Any:
    """Every parameter of /jobs/ filters as it does there (q, category, pay_type, pay_min, …); a value
    the job list's form refuses answers 422 with its reason."""
    user = request.user
    if not isinstance(user, User) or not has_role(user, "worker"):
        raise NotFound()
    result = selectors.recommendations_for(
        user,
        order=order,
        show_all=show_all,
        filters=strict_filters(query_dict(filters)),
        limit=max(1, min(limit, MAX_LIMIT)),
    )
    return recommendations_dict(result)

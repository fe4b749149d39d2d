"""What the contract views share: who may open them, the idempotency key, and turning a DomainError into a
message or a form error."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from hataraku.core import clock
from hataraku.core.errors import DomainError
from hataraku.core.forms import add_domain_error
from hataraku.ledger.idempotency import require_key

from .. import hourly, services
from ..constants import ContractStatus, WeekStatus
from ..models import Contract, HourlyWeek

PARTIES = ("worker", "client")


def form_key(request: HttpRequest) -> str:
    """The idempotency key the form carried. It comes from the form so that a double click or a resent POST
    acts once; a form without one is refused (a DomainError the view shows: "reload the page"), since a
    made-up key would let a resend act twice."""
    return require_key(request.POST.get("idempotency_key"))


def attempt(request: HttpRequest, action: Callable[[], object], success: str) -> None:
    """Run a POST-and-redirect view's service call: its DomainError becomes an error message, success the
    given message."""
    try:
        action()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


def attempt_form(form: Any, action: Callable[[], object]) -> bool:
    """Run a form view's service call; a DomainError goes onto the form (and False comes back)."""
    try:
        action()
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    return True


def loggable_weeks(contract: Contract, weeks: Sequence[HourlyWeek]) -> list[dict[str, Any]]:
    """The weeks the worker can still log time to (this week and last week, from activation), with the
    day each closes for logging and whether it is still open to her."""
    if not contract.is_hourly or contract.status != ContractStatus.ACTIVE:
        return []
    by_start = {w.week_start: w for w in weeks}
    rows = []
    for start in hourly.loggable_weeks(
        activated_on=services.contract_activated_on(contract), today=clock.today()
    ):
        week = by_start.get(start)
        rows.append(
            {
                "start": start,
                "closes_on": hourly.logging_closes_on(start),
                "week": week,
                "open": week is None or week.status == WeekStatus.OPEN,
            }
        )
    return rows

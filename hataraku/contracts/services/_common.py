"""Pieces every contracts service shares: who may act, the state moves of contracts, milestones and
weeks, how a notice is sent, and how the client is asked for money."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hataraku.accounts.models import User
from hataraku.core import clock, state
from hataraku.core import notifications as notices
from hataraku.core.errors import DomainError, NotFound, PermissionDenied
from hataraku.ledger.selectors import escrow_held, escrow_pending_funding
from hataraku.payments import services as payments
from hataraku.payments.constants import Provider
from hataraku.payments.providers import enabled_providers

from ..constants import ContractStatus
from ..events import status_changed
from ..models import Contract, HourlyWeek, Milestone


def notify(*, user: Any, code: str, params: Mapping[str, str | int] | None = None, url: str = "") -> None:
    """Tell `user` about `code` (declared in contracts/notices.py). Called inside the service's
    transaction: the notice commits with the change, and its e-mail is sent only after commit."""
    notices.notify(user=user, code=code, params=params or {}, url=url)


def contract_url(contract: Contract) -> str:
    return contract.get_absolute_url()


def week_url(contract: Contract) -> str:
    return contract_url(contract) + "#c-weeks"


def date_words(day: dt.date) -> str:
    return date_format(day, "DATE_FORMAT")


def is_party(contract: Contract, user: User | None) -> bool:
    return bool(user is not None and user.pk in (contract.client_id, contract.worker_id))


def other_party(contract: Contract, user: User) -> Any:
    return contract.worker if user.pk == contract.client_id else contract.client


def require_party(contract: Contract, actor: User | None) -> None:
    """Anyone but the two parties is told the contract does not exist (404, never 403)."""
    if not is_party(contract, actor):
        raise NotFound(_("契約が見つかりません。"))


def require_client(contract: Contract, actor: User | None) -> None:
    require_party(contract, actor)
    if actor is None or actor.pk != contract.client_id:
        raise PermissionDenied(_("この操作はクライアントだけができます。"))


def require_worker(contract: Contract, actor: User) -> None:
    require_party(contract, actor)
    if actor.pk != contract.worker_id:
        raise PermissionDenied(_("この操作はワーカーだけができます。"))


def require_staff(actor: User) -> None:
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("見つかりません。"))


# --- state moves -------------------------------------------------------------------------------------------


def _event(actor: User | None) -> state.EventFactory:
    actor_id = getattr(actor, "pk", None)
    return lambda row, previous: status_changed(row, previous, actor_id=actor_id)


def contract_transition(
    *, contract: Contract, target: str, actor: User | None, data: dict[str, Any] | None = None
) -> Contract:
    """Move a contract along CONTRACT_TRANSITIONS (`core.state.transition`: lock, check, audit, announce).
    Call inside the caller's atomic block (or alone: it opens its own)."""
    fields: dict[str, Any] = {}
    if target == ContractStatus.COMPLETED:
        fields["completed_at"] = clock.now()
    elif target == ContractStatus.ACTIVE:
        # Hourly time may be logged from this day on, never before (`hourly.work_date_error`).
        fields["activated_at"] = clock.now()
    return state.transition(
        contract,
        target=target,
        actor=actor,
        action="contract.transition",
        refusal=_("この契約は「%(status)s」のため、この操作はできません。"),
        data=data,
        fields=fields,
        event=_event(actor),
    )


def milestone_transition(
    *,
    milestone: Milestone,
    target: str,
    actor: User | None,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Milestone:
    """Move a milestone along MILESTONE_TRANSITIONS, setting `fields` with it. Locks the milestone row."""
    return state.transition(
        milestone,
        target=target,
        actor=actor,
        action="milestone.transition",
        refusal=_("このマイルストーンは「%(status)s」のため、この操作はできません。"),
        data={"contract": milestone.contract_id, **(data or {})},
        fields=fields,
        event=_event(actor),
    )


def week_transition(
    *, week: HourlyWeek, target: str, actor: User | None, data: dict[str, Any] | None = None, **fields: Any
) -> HourlyWeek:
    """Move an hourly week along WEEK_TRANSITIONS, setting `fields` with it. Locks the week row."""
    return state.transition(
        week,
        target=target,
        actor=actor,
        action="hourly_week.transition",
        refusal=_("この週は「%(status)s」のため、この操作はできません。"),
        data={"contract": week.contract_id, **(data or {})},
        fields=fields,
        event=_event(actor),
    )


# --- money ---------------------------------------------------------------------------------------------------


def escrow_is_funded(escrow: Any, amount: int) -> bool:
    return bool(escrow is not None and escrow_held(escrow) >= amount)


def escrow_awaits_funding(escrow: Any) -> bool:
    """A funding of this escrow was started and is neither posted nor voided yet."""
    return bool(escrow is not None and escrow_pending_funding(escrow) > 0)


def request_funding(
    *, contract: Contract, escrow: Any, amount: int, idempotency_key: str, provider: str | None = None
) -> None:
    """Ask the client for the money through the payments app: by bank transfer (default) it gets a
    reference code (受付番号) for the client and appears in the staff's queue; by card it opens a Stripe
    Checkout page. Either way the ledger funding is posted when the money is ours, and its `FundingPosted`
    event funds the milestone or releases the week (contracts/handlers.py)."""
    chosen = provider or Provider.BANK_TRANSFER
    if chosen not in enabled_providers():
        raise DomainError(
            _("この支払い方法は使えません。銀行振込をお選びください。"), code="unknown_provider"
        )
    payments.funding_request(
        client=contract.client,
        escrow=escrow,
        amount=amount,
        provider=chosen,
        idempotency_key=idempotency_key,
    )

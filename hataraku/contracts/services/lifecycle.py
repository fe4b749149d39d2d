"""The written terms (each version generated from the contract as it is) and the end of a fixed
contract once its last milestone is finished."""

from __future__ import annotations

from typing import Any

from hataraku.accounts.models import User
from hataraku.core import clock

from .. import notices
from .. import terms as terms_lib
from ..constants import ContractKind, ContractStatus, MilestoneStatus
from ..models import ChangeRequest, Contract, ContractTerms
from ._common import contract_transition, contract_url, notify


def _terms_data(contract: Contract) -> dict[str, Any]:
    milestones = [
        {"order": m.order, "title": m.title, "amount": m.amount, "due_date": m.due_date}
        for m in contract.milestones.exclude(status=MilestoneStatus.CANCELLED).order_by("order")
    ]
    return terms_lib.build_terms_data(
        contract_title=contract.title,
        description=contract.description,
        client_name=contract.client.name_for_display,
        worker_name=contract.worker.name_for_display,
        commissioned_on=contract.commissioned_on or clock.today(),
        kind=contract.kind,
        acceptance_days=contract.acceptance_days,
        withholding=contract.withholding,
        milestones=milestones,
        hourly_rate=contract.hourly_rate,
        weekly_hour_cap=contract.weekly_hour_cap,
    )


def terms_generate(*, contract: Contract, change_request: ChangeRequest | None = None) -> ContractTerms:
    """Write the next version of the terms from the contract as it is now. Inside the caller's atomic."""
    data = _terms_data(contract)
    text = terms_lib.render_terms_text(data)
    last = contract.terms.order_by("-version").first()
    version = (last.version + 1) if last else 1
    return ContractTerms.objects.create(
        contract=contract,
        version=version,
        data=data,
        text=text,
        text_hash=terms_lib.text_hash(text),
        created_at=clock.now(),
        change_request=change_request,
    )


def notify_completed(contract: Contract) -> None:
    for party in (contract.client, contract.worker):
        notify(
            user=party,
            code=notices.COMPLETED,
            params={"title": contract.title},
            url=contract_url(contract),
        )


def maybe_complete(contract: Contract, actor: User | None) -> None:
    """A fixed contract is completed when every milestone is finished — released, or cancelled by a
    dispute that refunded it. Even when a dispute refunded everything the contract ends `completed`,
    not `cancelled`: the parties worked together and both may review it; `cancelled` is kept for an
    offer that never became a contract. Hourly contracts end through `contract_complete`."""
    if contract.kind != ContractKind.FIXED or contract.status != ContractStatus.ACTIVE:
        return
    milestones = contract.milestones.all()
    open_ = milestones.exclude(status__in=[MilestoneStatus.RELEASED, MilestoneStatus.CANCELLED])
    if milestones.exists() and not open_.exists():
        contract_transition(contract=contract, target=ContractStatus.COMPLETED, actor=actor)
        notify_completed(contract)

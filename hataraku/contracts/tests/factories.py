"""Contract test helpers. Contracts are made through the real services (offer, agree, fund), so tests
exercise the same path production uses."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from hataraku.accounts.tests.factories import ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from hataraku.contracts import services
from hataraku.contracts.models import Contract, Milestone
from hataraku.core import clock
from hataraku.jobs.constants import PayType
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory, ProposalMilestoneFactory, category
from hataraku.ledger import services as ledger
from hataraku.ledger.models import Funding

__all__ = [
    "ClientFactory",
    "MunicipalFactory",
    "StaffFactory",
    "UserFactory",
    "active_contract",
    "deliver",
    "funded_milestone",
    "key",
    "offered_contract",
    "post_escrow_funding",
    "post_funding",
]

_keys = itertools.count(1)


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_keys)}"


def offered_contract(
    *,
    client: Any = None,
    worker: Any = None,
    milestones: int = 0,
    hourly: bool = False,
    category_slug: str = "office-entry",
    amount: int = 30_000,
    weekly_hour_cap: int = 10,
) -> Contract:
    client = client or ClientFactory()
    worker = worker or UserFactory()
    job_kwargs: dict[str, Any] = {"client": client, "category": category(category_slug)}
    if hourly:
        job_kwargs.update(
            pay_type=PayType.HOURLY, weekly_hour_cap=weekly_hour_cap, budget_min=None, budget_max=None
        )
    job = JobFactory(**job_kwargs)
    proposal = ProposalFactory(job=job, worker=worker, amount=amount)
    for i in range(milestones):
        ProposalMilestoneFactory(
            proposal=proposal,
            order=i + 1,
            title=f"工程 {i + 1}",
            amount=amount // milestones,
            due_date=clock.today() + dt.timedelta(days=10 * (i + 1)),
        )
    return services.contract_offer(proposal=proposal, actor=client, idempotency_key=key("offer"))


def active_contract(**kwargs: Any) -> Contract:
    contract = offered_contract(**kwargs)
    version = contract.current_terms().version  # type: ignore[union-attr]
    services.contract_agree(contract=contract, actor=contract.worker, terms_version=version)
    services.contract_agree(contract=contract, actor=contract.client, terms_version=version)
    contract.refresh_from_db()
    return contract


def post_funding(milestone: Milestone) -> None:
    """Staff confirm the client's bank transfer (what the payments app does in production)."""
    post_escrow_funding(milestone.escrow)


def post_escrow_funding(escrow: Any) -> None:
    """Staff confirm the latest funding of `escrow` (a milestone's, a week's or a bonus's)."""
    from hataraku.payments import services as payments
    from hataraku.payments.models import ProviderFunding

    funding = Funding.objects.filter(escrow=escrow).order_by("-id").first()
    assert funding is not None
    transfer = ProviderFunding.objects.filter(funding=funding).first()
    if transfer is not None:
        payments.funding_confirm(provider_funding=transfer, actor=None)
    else:
        ledger.funding_post(funding=funding, actor=None, idempotency_key=key("post"))


def funded_milestone(contract: Contract | None = None, **kwargs: Any) -> Milestone:
    contract = contract or active_contract(**kwargs)
    milestone = contract.milestones.filter(status="pending").order_by("order").first()
    assert milestone is not None
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    post_funding(milestone)
    services.milestone_sync_funding(milestone=milestone)
    milestone.refresh_from_db()
    return milestone


def deliver(milestone: Milestone, message: str = "納品します。ご確認ください。") -> Milestone:
    services.milestone_deliver(milestone=milestone, actor=milestone.contract.worker, message=message)
    milestone.refresh_from_db()
    return milestone

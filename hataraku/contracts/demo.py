"""Demo contracts between 株式会社ひだまり出版 and the worker personas, one in each state. Idempotent: every
step looks at the current state first, so running the demo twice changes nothing the second time.

Runs after the jobs demo; it makes its own jobs and proposals (by fixed titles) so it does not depend on
which jobs that demo creates. Bank transfers are confirmed at once here (in production staff confirm),
except one left waiting in the staff's queue."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from hataraku.jobs.models import Category, Job, Proposal, ProposalMilestone
from hataraku.ledger import services as ledger
from hataraku.ledger.models import Funding
from hataraku.payments import services as payments
from hataraku.payments.constants import ProviderFundingStatus
from hataraku.payments.models import ProviderFunding

from . import services
from .constants import ContractStatus, MilestoneStatus
from .models import Contract, Milestone

DEMO = [
    # (key, worker, category, title, amount, milestones[(title, amount, days)], target state)
    (
        "completed",
        "sakura",
        "office-entry",
        "読者アンケート結果のデータ入力",
        24_000,
        [("アンケート200枚の入力", 24_000, 10)],
        "released",
    ),
    (
        "delivered",
        "sakura",
        "writing-article",
        "新刊の紹介文(5冊分)の作成",
        30_000,
        [("紹介文 前半3冊", 18_000, 10), ("紹介文 後半2冊", 12_000, 20)],
        "delivered",
    ),
    (
        "funded",
        "kenichi",
        "office-bookkeeping",
        "出版取次の請求書と入金の照合",
        40_000,
        [("10月分の照合", 20_000, 14), ("11月分の照合", 20_000, 28)],
        "funded",
    ),
    (
        "transfer",
        "shota",
        "office-entry",
        "商品マスタ300件の表記ゆれの修正",
        21_000,
        [("前半150件", 10_500, 10), ("後半150件", 10_500, 20)],
        "transfer",
    ),
    (
        "cancelled",
        "misaki",
        "office-entry",
        "名刺100枚のデータ化",
        8_000,
        [],
        "cancelled",
    ),
    (
        "offered",
        "misaki",
        "translation-en",
        "英文プレスリリースの翻訳と校正",
        36_000,
        [],
        "offered",
    ),
]


def _job(client: Any, slug: str, title: str, amount: int) -> Job:
    today = clock.today()
    job, _created = Job.objects.get_or_create(
        client=client,
        title=title,
        defaults={
            "description_md": f"{title}をお願いします。資料はすべて画面読み上げで読めるテキストでお渡しします。",
            "category": Category.objects.get(slug=slug),
            "skills": [],
            "pay_type": PayType.FIXED,
            "budget_min": amount,
            "budget_max": amount,
            "estimated_hours": 10,
            "deadline": today + dt.timedelta(days=30),
            "proposal_deadline": today + dt.timedelta(days=7),
            "meeting_style": MeetingStyle.TEXT_CHAT,
            "interruptible": True,
            "status": JobStatus.PUBLISHED,
            "published_at": clock.now(),
        },
    )
    return job


def _fund_now(milestone: Milestone, client: Any, key: str, *, confirm: bool = True) -> None:
    services.milestone_fund(milestone=milestone, actor=client, idempotency_key=key)
    milestone.refresh_from_db()
    if not confirm:  # left in the staff's queue of transfers to confirm
        return
    # Confirmed the way staff do it, so the payments app's transfer and receipt agree with the ledger.
    for pf in ProviderFunding.objects.filter(escrow=milestone.escrow, status=ProviderFundingStatus.PENDING):
        payments.funding_confirm(provider_funding=pf, actor=None)
    for funding in Funding.objects.filter(escrow=milestone.escrow, status="pending"):
        ledger.funding_post(funding=funding, actor=None, idempotency_key=f"{key}:post:{funding.pk}")
    services.milestone_sync_funding(milestone=milestone)
    milestone.refresh_from_db()


def load(people: dict[str, Any]) -> None:
    ensure_categories()
    client = people["hidamari"]
    today = clock.today()
    for key, worker_key, slug, title, amount, milestones, target in DEMO:
        worker = people[worker_key]
        job = _job(client, slug, title, amount)
        proposal, created = Proposal.objects.get_or_create(
            job=job,
            worker=worker,
            defaults={
                "amount": amount,
                "delivery_date": today + dt.timedelta(days=max([d for _t, _a, d in milestones] or [14])),
                "message": "お子さんのお昼寝の時間と夜に進めます。途中で中断しても続きから作業できます。",
                "status": ProposalStatus.OFFERED,
            },
        )
        if created:
            for i, (m_title, m_amount, days) in enumerate(milestones, start=1):
                ProposalMilestone.objects.create(
                    proposal=proposal,
                    order=i,
                    title=m_title,
                    amount=m_amount,
                    due_date=today + dt.timedelta(days=days),
                )
        contract = services.contract_offer(
            proposal=proposal, actor=client, idempotency_key=f"demo-contract-{key}"
        )
        if target == "offered":
            continue
        if target == "cancelled":
            if contract.status == ContractStatus.OFFERED:
                services.contract_cancel_offer(contract=contract, actor=client)
            continue
        if contract.status == ContractStatus.OFFERED:
            version = contract.current_terms().version  # type: ignore[union-attr]
            if contract.agreed_by_worker_at is None:
                services.contract_agree(contract=contract, actor=worker, terms_version=version)
            if contract.agreed_by_client_at is None:
                services.contract_agree(contract=contract, actor=client, terms_version=version)
            contract.refresh_from_db()
        first = contract.milestones.order_by("order").first()
        assert first is not None
        if first.status == MilestoneStatus.PENDING and first.escrow_id is None:
            _fund_now(first, client, f"demo-fund-{key}", confirm=target != "transfer")
        if target in ("funded", "transfer"):
            continue
        if first.status == MilestoneStatus.FUNDED:
            services.milestone_deliver(
                milestone=first,
                actor=worker,
                message="納品いたします。ご確認をお願いします。気になる点があれば、テキストでお知らせください。",
            )
            first.refresh_from_db()
        if target == "released" and first.status == MilestoneStatus.DELIVERED:
            services.milestone_accept(milestone=first, actor=client)


def contracts_of_demo() -> list[Contract]:
    return list(Contract.objects.filter(offer_key__startswith="demo-contract-"))

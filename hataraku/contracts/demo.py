"""Demo contracts between 株式会社ひだまり出版 and the worker personas, one in each state. Idempotent: every
step looks at the current state first, so running the demo twice changes nothing the second time.

Runs after the jobs demo; it makes its own jobs and proposals (by fixed titles) so it does not depend on
which jobs that demo creates. Bank transfers are confirmed at once here (in production staff confirm),
except one left waiting in the staff's queue.

Besides one contract in each state there are the cases people meet along the way: an hourly contract
with a submitted week of logged time waiting for the client's review (and this week still open), a delivery returned once with a reason, a
caregiving extension request from 山本 健一 waiting for an answer, and a change of terms the client
proposed that the worker has not answered yet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from hataraku.jobs.models import Category, Job, Proposal, ProposalMilestone
from hataraku.jobs.rendering import render_markdown
from hataraku.ledger import services as ledger
from hataraku.ledger.constants import FundingStatus
from hataraku.ledger.models import Funding
from hataraku.payments import services as payments
from hataraku.payments.models import ProviderFunding

from . import services
from .constants import AccommodationKind, AccommodationReason, ContractStatus, MilestoneStatus
from .models import (
    AccommodationRequest,
    Bonus,
    ChangeRequest,
    Contract,
    Milestone,
    MilestoneCancellation,
    TimeEntry,
)

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
        "returned",
        "shota",
        "writing-proofread",
        "社内報12月号の校正",
        16_000,
        [("社内報12月号の校正", 16_000, 10)],
        "returned",
    ),
    (
        "disputed",
        "misaki",
        "writing-proofread",
        "絵本のテキストの校正(3冊)",
        12_000,
        [("絵本3冊の校正", 12_000, 7)],
        "disputed",
    ),
    (
        "agreed_cancel",
        "kenichi",
        "office-bookkeeping",
        "経費精算書の入力(2か月分)",
        30_000,
        [("9月分の入力", 15_000, 10), ("10月分の入力", 15_000, 20)],
        "agreed_cancel",
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
    description = f"{title}をお願いします。資料はすべて画面読み上げで読めるテキストでお渡しします。"
    job, _created = Job.objects.get_or_create(
        client=client,
        title=title,
        defaults={
            "description_md": description,
            "description_html": render_markdown(description),
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
    for pf in ProviderFunding.objects.filter(escrow=milestone.escrow, funding__status=FundingStatus.PENDING):
        payments.funding_confirm(provider_funding=pf, actor=None)
    for funding in Funding.objects.filter(escrow=milestone.escrow, status=FundingStatus.PENDING):
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
        if target == "agreed_cancel":
            _load_agreed_cancellation(first, client, worker)
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
        if target == "returned" and first.status == MilestoneStatus.DELIVERED and first.return_count == 0:
            services.milestone_return(
                milestone=first,
                actor=client,
                reason="3ページ目の見出しの表記が、ほかのページとそろっていませんでした。"
                "そろえていただけますか。ほかはとても読みやすいです。",
            )
        if target == "disputed":
            _load_dispute(first, client, worker)
    _load_hourly(people)
    _load_accommodation(people)
    _load_change_request(people)
    _load_bonus(people)


HOURLY_TITLE = "返品伝票の入力(時間単価・週10時間まで)"
# (day of last week, minutes, memo): a week of interrupted short blocks, as a caregiver or parent works.
HOURLY_ENTRIES = [
    (0, 90, "返品伝票 1〜40枚目の入力"),
    (2, 45, "41〜60枚目の入力(途中で中断、続きは翌日)"),
    (3, 120, "61〜120枚目の入力と読み合わせ"),
    (5, 60, "入力内容の見直しと、読めなかった伝票3枚の確認のお願い"),
]


HOURLY_TODAY_MEMO = "121〜135枚目の入力(子どもが起きたので中断)"


def _load_hourly(people: dict[str, Any]) -> None:
    """An hourly contract with 田中 翔太: last week's time submitted and waiting for the client's review,
    and half an hour logged today in this week, still open."""
    client, worker = people["hidamari"], people["shota"]
    today = clock.today()
    description = (
        "返品伝票(紙をスキャンしたPDF)を表計算ソフトに入力してください。"
        "好きな時間に、途中で中断しながら進めて大丈夫です。"
    )
    job, _created = Job.objects.get_or_create(
        client=client,
        title=HOURLY_TITLE,
        defaults={
            "description_md": description,
            "description_html": render_markdown(description),
            "category": Category.objects.get(slug="office-entry"),
            "skills": [],
            "pay_type": PayType.HOURLY,
            "hourly_rate_min": 1_200,
            "hourly_rate_max": 1_500,
            "weekly_hour_cap": 10,
            "estimated_hours": 20,
            "deadline": today + dt.timedelta(days=60),
            "proposal_deadline": today + dt.timedelta(days=7),
            "meeting_style": MeetingStyle.NONE,
            "interruptible": True,
            "min_block_minutes": 15,
            "status": JobStatus.PUBLISHED,
            "published_at": clock.now(),
        },
    )
    proposal, _created = Proposal.objects.get_or_create(
        job=job,
        worker=worker,
        defaults={
            "amount": 1_300,
            "delivery_date": today + dt.timedelta(days=60),
            "message": "夕方と夜に、1回30分ほどずつ進められます。",
            "status": ProposalStatus.OFFERED,
        },
    )
    contract = services.contract_offer(
        proposal=proposal, actor=client, idempotency_key="demo-contract-hourly"
    )
    if contract.status == ContractStatus.OFFERED:
        version = contract.current_terms().version  # type: ignore[union-attr]
        if contract.agreed_by_worker_at is None:
            services.contract_agree(contract=contract, actor=worker, terms_version=version)
        if contract.agreed_by_client_at is None:
            services.contract_agree(contract=contract, actor=client, terms_version=version)
        contract.refresh_from_db()
    if TimeEntry.objects.filter(week__contract=contract).exists():
        return
    last_monday = services.week_start_for(today) - dt.timedelta(days=7)
    # The story began before today: the contract became active the week before last, so last week's time
    # can be logged (time is never logged before activation). The one field the demo sets by hand.
    began = dt.datetime.combine(last_monday - dt.timedelta(days=7), dt.time(9), tzinfo=clock.TOKYO)
    if contract.activated_at is None or contract.activated_at > began:
        Contract.objects.filter(pk=contract.pk).update(activated_at=began)
        contract.refresh_from_db()
    for offset, minutes, memo in HOURLY_ENTRIES:
        services.time_entry_add(
            contract=contract,
            actor=worker,
            work_date=last_monday + dt.timedelta(days=offset),
            minutes=minutes,
            memo=memo,
        )
    # He hands last week in early; the client sees it waiting for review with its auto-approval date.
    last_week = contract.weeks.get(week_start=last_monday)
    services.week_submit(week=last_week, actor=worker)
    # This week is still open: he sees until when he can log to it, and may submit it early.
    services.time_entry_add(
        contract=contract, actor=worker, work_date=today, minutes=30, memo=HOURLY_TODAY_MEMO
    )


def _load_accommodation(people: dict[str, Any]) -> None:
    """山本 健一 asks to move his second milestone a week later (his reason, caregiving, is stored encrypted
    and not shown to the client); the client has not answered yet, so staff see it among the unanswered requests."""
    worker = people["kenichi"]
    contract = Contract.objects.get(offer_key="demo-contract-funded")
    if AccommodationRequest.objects.filter(contract=contract, requested_by=worker).exists():
        return
    second = contract.milestones.get(order=2)
    services.accommodation_request(
        contract=contract,
        actor=worker,
        kind=AccommodationKind.EXTENSION,
        milestone=second,
        requested_due_date=second.due_date + dt.timedelta(days=7),
        # The reason is optional; he gives it, under his special-care consent, for staff to see if the
        # client says no. The client sees only 「延長の希望」 and the dates.
        reason=AccommodationReason.CAREGIVING,
        consent_given=True,
    )


def _load_change_request(people: dict[str, Any]) -> None:
    """The client asks 中村 さくら to move the second milestone: the publication date moved. Nothing
    changes until she accepts."""
    contract = Contract.objects.get(offer_key="demo-contract-delivered")
    if ChangeRequest.objects.filter(contract=contract).exists():
        return
    second = contract.milestones.get(order=2)
    services.change_request_propose(
        contract=contract,
        actor=people["hidamari"],
        changes={
            "milestones": {str(second.pk): {"due_date": (second.due_date + dt.timedelta(days=5)).isoformat()}}
        },
        reason="後半2冊の刊行日が5日遅れることになったため、納期を合わせたいです。",
    )


CANCELLATION_WORKER_AMOUNT = 6_000


def _load_agreed_cancellation(first: Milestone, client: Any, worker: Any) -> None:
    """山本 健一 can no longer take on the September entries (his mother's care needs more of his time) and
    proposes to end that milestone with ¥6,000 for the part he entered; the client agrees. The escrow is
    split: his part is paid with fee, tax and withholding as any release, the rest goes back to the
    client's refundable balance. The October milestone stays, so the contract goes on."""
    if MilestoneCancellation.objects.filter(milestone=first).exists():
        return
    first.refresh_from_db()
    if first.status != MilestoneStatus.FUNDED:
        return
    proposal = services.cancellation_propose(
        milestone=first,
        actor=worker,
        worker_amount=CANCELLATION_WORKER_AMOUNT,
        reason="家族の介護の時間が増え、9月分を最後まで入力できなくなりました。入力済みの4割分だけお受け取りし、"
        "残りはお返ししたいです。",
        idempotency_key="demo-cancellation-1",
    )
    services.cancellation_answer(cancellation=proposal, actor=client, accept=True)


BONUS_AMOUNT = 5_000


def _load_bonus(people: dict[str, Any]) -> None:
    """The client thanks 中村 さくら with a bonus on the introductions contract: paid by bank transfer,
    confirmed as staff confirm it, then released to her with fee, tax and withholding."""
    contract = Contract.objects.get(offer_key="demo-contract-delivered")
    if Bonus.objects.filter(contract=contract).exists():
        return
    bonus = services.bonus_give(
        contract=contract,
        actor=people["hidamari"],
        amount=BONUS_AMOUNT,
        message="前半3冊の紹介文がとても読みやすく、社内でも好評でした。ささやかですが、お礼です。",
        idempotency_key="demo-bonus-1",
    )
    for pf in ProviderFunding.objects.filter(escrow=bonus.escrow, funding__status=FundingStatus.PENDING):
        payments.funding_confirm(provider_funding=pf, actor=None)
    # The FundingPosted handler pays it after commit; the demo does not wait for that.
    services.bonus_sync_release(bonus=bonus)


DISPUTE_RETURNS = [
    "2冊目の表記ゆれ(「こども」と「子ども」)が残っています。",
    "1冊目の文字の大きさも直してください。",
]


def _load_dispute(first: Milestone, client: Any, worker: Any) -> None:
    """佐藤 美咲's proofreading was returned twice, the second time for something outside the agreed work
    (the font size), so she asks staff to mediate: the staff queue has one open dispute to show."""
    open_states = (MilestoneStatus.FUNDED, MilestoneStatus.DELIVERED, MilestoneStatus.RETURNED)
    while first.status in open_states and first.return_count < len(DISPUTE_RETURNS):
        if first.status != MilestoneStatus.DELIVERED:
            services.milestone_deliver(
                milestone=first, actor=worker, message="校正結果をお送りします。修正箇所は赤字で示しました。"
            )
            first.refresh_from_db()
        services.milestone_return(milestone=first, actor=client, reason=DISPUTE_RETURNS[first.return_count])
        first.refresh_from_db()
    if first.status == MilestoneStatus.RETURNED:
        services.dispute_open(
            contract=first.contract,
            actor=worker,
            milestone=first,
            reason="2回目のやり直しは、依頼にない文字の大きさの変更でした。契約の範囲について間に入ってください。",
        )

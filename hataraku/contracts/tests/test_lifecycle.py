"""How contracts end and how time moves them: unanswered hourly weeks approved automatically, hourly
contracts completed by a party, fixed contracts completed when every milestone is finished, offers
withdrawn, and a change request that the contract outgrew while it waited."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import selectors, services
from hataraku.contracts.constants import ChangeRequestStatus, ContractStatus, MilestoneStatus, WeekStatus
from hataraku.contracts.models import ChangeRequest, Contract, HourlyWeek
from hataraku.contracts.tasks import run_periodic
from hataraku.core.errors import Conflict, InvalidTransition, NotFound
from hataraku.core.models import AuditEvent
from hataraku.jobs import services as job_services
from hataraku.jobs.constants import ProposalStatus
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory
from hataraku.ledger.models import Escrow, Funding
from hataraku.ledger.selectors import escrow_held, worker_balances
from hataraku.payments.models import ProviderFunding

from .factories import (
    ClientFactory,
    StaffFactory,
    UserFactory,
    active_contract,
    deliver,
    funded_milestone,
    key,
)

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)  # the clock's start; its week began on Monday 2026-11-30
WEEK_START = dt.date(2026, 11, 30)


def _hourly(minutes: int = 90, rate: int = 1_200) -> Contract:
    contract = active_contract(hourly=True, amount=rate, weekly_hour_cap=10)
    if minutes:
        services.time_entry_add(
            contract=contract, actor=contract.worker, work_date=TUESDAY, minutes=minutes, memo="データ入力"
        )
    return contract


def _at(frozen_clock, day: dt.date, hour: int = 0, minute: int = 30) -> None:
    frozen_clock.set(dt.datetime(day.year, day.month, day.day, hour, minute))


def _pay_week(week: HourlyWeek) -> None:
    """The client's bank transfer for a billed week arrives and staff confirm it."""
    from hataraku.payments import services as payments

    week.refresh_from_db()
    transfer = ProviderFunding.objects.get(escrow=week.escrow)
    payments.funding_confirm(provider_funding=transfer, actor=None)
    services.week_sync_release(week=week)
    week.refresh_from_db()


def _transitions_to(contract: Contract, status: str) -> int:
    return AuditEvent.objects.filter(
        action="contract.transition", target_id=str(contract.pk), data__to=status
    ).count()


# --- 1. unanswered hourly weeks ----------------------------------------------------------------------------


def test_unanswered_week_is_approved_after_the_acceptance_period_and_billed_once(frozen_clock):
    # given 90 minutes at ¥1,200/h in the week of Monday 11-30, acceptance period 7 days, and the worker
    # never submits: logging closes at the end of Sunday 12-13, the tick submits it on Monday 12-14
    contract = _hourly(minutes=90)
    week = HourlyWeek.objects.get(contract=contract)
    _at(frozen_clock, dt.date(2026, 12, 14), hour=0, minute=1)
    assert run_periodic()["weeks_submitted"] == 1
    week.refresh_from_db()
    assert services.week_auto_approve_at(week, contract) == frozen_clock.now() + dt.timedelta(days=7)
    # when the task runs a minute before the acceptance period after submission ends (12-21 00:00)
    _at(frozen_clock, dt.date(2026, 12, 21), hour=0, minute=0)
    assert services.weeks_auto_approve_due() == 0
    # then nothing happened
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.escrow_id is None
    # when it runs once the period has passed, and the periodic job runs right after it
    _at(frozen_clock, dt.date(2026, 12, 21), hour=0, minute=1)
    assert services.weeks_auto_approve_due() == 1
    assert run_periodic()["weeks_auto_approved"] == 0
    # then the week is approved by the platform and billed exactly once for ¥1,800
    week.refresh_from_db()
    assert week.status == WeekStatus.BILLED and week.get_status_display() == "承認済み・お支払い待ち"
    assert week.billed_minutes == 90
    assert week.billed_amount == 1_800
    assert week.reviewed_at == frozen_clock.now()
    assert Escrow.objects.filter(reference=f"week:{week.pk}").count() == 1
    assert ProviderFunding.objects.filter(escrow=week.escrow).count() == 1
    assert Funding.objects.filter(escrow=week.escrow).count() == 1
    approval = AuditEvent.objects.get(
        action="hourly_week.transition", target_id=str(week.pk), data__to=WeekStatus.BILLED
    )
    assert approval.actor_id is None
    # and once the client's transfer arrives, the worker is paid
    _pay_week(week)
    assert week.released_at is not None and week.status == WeekStatus.PAID
    assert worker_balances(contract.worker).available > 0


def test_a_week_without_time_is_closed_without_money(frozen_clock):
    # given an open week with no time logged (decision: it is closed at ¥0, never billed)
    contract = _hourly(minutes=0)
    week = HourlyWeek.objects.create(contract=contract, week_start=WEEK_START)
    # when its logging closed, the tick submitted it and the acceptance period after that passed
    _at(frozen_clock, dt.date(2026, 12, 14))
    assert services.weeks_submit_due() == 1
    _at(frozen_clock, dt.date(2026, 12, 21))
    assert services.weeks_auto_approve_due() == 1
    # then it is closed with nothing billed and no escrow opened: approved, with nothing left to pay
    week.refresh_from_db()
    assert week.status == WeekStatus.PAID
    assert (week.billed_minutes, week.billed_amount, week.escrow_id) == (0, 0, None)
    assert Escrow.objects.filter(reference=f"week:{week.pk}").count() == 0


def test_a_disputed_week_is_not_approved_automatically(frozen_clock):
    # given a week the client asked staff to mediate
    contract = _hourly(minutes=120)
    week = HourlyWeek.objects.get(contract=contract)
    services.dispute_open(contract=contract, actor=contract.client, reason="時間を確認したい", week=week)
    # when the acceptance period passes
    _at(frozen_clock, dt.date(2026, 12, 20))
    # then the task leaves it to staff
    assert services.weeks_auto_approve_due() == 0
    week.refresh_from_db()
    assert week.status == WeekStatus.DISPUTED
    assert week.escrow_id is None


# --- 2. completing contracts -------------------------------------------------------------------------------


def test_hourly_contract_ends_once_every_logged_hour_is_paid(frozen_clock):
    # given an hourly contract with 90 minutes logged this week
    contract = _hourly(minutes=90)
    week = HourlyWeek.objects.get(contract=contract)
    # when the worker ends it during the same week, it is refused kindly: the time is not billed yet
    with pytest.raises(Conflict) as exc:
        services.contract_complete(contract=contract, actor=contract.worker)
    assert "今週" in exc.value.message and "まだ支払われていません" in exc.value.message
    # when the week has ended and was submitted, but is not approved yet
    _at(frozen_clock, dt.date(2026, 12, 7), hour=10)
    services.week_submit(week=week, actor=contract.worker)
    with pytest.raises(Conflict) as exc:
        services.contract_complete(contract=contract, actor=contract.worker)
    assert "まだ承認されていません" in exc.value.message
    # when the client approved but the transfer has not arrived
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    with pytest.raises(Conflict) as exc:
        services.contract_complete(contract=contract, actor=contract.client)
    assert "入金がまだ確認できていません" in exc.value.message
    # then none of the refusals changed anything
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert _transitions_to(contract, ContractStatus.COMPLETED) == 0
    # when the money arrived and was paid to the worker, the client ends the contract
    _pay_week(week)
    services.contract_complete(contract=contract, actor=contract.client)
    # then it is completed (so both may review), and no more time can be logged
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    assert contract.completed_at == frozen_clock.now()
    assert selectors.is_completed(contract)
    with pytest.raises(InvalidTransition):
        services.time_entry_add(
            contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 7), minutes=30, memo="追加"
        )


def test_hourly_contract_with_a_disputed_week_cannot_end():
    # given a week under mediation
    contract = _hourly(minutes=60)
    week = HourlyWeek.objects.get(contract=contract)
    services.dispute_open(contract=contract, actor=contract.worker, reason="承認されません", week=week)
    # when the client tries to end the contract
    with pytest.raises(Conflict) as exc:
        services.contract_complete(contract=contract, actor=contract.client)
    # then it is refused until staff decide, and nothing changed
    assert "仲介中" in exc.value.message
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE


def test_hourly_contract_without_time_ends_and_closes_empty_weeks():
    # given an hourly contract with an empty open week
    contract = _hourly(minutes=0)
    week = HourlyWeek.objects.create(contract=contract, week_start=WEEK_START)
    # when the worker ends it
    services.contract_complete(contract=contract, actor=contract.worker)
    # then it is completed and the empty week closed at ¥0
    contract.refresh_from_db()
    week.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    assert (week.status, week.billed_amount, week.escrow_id) == (WeekStatus.PAID, 0, None)


def test_only_parties_end_only_active_hourly_contracts():
    # given an active hourly contract and an active fixed contract
    hourly = _hourly(minutes=0)
    fixed = active_contract()
    # when an outsider ends the hourly one, or a party ends the fixed one by hand
    with pytest.raises(NotFound):
        services.contract_complete(contract=hourly, actor=UserFactory())
    with pytest.raises(InvalidTransition) as exc:
        services.contract_complete(contract=fixed, actor=fixed.client)
    assert "自動で完了します" in exc.value.message
    # then both stay active; and a completed contract cannot be ended twice
    hourly.refresh_from_db()
    fixed.refresh_from_db()
    assert (hourly.status, fixed.status) == (ContractStatus.ACTIVE, ContractStatus.ACTIVE)
    services.contract_complete(contract=hourly, actor=hourly.worker)
    with pytest.raises(InvalidTransition):
        services.contract_complete(contract=hourly, actor=hourly.client)
    assert _transitions_to(hourly, ContractStatus.COMPLETED) == 1


def test_contract_whose_only_milestone_was_refunded_in_a_dispute_is_completed():
    # given a delivered ¥20,000 milestone under mediation
    m = deliver(funded_milestone(amount=20_000))
    contract = m.contract
    dispute = services.dispute_open(contract=contract, actor=contract.client, reason="未完成", milestone=m)
    # when staff return everything to the client
    services.dispute_decide(
        dispute=dispute, actor=StaffFactory(), worker_amount=0, note="全額返金", idempotency_key=key()
    )
    # then the milestone is cancelled and the contract, with every milestone finished, is completed
    # (decision: completed, not cancelled — the parties worked together and may review each other)
    m.refresh_from_db()
    contract.refresh_from_db()
    assert m.status == MilestoneStatus.CANCELLED
    assert m.released_at is None  # nothing was paid to the worker, so there is no payment time
    assert escrow_held(m.escrow) == 0  # type: ignore[arg-type]
    assert contract.status == ContractStatus.COMPLETED
    assert selectors.is_completed(contract)


def test_contract_with_a_milestone_still_open_is_not_completed_by_a_refund():
    # given two milestones, the first refunded in a dispute
    contract = active_contract(milestones=2, amount=20_000)
    m = deliver(funded_milestone(contract))
    dispute = services.dispute_open(contract=contract, actor=contract.client, reason="未完成", milestone=m)
    services.dispute_decide(
        dispute=dispute, actor=StaffFactory(), worker_amount=0, note="全額返金", idempotency_key=key()
    )
    # then the second milestone is still to do, so the contract stays active
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE


# --- 3. a change request the contract outgrew ----------------------------------------------------------------


def test_amount_change_accepted_after_the_milestone_was_funded_is_refused():
    # given an active contract with one ¥20,000 milestone
    contract = active_contract(amount=20_000)
    m = contract.milestones.get()
    # when the worker proposes ¥25,000, then the client funds the ¥20,000, then accepts the proposal
    cr = services.change_request_propose(
        contract=contract,
        actor=contract.worker,
        changes={"milestones": {str(m.pk): {"amount": 25_000}}},
        reason="作業が増えたため",
    )
    m = funded_milestone(contract)
    with pytest.raises(Conflict) as exc:
        services.change_request_answer(change_request=cr, actor=contract.client, accept=True)
    # then it is refused kindly and nothing changed: the request waits, amount and terms are as funded
    assert "仮払い済み" in exc.value.message and "見送る" in exc.value.message
    cr.refresh_from_db()
    m.refresh_from_db()
    contract.refresh_from_db()
    assert cr.status == ChangeRequestStatus.PENDING
    assert cr.responded_at is None
    assert m.amount == 20_000
    assert contract.total_amount == 20_000
    assert contract.terms.count() == 1
    assert escrow_held(m.escrow) == m.amount  # type: ignore[arg-type]
    # and the client can still decline it
    services.change_request_answer(change_request=cr, actor=contract.client, accept=False)
    assert ChangeRequest.objects.get().status == ChangeRequestStatus.REJECTED


# --- 4 and 5. withdrawing an offer ---------------------------------------------------------------------------


def _offered_proposal():
    client = ClientFactory()
    proposal = ProposalFactory(job=JobFactory(client=client))
    contract = job_services.proposal_offer(proposal=proposal, actor=client, idempotency_key=key())
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OFFERED
    return proposal, contract


@pytest.mark.parametrize("side", ["worker", "client"])
def test_withdrawn_offer_returns_the_proposal_to_the_shortlist(side):
    # given a proposal with an offered contract
    proposal, contract = _offered_proposal()
    # when one side withdraws the offer
    services.contract_cancel_offer(contract=contract, actor=getattr(contract, side))
    # then the contract is cancelled and the proposal back on the client's shortlist
    contract.refresh_from_db()
    proposal.refresh_from_db()
    assert contract.status == ContractStatus.CANCELLED
    assert proposal.status == ProposalStatus.SHORTLISTED
    # in the name of whoever withdrew it, and the worker is not told "you were shortlisted" again
    from hataraku.messaging.models import Notification

    moved = AuditEvent.objects.get(action="proposal.offer_withdrawn", target_id=str(proposal.pk))
    assert moved.actor_id == getattr(contract, side).pk
    assert not Notification.objects.filter(user=proposal.worker, code="jobs.proposal_shortlisted").exists()
    # and the client can offer again on the same proposal
    again = job_services.proposal_offer(proposal=proposal, actor=contract.client, idempotency_key=key())
    proposal.refresh_from_db()
    assert again.pk != contract.pk
    assert again.status == ContractStatus.OFFERED
    assert proposal.status == ProposalStatus.OFFERED
    assert Contract.objects.get(pk=contract.pk).proposal_id is None


@pytest.mark.parametrize("side", ["worker", "client"])
def test_a_party_cannot_cancel_an_active_contract(side):
    # given an active contract
    contract = active_contract()
    audit_rows = AuditEvent.objects.count()
    # when a party tries to cancel it
    with pytest.raises(InvalidTransition) as exc:
        services.contract_cancel_offer(contract=contract, actor=getattr(contract, side))
    # then a kind Japanese refusal, and nothing changed — not even an audit row
    assert "成立しているため、取り消せません" in exc.value.message
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert AuditEvent.objects.count() == audit_rows


def test_an_outsider_cannot_cancel_an_offer():
    _proposal, contract = _offered_proposal()
    with pytest.raises(NotFound):
        services.contract_cancel_offer(contract=contract, actor=UserFactory())
    contract.refresh_from_db()
    assert contract.status == ContractStatus.OFFERED


def test_an_approved_week_whose_money_is_late_is_chased_and_shown_to_staff(
    frozen_clock, client, django_capture_on_commit_callbacks
):
    from hataraku.messaging.models import Notification

    def tick() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return int(run_periodic()["payment_reminders"])

    # given a week of 90 minutes submitted on Sunday 12-06 and approved on Monday 12-07, the client's
    # transfer not yet arrived
    contract = _hourly(minutes=90)
    week = HourlyWeek.objects.get(contract=contract)
    _at(frozen_clock, dt.date(2026, 12, 6), hour=21)
    services.week_submit(week=week, actor=contract.worker)
    _at(frozen_clock, dt.date(2026, 12, 7), hour=10)
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    reminders = Notification.objects.filter(
        user=contract.client, code__in=["contracts.week_payment_reminder", "contracts.week_payment_overdue"]
    )
    # when the tick runs before three days have passed, then nobody is chased yet
    _at(frozen_clock, dt.date(2026, 12, 10), hour=9)
    assert tick() == 0 and not reminders.exists()
    # when three days have passed, then the client is reminded once, naming the Freelance Act limit
    # (received when submitted on Sunday 12-06, day 60 is 3 February 2027), and the worker hears it is being
    # followed up
    _at(frozen_clock, dt.date(2026, 12, 10), hour=11)
    assert tick() == 1
    assert reminders.count() == 1 and "2027年2月3日までに" in reminders.get().display_body
    assert Notification.objects.filter(user=contract.worker, code="contracts.week_payment_late").count() == 1
    # and the next ticks that week send nothing more; a week later the client is reminded again, the worker not
    _at(frozen_clock, dt.date(2026, 12, 16), hour=11)
    assert tick() == 0
    _at(frozen_clock, dt.date(2026, 12, 17), hour=11)
    assert tick() == 1
    assert reminders.count() == 2
    assert Notification.objects.filter(user=contract.worker, code="contracts.week_payment_late").count() == 1
    # and staff see the week with the days left to the limit
    login_as(client, StaffFactory())
    page = client.get("/contracts/staff/late-payments/").content.decode()
    assert contract.title in page and "あと48日" in page
    # when the limit has passed and the money still has not come, then the reminder says so plainly
    _at(frozen_clock, dt.date(2027, 2, 4), hour=11)
    assert tick() == 1
    latest = reminders.order_by("-id")[0]
    assert (
        latest.code == "contracts.week_payment_overdue"
        and "支払期限(2027年2月3日)を過ぎても" in latest.display_body
    )
    # when the money arrives and the worker is paid, then the chasing stops and the queue is empty
    _pay_week(week)
    week.refresh_from_db()
    assert week.status == WeekStatus.PAID and week.get_status_display() == "支払い済み"
    _at(frozen_clock, dt.date(2027, 2, 20), hour=11)
    assert tick() == 0
    assert "入金が遅れている週はありません" in client.get("/contracts/staff/late-payments/").content.decode()


def test_only_staff_see_the_late_payments(client):
    for user in (UserFactory(), ClientFactory()):
        login_as(client, user)
        assert client.get("/contracts/staff/late-payments/").status_code == 404

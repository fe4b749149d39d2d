"""Contract services: offer, agreement, change requests, milestones through escrow, auto-acceptance,
hourly weeks, accommodations and disputes — and every illegal move, each refused without changing
anything."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.contracts import selectors, services
from hataraku.contracts.constants import (
    AccommodationKind,
    AccommodationReason,
    AccommodationStatus,
    ChangeRequestStatus,
    ContractStatus,
    MilestoneStatus,
    WeekStatus,
)
from hataraku.contracts.models import (
    AccommodationRequest,
    ChangeRequest,
    Contract,
    ContractTerms,
    Delivery,
    HourlyWeek,
    Milestone,
    TimeEntry,
)
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied
from hataraku.core.models import AuditEvent
from hataraku.jobs.constants import ProposalStatus
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory
from hataraku.ledger.models import Settlement
from hataraku.ledger.selectors import client_balances, escrow_held, worker_balances

from .factories import (
    ClientFactory,
    StaffFactory,
    UserFactory,
    active_contract,
    deliver,
    funded_milestone,
    key,
    offered_contract,
    post_funding,
)

pytestmark = pytest.mark.django_db


def _terms(contract: Contract) -> ContractTerms:
    terms = contract.current_terms()
    assert terms is not None
    return terms


def _held(m: Milestone) -> int:
    assert m.escrow is not None
    return escrow_held(m.escrow)


def _money(contract: Contract) -> tuple:
    return (worker_balances(contract.worker), client_balances(contract.client), Settlement.objects.count())


# --- offer -------------------------------------------------------------------------------------------------


def test_offer_copies_proposal_milestones_and_writes_terms():
    # given a proposal with three milestones
    # when the client offers a contract
    contract = offered_contract(milestones=3, amount=30_000)
    # then the contract is offered, with the milestones copied and terms v1
    assert contract.status == ContractStatus.OFFERED
    assert [m.title for m in contract.milestones.order_by("order")] == ["工程 1", "工程 2", "工程 3"]
    assert contract.total_amount == 30_000
    terms = contract.current_terms()
    assert terms is not None and terms.version == 1
    assert len(terms.data["milestones"]) == 3


def test_offer_without_milestones_makes_one_for_the_whole_amount():
    contract = offered_contract(amount=45_000)
    (only,) = contract.milestones.all()
    assert only.amount == 45_000
    assert only.due_date == contract.proposal.delivery_date  # type: ignore[union-attr]


def test_offer_is_idempotent_per_key():
    # given a proposal
    client = ClientFactory()
    proposal = ProposalFactory(job=JobFactory(client=client))
    # when the offer is sent twice with the same key
    a = services.contract_offer(proposal=proposal, actor=client, idempotency_key="same")
    b = services.contract_offer(proposal=proposal, actor=client, idempotency_key="same")
    # then one contract exists
    assert a.pk == b.pk
    assert Contract.objects.count() == 1


def test_offer_by_someone_else_is_not_found_and_saves_nothing():
    proposal = ProposalFactory()
    with pytest.raises(NotFound):
        services.contract_offer(proposal=proposal, actor=ClientFactory(), idempotency_key="x")
    assert Contract.objects.count() == 0


def test_withholding_applies_for_company_client_and_writing_category():
    # given a company client and a writing job
    contract = offered_contract(category_slug="writing-proofread")
    # then withholding is on and shown in the terms
    assert contract.withholding is True
    assert _terms(contract).data["total"]["withholding"] > 0


def test_no_withholding_for_individual_client_or_data_entry():
    individual = ClientFactory(client_kind="individual", company_name="")
    assert offered_contract(client=individual, category_slug="writing-proofread").withholding is False
    assert offered_contract(category_slug="office-entry").withholding is False


def test_hourly_offer_takes_rate_and_cap():
    contract = offered_contract(hourly=True, amount=1_500, weekly_hour_cap=12)
    assert contract.kind == "hourly"
    assert contract.hourly_rate == 1_500
    assert contract.weekly_hour_cap == 12
    assert contract.milestones.count() == 0


# --- agreement ------------------------------------------------------------------------------------------


def test_both_agree_makes_the_contract_active():
    # given an offered contract
    contract = offered_contract()
    v = _terms(contract).version
    # when the worker agrees, it is still offered
    services.contract_agree(contract=contract, actor=contract.worker, terms_version=v)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.OFFERED
    # when the client agrees too, it becomes active, through agreed
    services.contract_agree(contract=contract, actor=contract.client, terms_version=v)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    moves = list(
        AuditEvent.objects.filter(action="contract.transition", target_id=str(contract.pk))
        .order_by("id")
        .values_list("data__to", flat=True)
    )
    assert moves == ["agreed", "active"]


def test_agreeing_marks_an_offered_proposal_accepted():
    client = ClientFactory()
    proposal = ProposalFactory(job=JobFactory(client=client), status=ProposalStatus.OFFERED)
    contract = services.contract_offer(proposal=proposal, actor=client, idempotency_key=key())
    for side in (contract.worker, contract.client):
        services.contract_agree(contract=contract, actor=side, terms_version=1)
    proposal.refresh_from_db()  # type: ignore[attr-defined]
    assert proposal.status == ProposalStatus.ACCEPTED


def test_agreeing_to_a_stale_version_is_refused():
    # given terms version 1 shown, and the agreement names version 2
    contract = offered_contract()
    # when the worker agrees to a version they were not shown
    with pytest.raises(Conflict) as exc:
        services.contract_agree(contract=contract, actor=contract.worker, terms_version=2)
    # then nothing is recorded and the message is Japanese
    assert "取引条件が変更されています" in exc.value.message
    contract.refresh_from_db()
    assert contract.agreed_by_worker_at is None


def test_agreeing_twice_is_refused(frozen_clock):
    # given a worker who agreed once
    contract = offered_contract()
    services.contract_agree(contract=contract, actor=contract.worker, terms_version=1)
    contract.refresh_from_db()
    first_agreed_at = contract.agreed_by_worker_at
    audit_rows = AuditEvent.objects.count()
    frozen_clock.advance(dt.timedelta(hours=1))
    # when they agree again
    with pytest.raises(InvalidTransition) as exc:
        services.contract_agree(contract=contract, actor=contract.worker, terms_version=1)
    # then a Japanese error and nothing changed: same time, still offered, no new audit row
    assert "すでに合意しています" in exc.value.message
    contract.refresh_from_db()
    assert contract.agreed_by_worker_at == first_agreed_at
    assert contract.agreed_by_client_at is None
    assert contract.status == ContractStatus.OFFERED
    assert AuditEvent.objects.count() == audit_rows


def test_third_party_cannot_agree():
    contract = offered_contract()
    with pytest.raises(NotFound):
        services.contract_agree(contract=contract, actor=UserFactory(), terms_version=1)


def test_third_party_reading_a_contract_gets_404():
    contract = offered_contract()
    for outsider in (UserFactory(), ClientFactory(), StaffFactory()):
        with pytest.raises(NotFound):
            selectors.access_contract(outsider, contract.pk)
    assert selectors.access_contract(contract.worker, contract.pk) == contract
    with pytest.raises(NotFound):
        selectors.access_contract(contract.worker, 999_999)


# --- change requests ----------------------------------------------------------------------------------------


def _propose_due_change(contract, actor, days=5):
    m = contract.milestones.first()
    new_due = m.due_date + dt.timedelta(days=days)
    cr = services.change_request_propose(
        contract=contract,
        actor=actor,
        changes={"milestones": {str(m.pk): {"due_date": new_due.isoformat()}}},
        reason="資料の到着が遅れたため",
    )
    return cr, m, new_due


def test_change_request_accepted_by_the_other_side_makes_new_terms():
    # given an active contract and a change proposed by the client
    contract = active_contract()
    cr, m, new_due = _propose_due_change(contract, contract.client)
    # when the worker accepts
    services.change_request_answer(change_request=cr, actor=contract.worker, accept=True)
    # then the due date moved and terms v2 exists, linked to the request; v1 is kept
    m.refresh_from_db()
    assert m.due_date == new_due
    assert list(contract.terms.values_list("version", flat=True).order_by("version")) == [1, 2]
    assert _terms(contract).change_request_id == cr.pk
    assert _terms(contract).data["milestones"][0]["delivery_date"] == new_due.isoformat()


def test_agreeing_to_changed_terms_without_the_others_consent_is_impossible():
    # given an active contract and a change proposed by the client
    contract = active_contract()
    cr, m, _new_due = _propose_due_change(contract, contract.client)
    old_due = m.due_date
    # when the client tries to accept their own change
    with pytest.raises(PermissionDenied) as exc:
        services.change_request_answer(change_request=cr, actor=contract.client, accept=True)
    # then it is refused in Japanese and nothing changed
    assert "相手の同意が必要です" in exc.value.message
    cr.refresh_from_db()
    m.refresh_from_db()
    assert cr.status == ChangeRequestStatus.PENDING
    assert m.due_date == old_due
    assert contract.terms.count() == 1


def test_rejected_change_keeps_the_terms():
    contract = active_contract()
    cr, m, _ = _propose_due_change(contract, contract.worker)
    old_due = m.due_date
    services.change_request_answer(change_request=cr, actor=contract.client, accept=False)
    m.refresh_from_db()
    assert m.due_date == old_due
    assert contract.terms.count() == 1
    assert ChangeRequest.objects.get().status == ChangeRequestStatus.REJECTED


def test_only_one_pending_change_at_a_time():
    contract = active_contract()
    _propose_due_change(contract, contract.client)
    with pytest.raises(Conflict):
        _propose_due_change(contract, contract.worker)


def test_funded_amount_cannot_change():
    contract = active_contract()
    m = funded_milestone(contract)
    with pytest.raises(DomainError):
        services.change_request_propose(
            contract=contract, actor=contract.client, changes={"milestones": {str(m.pk): {"amount": 1}}}
        )
    assert ChangeRequest.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"due_date": "2026-11-30"}, "今日以降"),  # the clock says 2026-12-01
        ({"due_date": "12月20日"}, "日付(例: 2026-12-20)"),
        ({"amount": 10**20}, "1円から1億円まで"),
    ],
)
def test_impossible_changes_are_refused_in_japanese_and_save_nothing(values, message):
    # given an active contract with a milestone not yet funded
    contract = active_contract()
    m = contract.milestones.order_by("order")[0]
    # when a party proposes a past due date, a date that is not a date, or an impossible amount
    with pytest.raises(DomainError) as exc:
        services.change_request_propose(
            contract=contract, actor=contract.client, changes={"milestones": {str(m.pk): values}}
        )
    # then it is refused with a clear message and no request exists
    assert message in exc.value.message
    assert ChangeRequest.objects.count() == 0


# --- milestones: funding, delivery, acceptance -----------------------------------------------------------------


def test_funding_by_bank_transfer_is_pending_until_posted():
    # given an active contract
    contract = active_contract(amount=20_000)
    m = contract.milestones.get()
    # when the client funds by bank transfer
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key())
    m.refresh_from_db()
    # then the escrow is open and the milestone says it waits for the money to be confirmed
    assert m.escrow is not None and m.escrow.reference == f"milestone:{m.pk}"
    assert m.escrow.fee_group.key == f"contract:{contract.pk}"
    assert m.status == MilestoneStatus.FUNDING_REQUESTED
    assert m.get_status_display() == "入金の確認待ち"
    # when staff confirm the transfer and the sync runs
    post_funding(m)
    assert services.milestones_sync_funding() == 1
    m.refresh_from_db()
    # then it is funded
    assert m.status == MilestoneStatus.FUNDED
    assert _held(m) == 20_000


def test_funding_before_agreement_is_refused():
    contract = offered_contract()
    m = contract.milestones.get()
    with pytest.raises(InvalidTransition):
        services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key())
    m.refresh_from_db()
    assert m.escrow_id is None


def test_worker_cannot_fund():
    contract = active_contract()
    with pytest.raises(PermissionDenied):
        services.milestone_fund(
            milestone=contract.milestones.get(), actor=contract.worker, idempotency_key=key()
        )


def test_delivering_an_unfunded_milestone_is_refused_and_changes_nothing():
    # given an active contract whose milestone was asked to be funded but the transfer has not arrived
    contract = active_contract()
    m = contract.milestones.get()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key())
    before = _money(contract)
    # when the worker delivers
    with pytest.raises(InvalidTransition) as exc:
        services.milestone_deliver(milestone=m, actor=contract.worker, message="できました")
    # then a clear Japanese error, no delivery, no money moved
    assert "仮払いされていないため、納品できません" in exc.value.message
    m.refresh_from_db()
    assert m.status == MilestoneStatus.FUNDING_REQUESTED
    assert Delivery.objects.count() == 0
    assert _money(contract) == before


def test_delivery_picks_up_a_funding_that_arrived():
    contract = active_contract()
    m = contract.milestones.get()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key())
    post_funding(m)
    # no sync ran; delivering checks the escrow itself
    deliver(m)
    assert m.status == MilestoneStatus.DELIVERED


def test_accept_releases_to_the_worker_and_completes_the_contract():
    # given a delivered milestone of ¥30,000
    m = deliver(funded_milestone(amount=30_000))
    contract = m.contract
    # when the client accepts
    services.milestone_accept(milestone=m, actor=contract.client)
    # then it is released, the worker has earnings and the contract is completed
    m.refresh_from_db()
    contract.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    assert m.accepted_at is not None and m.auto_accepted is False
    assert _held(m) == 0
    assert worker_balances(contract.worker).available > 0
    assert contract.status == ContractStatus.COMPLETED
    assert selectors.is_completed(contract)


def test_accepting_twice_answers_the_first_acceptance_and_pays_once():
    # given an accepted milestone
    m = deliver(funded_milestone())
    services.milestone_accept(milestone=m, actor=m.contract.client)
    before = _money(m.contract)
    # when the client accepts again (the same request sent twice)
    again = services.milestone_accept(milestone=m, actor=m.contract.client)
    # then it answers the accepted milestone, with no second release
    assert again.status == MilestoneStatus.RELEASED
    assert _money(m.contract) == before
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1


def test_worker_cannot_accept_their_own_delivery():
    m = deliver(funded_milestone())
    before = _money(m.contract)
    with pytest.raises(PermissionDenied):
        services.milestone_accept(milestone=m, actor=m.contract.worker)
    assert _money(m.contract) == before


def test_accepting_an_undelivered_milestone_is_refused():
    m = funded_milestone()
    with pytest.raises(InvalidTransition):
        services.milestone_accept(milestone=m, actor=m.contract.client)


def test_two_returns_then_no_third_and_worker_can_ask_staff():
    # given a delivered milestone
    m = deliver(funded_milestone())
    client = m.contract.client
    # when it is returned twice (re-delivered in between)
    services.milestone_return(milestone=m, actor=client, reason="表の列がずれています")
    deliver(m, "直しました")
    services.milestone_return(milestone=m, actor=client, reason="まだ1か所ずれています")
    deliver(m, "再度直しました")
    # then a third return is refused and nothing changes
    with pytest.raises(DomainError) as exc:
        services.milestone_return(milestone=m, actor=client, reason="もう一度")
    assert "2回まで" in exc.value.message
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DELIVERED
    assert m.return_count == 2
    # and the worker can ask staff to mediate
    dispute = services.dispute_open(
        contract=m.contract, actor=m.contract.worker, reason="検収されません", milestone=m
    )
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DISPUTED
    assert dispute.previous_status == MilestoneStatus.DELIVERED


def test_return_needs_a_reason():
    m = deliver(funded_milestone())
    with pytest.raises(DomainError):
        services.milestone_return(milestone=m, actor=m.contract.client, reason="  ")
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DELIVERED


def test_delivery_rejects_disallowed_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    m = funded_milestone()
    bad = SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(DomainError):
        services.milestone_deliver(milestone=m, actor=m.contract.worker, message="納品", files=[bad])
    assert Delivery.objects.count() == 0


def test_delivery_rejects_a_file_whose_content_is_not_its_name():
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given a program renamed to look like a PDF
    m = funded_milestone()
    disguised = SimpleUploadedFile("report.pdf", b"MZ\x90\x00...", content_type="application/pdf")
    # when the worker delivers it
    with pytest.raises(DomainError) as excinfo:
        services.milestone_deliver(milestone=m, actor=m.contract.worker, message="納品", files=[disguised])
    # then it is refused in Japanese and nothing is delivered
    assert "中身" in excinfo.value.message
    assert Delivery.objects.count() == 0
    m.refresh_from_db()
    assert m.status == MilestoneStatus.FUNDED


# --- auto-acceptance ----------------------------------------------------------------------------------------


def test_silent_client_auto_accepts_after_seven_days_once(frozen_clock):
    # given a milestone delivered at day 0
    m = deliver(funded_milestone(amount=10_000))
    worker = m.contract.worker
    # when the task runs on day 6
    frozen_clock.advance(dt.timedelta(days=6, hours=23))
    assert services.milestone_auto_accept_due() == 0
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DELIVERED
    # when it runs on day 7, twice
    frozen_clock.advance(dt.timedelta(hours=1))
    assert services.milestone_auto_accept_due() == 1
    assert services.milestone_auto_accept_due() == 0
    # then it was accepted automatically and paid exactly once
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    assert m.auto_accepted is True
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1
    assert worker_balances(worker).available > 0


def test_periodic_task_runs_all_steps(frozen_clock):
    from hataraku.contracts.tasks import run_periodic

    deliver(funded_milestone())
    frozen_clock.advance(dt.timedelta(days=8))
    assert run_periodic()["auto_accepted"] == 1


# --- hourly ---------------------------------------------------------------------------------------------------


def test_time_over_the_weekly_cap_is_refused(frozen_clock):
    # given an hourly contract with a 2-hour weekly cap (today is Tuesday 2026-12-01)
    contract = active_contract(hourly=True, amount=1_200, weekly_hour_cap=2)
    today = dt.date(2026, 12, 1)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=today, minutes=90, memo="入力"
    )
    # when the worker logs 31 more minutes the same week (Monday-based)
    with pytest.raises(DomainError) as exc:
        services.time_entry_add(
            contract=contract, actor=contract.worker, work_date=today, minutes=31, memo="入力"
        )
    # then it is refused and only the first entry exists
    assert "週の上限" in exc.value.message
    assert TimeEntry.objects.count() == 1
    assert HourlyWeek.objects.get().week_start == dt.date(2026, 11, 30)


def test_week_approval_bills_through_escrow(frozen_clock):
    # given 90 minutes logged in the week of Monday 2026-11-30 at ¥1,200/h
    contract = active_contract(hourly=True, amount=1_200, weekly_hour_cap=10)
    services.time_entry_add(
        contract=contract,
        actor=contract.worker,
        work_date=dt.date(2026, 12, 1),
        minutes=90,
        memo="データ入力",
    )
    week = HourlyWeek.objects.get()
    # when the client approves before the week is submitted, it is refused
    with pytest.raises(DomainError) as exc:
        services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    assert exc.value.code == "week_not_submitted"
    # when the worker has submitted it at the end of the week and the client approves
    frozen_clock.advance(dt.timedelta(days=5))
    services.week_submit(week=week, actor=contract.worker)
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    week.refresh_from_db()
    # then the week is billed for ¥1,800 and paid once the transfer arrives
    assert week.status == WeekStatus.BILLED
    assert week.billed_amount == 1_800
    assert week.escrow is not None and week.escrow.reference == f"week:{week.pk}"
    assert week.released_at is None
    from hataraku.ledger.models import Funding
    from hataraku.ledger.services import funding_post

    funding_post(funding=Funding.objects.get(escrow=week.escrow), actor=None, idempotency_key=key())
    assert services.weeks_sync_release() == 1
    assert services.weeks_sync_release() == 0
    week.refresh_from_db()
    assert week.released_at is not None
    assert worker_balances(contract.worker).available > 0


# --- accommodations -------------------------------------------------------------------------------------------


def test_extension_accepted_moves_due_date_and_terms(frozen_clock):
    # given a worker who asks for a week more, giving no reason (none is needed)
    contract = active_contract()
    m = contract.milestones.get()
    new_due = m.due_date + dt.timedelta(days=7)
    req = services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.EXTENSION,
        milestone=m,
        requested_due_date=new_due,
    )
    assert req.answer_due_at == frozen_clock.now() + dt.timedelta(days=3)
    # when the client accepts
    services.accommodation_answer(request=req, actor=contract.client, accept=True, message="どうぞご無理なく")
    # then the due date moved, terms v2 was written through an accepted change record, history kept
    m.refresh_from_db()
    assert m.due_date == new_due
    cr = ChangeRequest.objects.get()
    assert cr.status == ChangeRequestStatus.ACCEPTED
    assert cr.proposed_by == contract.worker and cr.responded_by == contract.client
    assert _terms(contract).version == 2
    req.refresh_from_db()
    assert req.status == AccommodationStatus.ACCEPTED
    assert req.previous_due_date == new_due - dt.timedelta(days=7)


def test_declining_needs_a_message_and_keeps_the_due_date():
    contract = active_contract()
    m = contract.milestones.get()
    req = services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.PAUSE,
        milestone=m,
    )
    with pytest.raises(DomainError):
        services.accommodation_answer(request=req, actor=contract.client, accept=False, message="")
    req.refresh_from_db()
    assert req.status == AccommodationStatus.PENDING
    services.accommodation_answer(
        request=req, actor=contract.client, accept=False, message="来週なら可能です"
    )
    req.refresh_from_db()
    assert req.status == AccommodationStatus.DECLINED


def test_unanswered_requests_show_to_staff_after_the_answer_time(frozen_clock):
    contract = active_contract()
    services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.PAUSE,
    )
    frozen_clock.advance(dt.timedelta(days=2, hours=23))
    assert selectors.accommodations_overdue().count() == 0
    frozen_clock.advance(dt.timedelta(hours=2))
    assert selectors.accommodations_overdue().count() == 1


def test_client_cannot_ask_for_accommodation():
    contract = active_contract()
    with pytest.raises(PermissionDenied):
        services.accommodation_request(
            contract=contract,
            actor=contract.client,
            kind=AccommodationKind.PAUSE,
        )
    assert AccommodationRequest.objects.count() == 0


# --- disputes ---------------------------------------------------------------------------------------------------


def test_staff_split_moves_money_through_the_ledger():
    # given a disputed ¥20,000 milestone
    m = deliver(funded_milestone(amount=20_000))
    contract = m.contract
    dispute = services.dispute_open(
        contract=contract, actor=contract.client, reason="品質の相違", milestone=m
    )
    # when staff decide ¥12,000 for the worker
    staff = StaffFactory()
    services.dispute_decide(
        dispute=dispute, actor=staff, worker_amount=12_000, note="半分以上は完成", idempotency_key=key()
    )
    # then the escrow is empty, the client got ¥8,000 back and the milestone is released
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    assert _held(m) == 0
    assert client_balances(contract.client).refundable == 8_000
    assert worker_balances(contract.worker).available > 0


def test_only_staff_decide_and_not_more_than_escrowed():
    m = deliver(funded_milestone(amount=20_000))
    contract = m.contract
    dispute = services.dispute_open(
        contract=contract, actor=contract.worker, reason="連絡がありません", milestone=m
    )
    before = _money(contract)
    with pytest.raises(NotFound):
        services.dispute_decide(
            dispute=dispute, actor=contract.client, worker_amount=0, note="x", idempotency_key=key()
        )
    with pytest.raises(DomainError):
        services.dispute_decide(
            dispute=dispute, actor=StaffFactory(), worker_amount=20_001, note="x", idempotency_key=key()
        )
    assert _money(contract) == before


def test_dispute_on_unfunded_milestone_is_refused():
    contract = active_contract()
    with pytest.raises(InvalidTransition):
        services.dispute_open(
            contract=contract, actor=contract.client, reason="x", milestone=contract.milestones.get()
        )


def test_week_dispute_resolves_by_billing_the_decided_amount(frozen_clock):
    contract = active_contract(hourly=True, amount=1_000, weekly_hour_cap=10)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=120, memo="作業"
    )
    week = HourlyWeek.objects.get()
    dispute = services.dispute_open(contract=contract, actor=contract.client, reason="時間が多い", week=week)
    services.dispute_decide(
        dispute=dispute, actor=StaffFactory(), worker_amount=1_500, note="1.5時間分", idempotency_key=key()
    )
    week.refresh_from_db()
    assert week.status == WeekStatus.RESOLVED
    assert week.billed_amount == 1_500


def test_privacy_export_and_erase():
    from hataraku.contracts import privacy
    from hataraku.profiles import privacy as profile_privacy

    # given a worker with a contract and an accommodation request with a reason and a note
    contract = active_contract()
    services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.PAUSE,
        reason=AccommodationReason.HEALTH,
        note="通院のため",
        consent_given=True,
    )
    # when the data is exported, then the contract and the request are there, and the reason is in her
    # profiles export (where special-care data lives)
    data = privacy.export_user_data(contract.worker)
    assert data["契約"][0]["立場"] == "ワーカー"
    assert data["配慮のお願い"][0]["種類"] == AccommodationKind.PAUSE
    reasons = profile_privacy.export_user_data(contract.worker)["accommodation_reasons"]
    assert [(r["category"], r["note"]) for r in reasons] == [("health", "通院のため")]
    # when erased, then the reason is gone but the request and the contract (transaction records) stay
    privacy.erase_user_data(contract.worker)
    profile_privacy.erase_user_data(contract.worker)
    assert AccommodationRequest.objects.get().sensitive_reason is None
    assert Contract.objects.filter(pk=contract.pk).exists()


def test_notifications_go_out_on_commit(django_capture_on_commit_callbacks):
    from hataraku.messaging.models import Notification

    # given an offered contract, when the offer commits
    with django_capture_on_commit_callbacks(execute=True):
        contract = offered_contract()
    # then the worker has an in-app notification linking to the contract
    note = Notification.objects.get(user=contract.worker)
    assert note.url == f"/contracts/{contract.pk}/"
    assert note.code == "contracts.offer_received"
    assert "契約の申し込み" in note.display_title

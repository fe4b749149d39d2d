"""Ending a funded milestone by agreement, bonuses and added milestones: the money each path moves, the
paths that are refused, and the books (the Beancount export, checked by bean-check) after each."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from hataraku.contracts import services
from hataraku.contracts.constants import BonusStatus, CancellationStatus, ContractStatus, MilestoneStatus
from hataraku.contracts.models import Bonus, Milestone, MilestoneCancellation
from hataraku.contracts.tasks import run_periodic
from hataraku.contracts.tests.factories import (
    UserFactory,
    active_contract,
    deliver,
    funded_milestone,
    key,
    post_escrow_funding,
    post_funding,
)
from hataraku.core import clock, money
from hataraku.core.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from hataraku.core.models import AuditEvent
from hataraku.ledger import selectors as ledger_selectors
from hataraku.ledger.constants import SettlementKind
from hataraku.ledger.models import Escrow, Funding, Settlement
from hataraku.messaging.models import Notification

pytestmark = pytest.mark.django_db


def assert_books_balance(tmp_path: Path) -> None:
    """The whole ledger exported to Beancount loads without errors, agrees with our trial balance, and
    bean-check accepts it."""
    from beancount import loader
    from beancount.core import data

    path = tmp_path / f"ledger-{key('bean')}.beancount"
    call_command("ledger_export", str(path))
    entries, errors, _ = loader.load_file(str(path))
    assert errors == [], errors
    theirs: dict[str, int] = defaultdict(int)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                assert posting.units is not None and posting.units.number is not None
                theirs[posting.account] += int(posting.units.number)
    ours = ledger_selectors.trial_balance()
    assert {k: v for k, v in theirs.items() if v} == {k: v for k, v in ours.items() if v}
    bean_check = Path(sys.executable).parent / "bean-check"
    found = str(bean_check) if bean_check.exists() else shutil.which("bean-check")
    assert found, "bean-check is a dev dependency (PyPI beancount)"
    result = subprocess.run([found, str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _propose(milestone: Milestone, actor: Any, worker_amount: int, **kw: Any) -> MilestoneCancellation:
    return services.cancellation_propose(
        milestone=milestone,
        actor=actor,
        worker_amount=worker_amount,
        reason=kw.pop("reason", "先方の事情で途中までになりました。"),
        idempotency_key=kw.pop("idempotency_key", None) or key("cancel"),
    )


# --- cancelling a funded milestone by agreement ---------------------------------------------------------


def test_partial_cancellation_accepted_by_the_worker_splits_exactly_what_both_agreed(tmp_path: Path) -> None:
    # given a delivered milestone of ¥30,000 on a contract with withholding (a company, a writing job)
    m = deliver(funded_milestone(amount=30_000, milestones=1, category_slug="writing-proofread"))
    contract = m.contract
    assert contract.withholding is True
    before = ledger_selectors.client_balances(contract.client).refundable
    # when the client proposes ¥18,000 to the worker and the worker accepts
    proposal = _propose(m, contract.client, 18_000)
    assert proposal.client_amount == 12_000
    done = services.cancellation_answer(cancellation=proposal, actor=contract.worker, accept=True)
    # then one split moved exactly the agreed amounts, the worker's part with fee, tax and withholding
    assert done.status == CancellationStatus.ACCEPTED
    settlement = Settlement.objects.get(escrow=m.escrow)
    assert settlement.kind == SettlementKind.SPLIT
    assert (settlement.worker_gross, settlement.client_amount) == (18_000, 12_000)
    split = money.fee_breakdown(18_000, withholding=True, on=clock.today())
    assert (settlement.fee, settlement.fee_tax, settlement.withholding, settlement.worker_net) == (
        split.fee,
        split.fee_tax,
        split.withholding,
        split.net,
    )
    assert split.withholding > 0
    assert ledger_selectors.client_balances(contract.client).refundable == before + 12_000
    assert ledger_selectors.worker_balances(contract.worker).available == split.net
    assert m.escrow is not None and ledger_selectors.escrow_held(m.escrow) == 0
    # and the milestone ends released (the worker got something), the contract completes
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED and m.released_at == clock.now()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    # and both parties were told, and it is in the audit log
    assert Notification.objects.filter(code="contracts.cancellation_proposed_to_worker", user=contract.worker)
    for party in (contract.client, contract.worker):
        assert Notification.objects.filter(code="contracts.cancellation_accepted", user=party).exists()
    assert AuditEvent.objects.filter(action="milestone.cancellation_answer").exists()
    assert AuditEvent.objects.filter(action="ledger.escrow_split").exists()
    # and the books balance
    assert_books_balance(tmp_path)


def test_worker_gives_everything_back_and_the_milestone_is_cancelled(tmp_path: Path) -> None:
    # given a funded milestone of a two-milestone contract
    m = funded_milestone(amount=20_000, milestones=2)
    contract = m.contract
    # when the worker proposes to keep nothing and the client accepts
    proposal = _propose(m, contract.worker, 0, reason="体調のため続けられません。申し訳ありません。")
    assert Notification.objects.filter(code="contracts.cancellation_proposed_to_client").count() == 1
    services.cancellation_answer(cancellation=proposal, actor=contract.client, accept=True)
    # then the whole ¥10,000 went back to the client, nothing to the worker, and no fee was taken
    settlement = Settlement.objects.get(escrow=m.escrow)
    assert (settlement.worker_gross, settlement.client_amount, settlement.fee) == (0, 10_000, 0)
    assert ledger_selectors.client_balances(contract.client).refundable == 10_000
    m.refresh_from_db()
    assert m.status == MilestoneStatus.CANCELLED and m.released_at is None
    # and the contract is still active: its other milestone is open
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert_books_balance(tmp_path)


def test_declining_moves_nothing_and_the_worker_keeps_working() -> None:
    # given the client proposing to pay nothing for a funded milestone
    m = funded_milestone(amount=10_000)
    proposal = _propose(m, m.contract.client, 0)
    # when the worker declines
    services.cancellation_answer(cancellation=proposal, actor=m.contract.worker, accept=False)
    # then the money stays held, the client is told, and the worker may still deliver for the full fee
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.DECLINED
    assert m.escrow is not None and ledger_selectors.escrow_held(m.escrow) == 10_000
    assert not Settlement.objects.exists()
    assert Notification.objects.filter(user=m.contract.client, code="contracts.cancellation_declined")
    assert deliver(m).status == MilestoneStatus.DELIVERED


def test_the_client_cannot_impose_a_cut() -> None:
    # given the client's proposal
    m = funded_milestone(amount=10_000)
    proposal = _propose(m, m.contract.client, 1_000)
    # when she tries to accept it herself / then she is refused and nothing moves
    with pytest.raises(PermissionDenied) as refused:
        services.cancellation_answer(cancellation=proposal, actor=m.contract.client, accept=True)
    assert refused.value.code == ErrorCode.WRONG_PARTY
    # and someone outside the contract is told it does not exist
    with pytest.raises(NotFound):
        services.cancellation_answer(cancellation=proposal, actor=UserFactory(), accept=True)
    with pytest.raises(NotFound):
        _propose(m, UserFactory(), 0)
    assert not Settlement.objects.exists()
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.PENDING


@pytest.mark.parametrize("amount", [-1, 10_001, "5000", True, None])
def test_amounts_out_of_range_are_refused(amount: Any) -> None:
    # given a funded milestone of ¥10,000 / when a proposal names an impossible amount / then it is refused
    m = funded_milestone(amount=10_000)
    with pytest.raises(DomainError) as refused:
        _propose(m, m.contract.client, amount)
    assert refused.value.code == ErrorCode.INVALID_AMOUNT
    assert refused.value.field == "worker_amount"
    assert not MilestoneCancellation.objects.exists()


def test_an_unfunded_milestone_cannot_be_cancelled_this_way() -> None:
    contract = active_contract(milestones=1, amount=10_000)
    with pytest.raises(InvalidTransition):
        _propose(contract.milestones.get(), contract.client, 0)


def test_a_second_proposal_waits_for_the_first_and_the_same_key_answers_the_first() -> None:
    # given a pending proposal sent with a key
    m = funded_milestone(amount=10_000)
    k = key("same")
    first = _propose(m, m.contract.client, 5_000, idempotency_key=k)
    # when the same form is sent again (a double click) / then the first proposal is the answer
    again = _propose(m, m.contract.client, 5_000, idempotency_key=k)
    assert again.pk == first.pk
    assert MilestoneCancellation.objects.count() == 1
    assert Notification.objects.filter(code="contracts.cancellation_proposed_to_worker").count() == 1
    # when the key comes back with other amounts / then it is refused as a mismatch
    with pytest.raises(Conflict) as mismatch:
        _propose(m, m.contract.client, 4_000, idempotency_key=k)
    assert mismatch.value.code == ErrorCode.IDEMPOTENCY_MISMATCH
    # when either party proposes again while it is pending / then it is refused
    with pytest.raises(Conflict) as pending:
        _propose(m, m.contract.worker, 0)
    assert pending.value.code == ErrorCode.ALREADY_PROPOSED
    # and a missing key is refused too
    with pytest.raises(DomainError) as missing:
        _propose(m, m.contract.client, 1, idempotency_key=" ")
    assert missing.value.code == ErrorCode.IDEMPOTENCY_KEY_MISSING


def test_accepting_twice_splits_once() -> None:
    m = funded_milestone(amount=10_000)
    proposal = _propose(m, m.contract.worker, 4_000)
    services.cancellation_answer(cancellation=proposal, actor=m.contract.client, accept=True)
    again = services.cancellation_answer(cancellation=proposal, actor=m.contract.client, accept=True)
    assert again.status == CancellationStatus.ACCEPTED
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1
    # and a late "decline" of an accepted proposal is refused
    with pytest.raises(InvalidTransition) as late:
        services.cancellation_answer(cancellation=proposal, actor=m.contract.client, accept=False)
    assert late.value.code == ErrorCode.ALREADY_ANSWERED


def test_a_proposal_lapses_when_the_milestone_was_paid_meanwhile() -> None:
    # given a proposal on a delivered milestone, and the client then accepting the delivery in full
    m = deliver(funded_milestone(amount=10_000))
    proposal = _propose(m, m.contract.client, 5_000)
    services.milestone_accept(milestone=m, actor=m.contract.client)
    # when the worker answers the old proposal / then it lapses and nothing more moves
    lapsed = services.cancellation_answer(cancellation=proposal, actor=m.contract.worker, accept=True)
    assert lapsed.status == CancellationStatus.LAPSED
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1
    assert Settlement.objects.get(escrow=m.escrow).worker_gross == 10_000


def test_the_proposer_may_withdraw_and_then_propose_again() -> None:
    m = funded_milestone(amount=10_000)
    proposal = _propose(m, m.contract.client, 5_000)
    with pytest.raises(PermissionDenied):
        services.cancellation_withdraw(cancellation=proposal, actor=m.contract.worker)
    services.cancellation_withdraw(cancellation=proposal, actor=m.contract.client)
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.WITHDRAWN
    assert Notification.objects.filter(user=m.contract.worker, code="contracts.cancellation_withdrawn")
    with pytest.raises(InvalidTransition):
        services.cancellation_answer(cancellation=proposal, actor=m.contract.worker, accept=True)
    assert _propose(m, m.contract.client, 6_000).status == CancellationStatus.PENDING


# --- bonuses -----------------------------------------------------------------------------------------------


def _give(contract: Any, amount: int = 20_000, **kw: Any) -> Bonus:
    return services.bonus_give(
        contract=contract,
        actor=kw.pop("actor", contract.client),
        amount=amount,
        message=kw.pop("message", "丁寧なお仕事をありがとうございました。"),
        idempotency_key=kw.pop("idempotency_key", None) or key("bonus"),
    )


def _post(bonus: Bonus) -> None:
    funding = Funding.objects.get(escrow=bonus.escrow)
    post_escrow_funding(bonus.escrow)
    assert Funding.objects.get(pk=funding.pk).status == "posted"


def test_a_bonus_reaches_the_worker_with_fee_tax_and_withholding(
    tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    # given an active contract with withholding, one milestone already paid (so the fee tier has moved)
    m = deliver(funded_milestone(amount=120_000, milestones=1, category_slug="writing-proofread"))
    contract = m.contract
    services.milestone_accept(milestone=m, actor=contract.client)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.COMPLETED
    # a bonus is given only on an active contract
    with pytest.raises(InvalidTransition):
        _give(contract)
    # given another contract, active, with withholding and one paid milestone of two
    m = deliver(funded_milestone(amount=240_000, milestones=2, category_slug="writing-proofread"))
    contract = m.contract
    services.milestone_accept(milestone=m, actor=contract.client)
    # when the client looks at the take-home of a ¥50,000 bonus, then gives it
    preview = services.bonus_preview(contract=contract, amount=50_000)
    expected = money.fee_breakdown(50_000, withholding=True, cumulative_before=120_000, on=clock.today())
    assert preview == expected
    bonus = _give(contract, 50_000)
    # then the worker is told at once, and the bonus waits for the money
    assert bonus.status == BonusStatus.AWAITING_PAYMENT
    assert bonus.escrow is not None and bonus.escrow.reference == f"bonus:{bonus.pk}"
    assert Notification.objects.filter(user=contract.worker, code="contracts.bonus_announced").exists()
    # when the bank transfer is confirmed (the ledger's FundingPosted event runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        _post(bonus)
    # then the bonus was released to the worker with exactly the previewed fee, tax and withholding
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.PAID and bonus.released_at == clock.now()
    settlement = Settlement.objects.get(escrow=bonus.escrow)
    assert settlement.kind == SettlementKind.RELEASE
    assert (settlement.worker_gross, settlement.fee, settlement.fee_tax, settlement.withholding) == (
        50_000,
        expected.fee,
        expected.fee_tax,
        expected.withholding,
    )
    assert settlement.worker_net == expected.net
    paid = Notification.objects.get(user=contract.worker, code="contracts.bonus_paid")
    assert paid.params["net"] == f"{expected.net:,}"
    # and the tick finds nothing more to pay
    assert run_periodic()["bonuses_paid"] == 0
    assert_books_balance(tmp_path)


def test_the_tick_pays_a_bonus_whose_handler_did_not_run(tmp_path: Path) -> None:
    contract = active_contract(milestones=1, amount=10_000)
    bonus = _give(contract, 3_000)
    _post(bonus)  # no on-commit handlers in this test: the event never ran
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.AWAITING_PAYMENT
    assert run_periodic()["bonuses_paid"] == 1
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.PAID
    assert services.bonus_sync_release(bonus=bonus) is False
    assert Settlement.objects.filter(escrow=bonus.escrow).count() == 1
    assert_books_balance(tmp_path)


def test_bonus_refusals() -> None:
    contract = active_contract(milestones=1, amount=10_000)
    # the worker cannot give herself a bonus; an outsider is told the contract does not exist
    with pytest.raises(PermissionDenied):
        _give(contract, actor=contract.worker)
    with pytest.raises(NotFound):
        _give(contract, actor=UserFactory())
    # amounts out of range
    for amount in (0, -5, money.YEN_INPUT_MAX + 1, "1000", True):
        with pytest.raises(DomainError) as refused:
            _give(contract, amount)  # type: ignore[arg-type]
        assert refused.value.code == ErrorCode.INVALID_AMOUNT
    assert not Bonus.objects.exists() and not Escrow.objects.filter(reference__startswith="bonus:").exists()
    # the same key twice gives one bonus, one escrow, one funding, one notice
    k = key("bonus-same")
    first = _give(contract, 5_000, idempotency_key=k)
    again = _give(contract, 5_000, idempotency_key=k)
    assert first.pk == again.pk
    assert Bonus.objects.count() == 1 and Funding.objects.filter(escrow=first.escrow).count() == 1
    assert Notification.objects.filter(code="contracts.bonus_announced").count() == 1
    with pytest.raises(Conflict):
        _give(contract, 6_000, idempotency_key=k)


def test_a_bonus_is_withdrawn_only_when_no_money_is_coming() -> None:
    from hataraku.payments import services as payments
    from hataraku.payments.models import ProviderFunding

    contract = active_contract(milestones=1, amount=10_000)
    bonus = _give(contract, 5_000)
    # while the bank transfer is awaited, it cannot be withdrawn
    with pytest.raises(InvalidTransition):
        services.bonus_withdraw(bonus=bonus, actor=contract.client)
    # once the transfer was voided (it never came), the client may withdraw it
    payments.funding_cancel(provider_funding=ProviderFunding.objects.get(escrow=bonus.escrow), actor=None)
    with pytest.raises(PermissionDenied):
        services.bonus_withdraw(bonus=bonus, actor=contract.worker)
    services.bonus_withdraw(bonus=bonus, actor=contract.client)
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.WITHDRAWN
    # and a withdrawn bonus asks the client for nothing
    from hataraku.payments.services import funding_ask

    assert bonus.escrow is not None and funding_ask(bonus.escrow) is None


# --- a milestone added to an active contract -----------------------------------------------------------


def test_an_added_milestone_becomes_new_terms_once_the_worker_accepts(tmp_path: Path) -> None:
    # given an active fixed contract of one ¥10,000 milestone (terms version 1)
    contract = active_contract(milestones=1, amount=10_000)
    version = contract.current_terms().version  # type: ignore[union-attr]
    due = clock.today() + dt.timedelta(days=30)
    # when the client proposes one more milestone
    cr = services.milestone_add_propose(
        contract=contract,
        actor=contract.client,
        title="追加の校正",
        amount=8_000,
        due_date=due,
        reason="追加",
    )
    # then nothing changes until the worker accepts
    assert contract.milestones.count() == 1
    services.change_request_answer(change_request=cr, actor=contract.worker, accept=True)
    # then the milestone exists, unfunded, and the new terms version lists it with the new total
    added = contract.milestones.get(order=2)
    assert (added.title, added.amount, added.due_date, added.status) == (
        "追加の校正",
        8_000,
        due,
        MilestoneStatus.PENDING,
    )
    contract.refresh_from_db()
    assert contract.total_amount == 18_000
    terms = contract.current_terms()
    assert terms is not None and terms.version == version + 1 and terms.change_request_id == cr.pk
    assert "追加の校正" in terms.text
    # and it is funded and paid like any milestone
    services.milestone_fund(milestone=added, actor=contract.client, idempotency_key=key("fund"))
    post_funding(added)
    services.milestone_sync_funding(milestone=added)
    added.refresh_from_db()
    assert added.status == MilestoneStatus.FUNDED
    services.milestone_accept(milestone=deliver(added), actor=contract.client)
    assert_books_balance(tmp_path)


def test_adding_a_milestone_is_the_clients_and_fixed_contracts_only() -> None:
    contract = active_contract(milestones=1, amount=10_000)
    due = clock.today() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        services.milestone_add_propose(
            contract=contract, actor=contract.worker, title="x", amount=1_000, due_date=due
        )
    with pytest.raises(DomainError) as bad_amount:
        services.milestone_add_propose(
            contract=contract, actor=contract.client, title="x", amount=0, due_date=due
        )
    assert bad_amount.value.field == "amount"
    with pytest.raises(DomainError) as past:
        services.milestone_add_propose(
            contract=contract,
            actor=contract.client,
            title="x",
            amount=1_000,
            due_date=clock.today() - dt.timedelta(days=1),
        )
    assert past.value.field == "due_date"
    hourly = active_contract(hourly=True)
    with pytest.raises(DomainError):
        services.milestone_add_propose(
            contract=hourly, actor=hourly.client, title="x", amount=1_000, due_date=due
        )


def test_the_personal_data_download_lists_cancellations_and_bonuses() -> None:
    from hataraku.contracts import privacy

    m = funded_milestone(amount=10_000)
    contract = m.contract
    _propose(m, contract.worker, 0, reason="続けられなくなりました")
    _give(contract, 2_000, message="お気持ちです")
    for person in (contract.worker, contract.client):
        data = privacy.export_user_data(person)
        assert [c["クライアントへの返金額"] for c in data["マイルストーンの取りやめの申し出"]] == [10_000]
        assert [b["金額"] for b in data["ボーナス"]] == [2_000]
    assert privacy.export_user_data(UserFactory())["ボーナス"] == []

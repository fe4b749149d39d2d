"""The pages for ending a funded milestone by agreement, giving a bonus and adding a milestone, through
HTTP: what each party sees, what a bad form says, and that the money moves only on the other's answer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts.constants import BonusStatus, CancellationStatus, MilestoneStatus
from hataraku.contracts.models import Bonus, ChangeRequest, MilestoneCancellation
from hataraku.core import clock, money
from hataraku.ledger.models import Settlement

from .factories import active_contract, funded_milestone, key

pytestmark = pytest.mark.django_db


def test_a_cancellation_proposed_by_the_client_moves_money_only_when_the_worker_accepts(client) -> None:
    # given a funded milestone of ¥10,000, the client signed in
    m = funded_milestone(amount=10_000)
    contract = m.contract
    login_as(client, contract.client)
    url = reverse("contracts:cancellation_new", args=[contract.pk, m.pk])
    page = client.get(url)
    assert "フリーランス法" in page.content.decode()
    # when she asks for more than the milestone holds / then the form says the limit, nothing is saved
    bad = client.post(url, {"worker_amount": 10_001, "reason": "途中まで", "idempotency_key": key()})
    assert bad.status_code == 200
    assert 'class="error-summary"' in bad.content.decode() and "10,000円" in bad.content.decode()
    assert not MilestoneCancellation.objects.exists()
    # when the form arrives without its key / then it asks to reload, nothing is saved
    nokey = client.post(url, {"worker_amount": 4_000, "reason": "途中まで"})
    assert "ページを開き直して" in nokey.content.decode()
    assert not MilestoneCancellation.objects.exists()
    # when she proposes ¥4,000 to the worker
    response = client.post(
        url, {"worker_amount": 4_000, "reason": "途中までで終えたい", "idempotency_key": key()}
    )
    assert response.status_code == 302
    proposal = MilestoneCancellation.objects.get()
    assert not Settlement.objects.exists()
    # then the worker sees it with her right to decline, and the answer buttons
    login_as(client, contract.worker)
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "あなたが承諾しない限り、報酬は減りません" in detail
    net = money.fee_breakdown(4_000, withholding=contract.withholding, on=clock.today()).net
    assert f"受取額の見込み: ¥{net:,}" in detail
    assert reverse("contracts:cancellation_answer", args=[contract.pk, proposal.pk]) in detail
    # when the worker accepts / then the escrow is split as agreed
    answer = reverse("contracts:cancellation_answer", args=[contract.pk, proposal.pk])
    assert client.post(answer, {"answer": "accept"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.ACCEPTED
    settlement = Settlement.objects.get(escrow=m.escrow)
    assert (settlement.worker_gross, settlement.client_amount) == (4_000, 6_000)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    # and the milestone table says what was agreed, not the full amount as paid
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    link = reverse("contracts:milestone", args=[contract.pk, m.pk])
    row = detail[detail.index(link) : detail.index("</tr>", detail.index(link))]
    assert "合意で取りやめ" in row and "ワーカーへ ¥4,000、返金 ¥6,000" in row
    assert str(MilestoneStatus.RELEASED.label) not in row


def test_the_client_sees_no_answer_buttons_for_her_own_proposal_and_may_withdraw_it(client) -> None:
    m = funded_milestone(amount=10_000)
    contract = m.contract
    login_as(client, contract.client)
    client.post(
        reverse("contracts:cancellation_new", args=[contract.pk, m.pk]),
        {"worker_amount": 0, "reason": "中止になりました", "idempotency_key": key()},
    )
    proposal = MilestoneCancellation.objects.get()
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert reverse("contracts:cancellation_answer", args=[contract.pk, proposal.pk]) not in detail
    # her own "accept" sent by hand is refused and changes nothing
    client.post(
        reverse("contracts:cancellation_answer", args=[contract.pk, proposal.pk]), {"answer": "accept"}
    )
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.PENDING and not Settlement.objects.exists()
    client.post(reverse("contracts:cancellation_withdraw", args=[contract.pk, proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == CancellationStatus.WITHDRAWN


def test_a_bonus_shows_the_take_home_before_the_client_confirms(client) -> None:
    # given an active contract, the client signed in
    contract = active_contract(milestones=1, amount=10_000)
    login_as(client, contract.client)
    url = reverse("contracts:bonus_new", args=[contract.pk])
    assert client.get(url).status_code == 200
    k = key()
    # when she enters ¥20,000 / then the next page shows the worker's take-home, and nothing is given yet
    preview = client.post(url, {"amount": 20_000, "message": "助かりました", "idempotency_key": k})
    split = money.fee_breakdown(20_000, withholding=contract.withholding, on=clock.today())
    body = preview.content.decode()
    assert f"¥{split.net:,}" in body and f"¥{split.fee:,}" in body
    assert not Bonus.objects.exists()
    # when she confirms (twice: a double click) / then one bonus waits for the money
    for _ in range(2):
        sent = client.post(
            url, {"amount": 20_000, "message": "助かりました", "idempotency_key": k, "action": "send"}
        )
        assert sent.status_code == 302
    bonus = Bonus.objects.get()
    assert (bonus.amount, bonus.status) == (20_000, BonusStatus.AWAITING_PAYMENT)
    # and the contract page leads her to paying it
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "ボーナスのお支払い方法と受付番号を見る" in detail


def test_a_bad_bonus_amount_is_a_form_error(client) -> None:
    contract = active_contract(milestones=1, amount=10_000)
    login_as(client, contract.client)
    response = client.post(
        reverse("contracts:bonus_new", args=[contract.pk]), {"amount": 0, "idempotency_key": key()}
    )
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()
    assert not Bonus.objects.exists()


def test_an_added_milestone_is_proposed_by_the_client_and_accepted_by_the_worker(client) -> None:
    contract = active_contract(milestones=1, amount=10_000)
    login_as(client, contract.client)
    due = (clock.today() + dt.timedelta(days=20)).isoformat()
    response = client.post(
        reverse("contracts:milestone_add", args=[contract.pk]),
        {"title": "追加の作業", "amount": 5_000, "due_date": due, "reason": "範囲が増えたため"},
    )
    assert response.status_code == 302
    cr = ChangeRequest.objects.get()
    login_as(client, contract.worker)
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "マイルストーンの追加: 追加の作業" in detail
    client.post(reverse("contracts:change_answer", args=[contract.pk, cr.pk]), {"answer": "accept"})
    assert contract.milestones.filter(title="追加の作業", amount=5_000).exists()

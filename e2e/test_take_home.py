"""Issue 10, item 6 in a real browser: the proposal form shows the worker's take-home as she types (htmx),
and the figure is what the ledger pays her once the whole money loop has run for that amount."""

from __future__ import annotations

import re

import pytest

from hataraku.accounts.tests.factories import PASSWORD, ClientFactory, UserFactory
from hataraku.contracts import services as contracts
from hataraku.contracts.tests.factories import deliver, funded_milestone
from hataraku.jobs import services as jobs
from hataraku.jobs.models import Proposal
from hataraku.jobs.tests.factories import JobFactory, category
from hataraku.ledger.models import Settlement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _yen(text: str) -> int:
    return int(re.sub(r"[^0-9]", "", text))


def test_the_take_home_preview_equals_what_the_ledger_later_pays(page, axe, login):
    # given a company's writing job (withholding applies) and a worker on its proposal form
    client = ClientFactory()
    job = JobFactory(client=client, category=category("writing-article"), budget_min=3_000, budget_max=6_000)
    worker = UserFactory()
    login(worker.email, PASSWORD)
    page.goto(page.base_url + f"/jobs/{job.pk}/propose/")
    axe(page, label="proposal form (before an amount)")

    # when she types ¥4,000
    page.get_by_label("提案金額(円)").fill("4000")
    net = page.locator("[data-take-home-net]")
    net.wait_for()
    # then the take-home appears without a page load: the fee, its tax and withholding are named
    preview = page.locator("#take-home")
    assert "Hataraku の手数料" in preview.inner_text() and "源泉徴収税" in preview.inner_text()
    shown = _yen(net.inner_text())
    assert 0 < shown < 4_000
    axe(page, label="proposal form (take-home shown)")

    # when she sends the proposal, and the whole money loop runs for it
    page.get_by_label("納品予定日").fill(job.deadline.isoformat())
    page.get_by_label("クライアントへのメッセージ").fill("子どもの昼寝の時間に進めます。")
    with page.expect_navigation():
        page.get_by_role("button", name="この内容で応募する").click()
    proposal = Proposal.objects.get(job=job, worker=worker)
    assert proposal.amount == 4_000
    contract = jobs.proposal_offer(proposal=proposal, actor=client, idempotency_key="offer-take-home")
    version = contract.current_terms().version
    contracts.contract_agree(contract=contract, actor=client, terms_version=version)
    contracts.contract_agree(contract=contract, actor=worker, terms_version=version)
    contract.refresh_from_db()
    milestone = deliver(funded_milestone(contract))
    contracts.milestone_accept(milestone=milestone, actor=client)

    # then the ledger paid her exactly the take-home the form showed
    settlement = Settlement.objects.get(worker=worker)
    assert settlement.worker_gross == 4_000
    assert settlement.withholding > 0
    assert settlement.worker_net == shown

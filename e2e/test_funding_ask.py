"""Paying a milestone again from the funding page, in a real browser: the page shows what is asked and for
what, the client chooses only how to pay (by keyboard), axe finds nothing, and the page reflows at 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hataraku.contracts import services
from hataraku.contracts.models import Milestone
from hataraku.contracts.tests.factories import active_contract, key
from hataraku.payments import services as payments
from hataraku.payments.models import ProviderFunding
from hataraku.payments.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_pays_a_voided_milestone_again_for_exactly_its_amount(
    page: Any, axe: Any, login: Any
) -> None:
    # given a ¥30,000 milestone whose bank transfer staff voided
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone = Milestone.objects.get(pk=milestone.pk)
    payments.funding_cancel(provider_funding=ProviderFunding.objects.get(escrow=milestone.escrow), actor=None)
    url = page.base_url + reverse("payments:funding_start", args=[milestone.escrow_id])
    login(contract.client.email, PASSWORD)
    # when she opens the funding page
    page.goto(url)
    # then it shows the amount asked and what it is for, and passes the audit
    assert "¥30,000" in page.locator("dl").inner_text()
    assert page.locator('input[type="number"]').count() == 0
    axe(page, label="funding page with an ask")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(url)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    # when she chooses bank transfer and goes on, by keyboard
    page.get_by_label("銀行振込").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="支払い手続きに進む").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # then she sees the transfer details for exactly ¥30,000
    pf = ProviderFunding.objects.filter(escrow=milestone.escrow).latest("id")
    assert pf.amount == 30_000
    assert pf.reference_code in page.content()

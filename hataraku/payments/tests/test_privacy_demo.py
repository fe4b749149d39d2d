from __future__ import annotations

import pytest

from hataraku.core.demo import ensure_people
from hataraku.payments import privacy, services
from hataraku.payments.constants import PayoutStatus
from hataraku.payments.demo import load
from hataraku.payments.models import BankAccount, InvoiceDocument, Payout

from .factories import BankAccountFactory, give_balance, key

pytestmark = pytest.mark.django_db


def test_export_masks_account_numbers_and_lists_money_records(worker, frozen_clock):
    BankAccountFactory(worker=worker, account_number="1234567")
    settlement = give_balance(worker, 30_000)
    services.payout_request(worker=worker, amount=3_000, idempotency_key=key())
    services.invoice_issue(settlement=settlement, actor=worker)
    data = privacy.export_user_data(worker)
    assert data["bank_accounts"][0]["account_number"] == "***4567"
    assert data["payouts"][0]["account_number"] == "***4567" and data["payouts"][0]["amount"] == 3_000
    assert data["documents"][0]["number"] == "HTK-2026-000001"
    assert "1234567" not in str(data)


def test_erase_deletes_bank_accounts_and_keeps_transaction_records(worker, frozen_clock):
    BankAccountFactory(worker=worker)
    settlement = give_balance(worker, 30_000)
    services.payout_request(worker=worker, amount=3_000, idempotency_key=key())
    services.invoice_issue(settlement=settlement, actor=worker)
    privacy.erase_user_data(worker)
    assert not BankAccount.objects.filter(worker=worker).exists()
    assert Payout.objects.filter(worker=worker).count() == 1
    assert InvoiceDocument.objects.filter(recipient=worker).count() == 1


def test_demo_is_idempotent_and_pays_sakura_when_she_has_a_balance(frozen_clock):
    people = ensure_people()
    give_balance(people["sakura"], 50_000)
    load(people)
    load(people)
    account = BankAccount.objects.get(worker=people["sakura"], is_active=True)
    assert (account.bank_code, account.branch_code, account.account_number) == ("0143", "001", "1234567")
    assert account.holder_name == "ナカムラ\u3000サクラ"
    payout = Payout.objects.get(worker=people["sakura"])
    assert payout.status == PayoutStatus.PAID


def test_demo_without_a_balance_only_adds_the_bank_account(frozen_clock):
    people = ensure_people()
    load(people)
    assert BankAccount.objects.filter(worker=people["sakura"]).count() == 1
    assert not Payout.objects.exists()

from __future__ import annotations

from typing import Any

import pytest

from hataraku.core import demo as core_demo
from hataraku.ledger import demo, privacy, selectors
from hataraku.ledger.models import JournalEntry, Posting

pytestmark = pytest.mark.django_db


def test_demo_gives_sakura_earnings_and_is_idempotent() -> None:
    # given the demo people
    people = core_demo.ensure_people()
    # when the ledger demo runs twice
    demo.load(people)
    counts = (JournalEntry.objects.count(), Posting.objects.count())
    demo.load(people)
    # then さくら has pending, available and paid money, and the second run posted nothing
    b = selectors.worker_balances(people["sakura"])
    assert b.pending == 40_000 and b.available > 0 and b.paid == 19_750 and b.withheld == 6_126
    assert (JournalEntry.objects.count(), Posting.objects.count()) == counts


def test_export_lists_balances_and_entries_and_erase_keeps_them() -> None:
    # given the demo money
    people = core_demo.ensure_people()
    demo.load(people)
    sakura: Any = people["sakura"]
    # when her data is exported
    data = privacy.export_user_data(sakura)
    # then her balances and the entries that touch her are there, and nobody else's
    assert data["残高"]["仮払い中"] == 40_000
    kinds = [e["種類"] for e in data["仕訳"]]
    assert kinds == ["仮払い入金", "支払い", "仮払い入金", "出金申請", "出金完了"]
    assert {a["勘定"] for a in data["勘定"]} == {
        f"Liabilities:Payable:Worker:U{sakura.pk}",
        f"Liabilities:InTransit:Worker:U{sakura.pk}",
    }
    naoko = privacy.export_user_data(people["naoko"])
    assert naoko["仕訳"] == [] and naoko["勘定"] == []
    # when erasure runs / then nothing is deleted (kept by law)
    before = Posting.objects.count()
    privacy.erase_user_data(sakura)
    assert Posting.objects.count() == before

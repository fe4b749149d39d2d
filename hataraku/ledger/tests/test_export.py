"""Beancount export: an outside tool loads our books with no errors and agrees with every balance."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from hataraku.ledger import selectors, services
from hataraku.ledger.constants import FeePlan, FundingSource
from hataraku.ledger.models import Account

from .factories import WorkerFactory, fund, funded_escrow, key

pytestmark = pytest.mark.django_db


def _scenario(frozen_clock: Any) -> None:
    import datetime as dt

    worker = WorkerFactory()
    escrow = funded_escrow(250_000, worker=worker, withholding=True)
    fund(escrow, 30_000, source=FundingSource.PROVIDER, provider="stripe")
    services.escrow_release(escrow=escrow, amount=150_000, worker=worker, actor=None, idempotency_key=key())
    frozen_clock.advance(dt.timedelta(days=2))
    services.escrow_split(
        escrow=escrow,
        worker=worker,
        worker_amount=60_000,
        client_amount=20_000,
        actor=None,
        idempotency_key=key(),
    )
    refund = services.escrow_refund(escrow=escrow, amount=10_000, actor=None, idempotency_key=key())
    services.entry_reverse(entry=refund.entry, actor=None, idempotency_key=key(), memo='取消 "誤り"')
    task = funded_escrow(10_000, worker=worker, fee_plan=FeePlan.TASK_FLAT)
    services.escrow_release(escrow=task, amount=10_000, worker=worker, actor=None, idempotency_key=key())
    ok = services.payout_reserve(
        worker=worker, amount=50_000, transfer_fee=250, actor=None, idempotency_key=key()
    )
    services.payout_settle(hold=ok, actor=None, idempotency_key=key())
    bad = services.payout_reserve(
        worker=worker, amount=5_000, transfer_fee=250, actor=None, idempotency_key=key()
    )
    services.payout_fail(hold=bad, actor=None, idempotency_key=key())
    services.client_money_out(
        client=escrow.client,
        amount=20_000,
        destination=FundingSource.BANK_TRANSFER,
        actor=None,
        idempotency_key=key(),
    )


def test_export_loads_in_beancount_and_matches_our_balances(frozen_clock: Any, tmp_path: Path) -> None:
    from beancount import loader
    from beancount.core import data

    # given a ledger with every kind of entry
    _scenario(frozen_clock)
    # when it is exported through the management command
    path = tmp_path / "ledger.beancount"
    call_command("ledger_export", str(path))
    # then Beancount loads it with no errors (the balance assertions included)
    entries, errors, _ = loader.load_file(str(path))
    assert errors == [], errors
    # and its balances per account equal ours
    theirs: dict[str, int] = defaultdict(int)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                units = posting.units
                assert units is not None and units.currency == "JPY" and units.number is not None
                theirs[posting.account] += int(units.number)
    ours = selectors.trial_balance()
    assert {k: v for k, v in theirs.items() if v} == {k: v for k, v in ours.items() if v}
    assert len([e for e in entries if isinstance(e, data.Balance)]) == Account.objects.count()
    assert len([e for e in entries if isinstance(e, data.Open)]) == Account.objects.count()
    # and bean-check (from the locked dev dependencies) agrees
    bean_check = Path(sys.executable).parent / "bean-check"
    if not bean_check.exists():
        found = shutil.which("bean-check")
        assert found, "bean-check is a dev dependency (PyPI beancount) and must be installed"
        bean_check = Path(found)
    result = subprocess.run([str(bean_check), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_balance_would_be_caught(frozen_clock: Any, tmp_path: Path) -> None:
    from beancount import loader

    # given an exported ledger whose last balance assertion is tampered with
    _scenario(frozen_clock)
    path = tmp_path / "ledger.beancount"
    call_command("ledger_export", str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    last = lines[-1].rsplit(" ", 2)
    lines[-1] = f"{last[0]} {int(last[1]) + 1} JPY"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # when Beancount loads it / then it reports the difference (so the real check is meaningful)
    _, errors, _ = loader.load_file(str(path))
    assert errors


def test_empty_ledger_exports_only_options(tmp_path: Path) -> None:
    # given nothing / when exported / then a valid file with no entries
    path = tmp_path / "empty.beancount"
    call_command("ledger_export", str(path))
    assert "open" not in path.read_text(encoding="utf-8")

"""Periodic work: what must happen because time passed, not because someone clicked.

`hataraku serve` runs `hataraku_tick --loop 60` beside gunicorn; in production run
`manage.py hataraku_tick` from cron instead. Every job is idempotent (each locks and re-checks), so a
second run in the same minute, or two ticks at once, changes nothing more.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

logger = logging.getLogger(__name__)

JOBS = [
    # Reconciliation with the card provider: a pending card funding whose webhook was missed is posted (or
    # voided) here, and its `FundingPosted` event funds the milestone at once. First, so the contracts pass
    # below already sees the money.
    "hataraku.payments.services.fundings_reconcile_due",
    # Refunds to a client's card the provider could not be reached for when she asked: asked again.
    "hataraku.payments.services.card_refunds_send_due",
    # A silent client never leaves a worker unpaid: milestone fundings synced (the safety net behind the
    # ledger's `FundingPosted` event), billed weeks released once
    # their money arrived, deliveries auto-accepted, hourly weeks submitted once logging closed and
    # submitted weeks left unanswered for the acceptance period auto-approved and billed.
    "hataraku.contracts.tasks.run_periodic",
    # E-mail held back by quiet hours or waiting for the daily digest.
    "hataraku.messaging.services.notifications_send_due",
    # Qualified invoices for fees taken since the last tick, dated the day the fee was taken.
    "hataraku.payments.services.invoices_issue_due",
    # Jobs whose proposal deadline passed leave the search index (closing and deleting leave it at once).
    "hataraku.search.services.index_purge_expired",
    # New jobs for saved searches with alerts on: found, then told in-app / by e-mail once quiet hours allow.
    "hataraku.alerts.delivery.alerts_run_due",
    # Change rows of jobs older than a day (the columns in memory of 「あなたにできる仕事」 read them).
    "hataraku.matching.services.job_changes_prune",
]


def run_all() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for dotted in JOBS:
        module_name, _, attr = dotted.rpartition(".")
        try:
            results[dotted] = getattr(importlib.import_module(module_name), attr)()
        except Exception:  # one failing job must not stop the others; it is logged and retried next tick
            logger.exception("periodic job %s failed", dotted)
            results[dotted] = "error"
    return results

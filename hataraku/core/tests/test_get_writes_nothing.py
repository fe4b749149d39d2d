"""Reads read (issue 8, item 2): opening any page, as anyone, changes nothing.

Over the demo data, every URL pattern of the project is opened with GET and HEAD as anonymous, a worker,
a client, a municipal officer and staff (staff and municipal with the second factor, as their sessions
always are), each numeric parameter filled with the ids of real rows (nested ones with rows that belong
together). Before and after, every table is read whole (row count and a checksum of every row, which
covers the `updated_at` columns and more); only the session table may change. No journal entry may
appear. Changes come from a POST, an event or the clock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hataraku.accounts.tests.mfa import login_as

pytestmark = pytest.mark.django_db

# Django's static files and language switch are not ours; a parameterised admin page edits through its
# POST only, and the admin index and changelists are walked.
SKIP_PREFIXES = ("static/", "i18n/")
# Tables a GET may change: the session (the log-in itself, the session keep-alive's expiry).
MAY_CHANGE = {"sessions.session"}
PER_PARAMETER = 4  # rows per parameter: enough to reach each persona's own objects, few enough to be quick


def _routes(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _ids(model: str, **filters: Any) -> list[int]:
    return list(apps.get_model(model).objects.filter(**filters).order_by("pk").values_list("pk", flat=True))


def _spread(values: list[Any]) -> list[Any]:
    """A few values spread over the list (first, last and between), so every persona's rows are met."""
    if len(values) <= PER_PARAMETER:
        return values
    step = (len(values) - 1) / (PER_PARAMETER - 1)
    return [values[round(i * step)] for i in range(PER_PARAMETER)]


def _pairs(model: str, parent: str, *, via: str = "contract_id") -> list[tuple[int, int]]:
    rows = apps.get_model(model).objects.order_by("pk").values_list(via, "pk")
    return _spread([(a, b) for a, b in rows])


def _kwargs(route: str) -> list[dict[str, int]]:
    """Every way to fill `route`'s parameters with rows that exist (and belong together)."""
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    if not names:
        return [{}]
    nested = {
        ("contract_id", "change_id"): _pairs("contracts.ChangeRequest", "contract"),
        ("contract_id", "milestone_id"): _pairs("contracts.Milestone", "contract"),
        ("contract_id", "file_id"): _pairs(
            "contracts.DeliveryFile", "contract", via="delivery__milestone__contract_id"
        ),
        ("contract_id", "request_id"): _pairs("contracts.AccommodationRequest", "contract"),
        ("contract_id", "week_id"): _pairs("contracts.HourlyWeek", "contract"),
        ("contract_id", "cancellation_id"): _pairs("contracts.MilestoneCancellation", "contract"),
        ("contract_id", "bonus_id"): _pairs("contracts.Bonus", "contract"),
    }
    key = tuple(names)
    if key in nested:
        return [dict(zip(key, pair, strict=True)) for pair in nested[key]]
    if key == ("contract_id", "week_id", "correction_id"):
        rows = apps.get_model("contracts.TimeCorrection").objects.values_list(
            "week__contract_id", "week_id", "pk"
        )
        return [dict(zip(key, row, strict=True)) for row in _spread(list(rows))]
    (name,) = names
    by_prefix = {
        "payments/fundings/": "payments.ProviderFunding",
        "payments/staff/transfers/": "payments.ProviderFunding",
        "payments/staff/batches/": "payments.PayoutBatch",
        "payments/staff/payouts/": "payments.Payout",
        "payments/staff/client-withdrawals/": "payments.ClientWithdrawal",
        "payments/return-documents/": "payments.InvoiceDocument",
        "profile/conditions/exceptions/": "profiles.DateException",
    }
    by_name = {
        "user_id": "accounts.User",
        "contract_id": "contracts.Contract",
        "dispute_id": "contracts.Dispute",
        "job_id": "jobs.Job",
        "proposal_id": "jobs.Proposal",
        "verification_id": "accounts.IdentityVerification",
        "thread_id": "messaging.Thread",
        "attachment_id": "messaging.Attachment",
        "notification_id": "messaging.Notification",
        "settlement_id": "ledger.Settlement",
        "escrow_id": "ledger.Escrow",
        "funding_id": "ledger.Funding",
        "saved_search_id": "alerts.SavedSearch",
    }
    if name == "year":
        return [{"year": 2026}]
    model = next((m for p, m in by_prefix.items() if route.startswith(p)), None) or by_name.get(name)
    # A parameter this test does not know is still opened, with small ids.
    values = [1, 2] if model is None else _spread(_ids(model))
    return [{name: v} for v in values]


def _paths() -> list[str]:
    paths: set[str] = set()
    for route in _routes(get_resolver()):
        if route.startswith(SKIP_PREFIXES) or "(?P" in route or "^" in route:
            continue
        if route.startswith("django-admin/") and "<" in route:
            continue
        names = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        if any(conv not in ("int", "") for conv, _name in names):
            continue  # allauth's key and token pages (e-mail confirmation, password reset)
        for kwargs in _kwargs(route):
            path = route
            for name, value in kwargs.items():
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            paths.add("/" + path)
    return sorted(paths)


def _snapshot() -> dict[str, tuple[int, str]]:
    """Every table: (rows, SHA-256 over every row's values), the session table left out."""
    tables: dict[str, tuple[int, str]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in MAY_CHANGE or not model._meta.managed or model._meta.proxy:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.sha256()
        count = 0
        for row in model._base_manager.order_by("pk").values_list(*fields).iterator():
            digest.update(repr(row).encode())
            count += 1
        tables[label] = (count, digest.hexdigest())
    return tables


def _changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [label for label in sorted(before) if before[label] != after.get(label)]


def _walk(browser: Client, paths: list[str], role: str, statuses: dict[int, int]) -> None:
    for path in paths:
        for method in ("GET", "HEAD"):
            response = browser.generic(method, path)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, f"{method} {path} as {role}"


def _writers(browser: Client, paths: list[str], role: str) -> list[str]:
    """Walk again, one page at a time, to name the pages that wrote (only when a walk found a change)."""
    found: list[str] = []
    before = _snapshot()
    for path in paths:
        _walk(browser, [path], role, {})
        after = _snapshot()
        found += [f"{role} {path}: {label}" for label in _changed(before, after)]
        before = after
    return found


def _money_waiting_for_its_handler() -> None:
    """A milestone's bank transfer confirmed and posted, whose after-commit handler has not run yet (as
    if it had failed): a page that "catches up" on view would fund the milestone now."""
    from hataraku.contracts.constants import MilestoneStatus
    from hataraku.contracts.models import Milestone
    from hataraku.ledger.constants import FundingStatus
    from hataraku.ledger.models import Funding
    from hataraku.ledger.services import funding_post

    waiting = Milestone.objects.filter(status=MilestoneStatus.FUNDING_REQUESTED, escrow__isnull=False).first()
    assert waiting is not None and waiting.escrow is not None, "the demo has a transfer awaiting staff"
    funding = Funding.objects.get(escrow=waiting.escrow, status=FundingStatus.PENDING)
    funding_post(funding=funding, actor=None, idempotency_key="test:posted-without-handler")


def test_no_get_or_head_changes_any_row_for_any_role(frozen_clock, django_capture_on_commit_callbacks):
    from hataraku.core import demo
    from hataraku.ledger.models import JournalEntry

    # given the demo data (its after-commit work done), one posted funding whose handler has not run, and
    # a signed-in browser per role
    with django_capture_on_commit_callbacks(execute=True):
        people = demo.load()
    _money_waiting_for_its_handler()
    browsers: dict[str, Client] = {"anonymous": Client()}
    for role, persona in (
        ("worker", "sakura"),
        ("client", "hidamari"),
        ("municipal", "nichinan"),
        ("staff", "staff"),
    ):
        browsers[role] = Client()
        login_as(browsers[role], people[persona])
    paths = _paths()
    assert len(paths) > 150  # the walk really covers the platform
    entries = JournalEntry.objects.count()
    # when every role opens every page with GET and HEAD (and any after-commit work runs)
    statuses: dict[int, int] = {}
    writers: list[str] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for role, browser in browsers.items():
            before = _snapshot()
            _walk(browser, paths, role, statuses)
            if _changed(before, _snapshot()):
                writers += _writers(browser, paths, role)
    # then no row of any table changed, nothing was scheduled after a commit, no entry appeared
    assert writers == [], "\n".join(writers)
    assert callbacks == []
    assert JournalEntry.objects.count() == entries
    # (and the walk did open real pages, not only refusals)
    assert statuses.get(200, 0) > 300


def test_a_page_that_writes_is_caught(frozen_clock):
    """The snapshot sees a change to any column, not just counts (the walk above would miss nothing)."""
    from hataraku.accounts.tests.factories import ClientFactory

    user = ClientFactory()
    before = _snapshot()
    type(user).objects.filter(pk=user.pk).update(display_name="変わった名前")
    assert _changed(before, _snapshot()) == ["accounts.user"]

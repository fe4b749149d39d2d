"""Identity checks on the dashboard (accounts/todos.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts import todos
from hataraku.accounts.constants import VerificationStatus

from .factories import StaffFactory, UserFactory, VerificationFactory

pytestmark = pytest.mark.django_db


def test_staff_queue_counts_pending_checks_and_dates_the_oldest() -> None:
    first = VerificationFactory(status=VerificationStatus.PENDING)
    VerificationFactory(status=VerificationStatus.PENDING)
    VerificationFactory(status=VerificationStatus.APPROVED)
    (line,) = todos.staff_verifications(StaffFactory())
    assert (line.count, line.when) == (2, first.created_at)
    assert line.url == reverse("identity:staff_verifications")


def test_a_rejected_document_asks_her_to_send_another_and_no_one_else() -> None:
    worker = UserFactory()
    assert todos.worker_verification(worker) == []
    VerificationFactory(user=worker, status=VerificationStatus.REJECTED)
    (item,) = todos.worker_verification(worker)
    assert item.url == reverse("identity:verification")
    assert todos.worker_verification(UserFactory()) == []

"""What suspension does (issue 10, item 8): nothing new starts — no jobs, proposals, invitations or
messages — and payouts wait for staff review; what is already running goes on."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.accounts import people
from hataraku.core import clock
from hataraku.core.errors import DomainError, ErrorCode, NotFound
from hataraku.core.models import AuditEvent
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.models import Invitation, Job, Proposal
from hataraku.jobs.services import invitation_send, job_create, job_transition, proposal_submit
from hataraku.jobs.tests.factories import JobFactory
from hataraku.jobs.tests.test_services import job_input
from hataraku.messaging.models import Message
from hataraku.messaging.services import message_send
from hataraku.messaging.tests.factories import MessageFactory as _MessageFactory
from hataraku.messaging.tests.factories import ThreadFactory as _ThreadFactory
from hataraku.payments import services as payments
from hataraku.payments.constants import PayoutStatus
from hataraku.payments.models import PayoutBatch
from hataraku.payments.tests.factories import BankAccountFactory, give_balance, key

from .factories import ClientFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# Typed for mypy: the messaging factories are not annotated to return their models.
MessageFactory: Any = _MessageFactory
ThreadFactory: Any = _ThreadFactory

SUSPENDED_WORDS = "一時停止中"


@pytest.fixture
def staff():
    return StaffFactory()


def _suspend(person, staff):
    return people.account_suspend(person=person, actor=staff, reason="確認のため")


def _refused(info) -> None:
    assert info.value.code == ErrorCode.ACCOUNT_SUSPENDED
    assert SUSPENDED_WORDS in info.value.message


def test_a_suspended_client_cannot_create_or_publish_a_job_but_can_close_one(staff, frozen_clock) -> None:
    # Given a client with a draft and a published job, then suspended
    client = ClientFactory()
    draft = JobFactory(client=client, status=JobStatus.DRAFT, published_at=None)
    live = JobFactory(client=client)
    client = _suspend(client, staff)
    # When they create or publish a job / Then it is refused kindly and nothing is saved
    with pytest.raises(DomainError) as info:
        job_create(client=client, data=job_input())
    _refused(info)
    with pytest.raises(DomainError) as info:
        job_transition(job=draft, actor=client, to=JobStatus.PUBLISHED)
    _refused(info)
    assert Job.objects.filter(client=client).count() == 2
    # But closing a running job (stopping something) still works
    job_transition(job=live, actor=client, to=JobStatus.CLOSED)
    assert Job.objects.get(pk=live.pk).status == JobStatus.CLOSED


def test_a_suspended_worker_cannot_propose(staff, frozen_clock) -> None:
    job = JobFactory()
    worker = _suspend(UserFactory(), staff)
    with pytest.raises(DomainError) as info:
        proposal_submit(
            job=job,
            worker=worker,
            amount=12_000,
            delivery_date=clock.today() + dt.timedelta(days=10),
            message="よろしくお願いします",
        )
    _refused(info)
    assert not Proposal.objects.exists()


def test_a_suspended_client_cannot_invite(staff, frozen_clock) -> None:
    client = ClientFactory()
    job = JobFactory(client=client)
    client = _suspend(client, staff)
    with pytest.raises(DomainError) as info:
        invitation_send(job=job, client=client, worker=UserFactory(), message="ぜひ")
    _refused(info)
    assert not Invitation.objects.exists()


def test_a_suspended_person_cannot_send_messages_but_others_still_can(staff) -> None:
    # Given a thread between two people, one of them suspended
    worker, client = UserFactory(), ClientFactory()
    thread = ThreadFactory(participants=[worker, client])
    worker = _suspend(worker, staff)
    # When the suspended one writes / Then it is refused
    with pytest.raises(DomainError) as info:
        message_send(thread=thread, sender=worker, body="連絡先を教えます")
    _refused(info)
    # And the other person can still write to them
    message_send(thread=thread, sender=client, body="納品をお待ちしています")
    assert list(Message.objects.values_list("sender_id", flat=True)) == [client.pk]


def test_a_suspended_workers_payout_is_held_until_staff_release_it(staff, frozen_clock) -> None:
    # Given a suspended worker with a balance and a bank account
    worker = UserFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    worker = _suspend(worker, staff)
    # When they ask for a payout
    payout = payments.payout_request(worker=worker, amount=10_000, idempotency_key=key())
    # Then the money is reserved but the payout is held, and a batch does not take it
    assert payout.status == PayoutStatus.HELD
    with pytest.raises(DomainError):
        payments.payout_batch_create(
            actor=staff, transfer_date=clock.today() + dt.timedelta(days=2), idempotency_key=key()
        )
    # When staff review and release it
    payments.payout_release(payout=payout, actor=staff)
    # Then it is requested (audited) and the next batch takes it
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.REQUESTED
    assert AuditEvent.objects.filter(action="payments.payout_released", target_id=str(payout.pk)).exists()
    batch = payments.payout_batch_create(
        actor=staff, transfer_date=clock.today() + dt.timedelta(days=2), idempotency_key=key()
    )
    assert PayoutBatch.objects.get(pk=batch.pk).payouts.get().pk == payout.pk


def test_only_staff_release_a_held_payout(staff, frozen_clock) -> None:
    worker = UserFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    worker = _suspend(worker, staff)
    payout = payments.payout_request(worker=worker, amount=10_000, idempotency_key=key())
    with pytest.raises(NotFound):
        payments.payout_release(payout=payout, actor=worker)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.HELD


def test_an_active_workers_payout_is_not_held(frozen_clock) -> None:
    worker = UserFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000)
    payout = payments.payout_request(worker=worker, amount=10_000, idempotency_key=key())
    assert payout.status == PayoutStatus.REQUESTED


def test_a_message_received_before_suspension_stays(staff) -> None:
    # Suspension stops what is new; it removes nothing already said.
    message = MessageFactory()
    _suspend(message.sender, staff)
    assert Message.objects.filter(pk=message.pk).exists()

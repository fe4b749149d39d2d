"""Issue 10 item 7: a worker who stopped a client's messages gets none from him — in the service and on
the pages — while what the Freelance Act needs still reaches her: a live contract's thread stays open, and
the platform's contract notices (terms, delivery, payment) are never stopped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.core.errors import PermissionDenied
from hataraku.messaging.models import Message, Notification, Thread
from hataraku.messaging.services import message_send, proposal_thread_start, thread_for_contract
from hataraku.profiles import services as profile_services
from hataraku.profiles.constants import ClientBlockKind

from .factories import ContractFactory, ProposalFactory

pytestmark = pytest.mark.django_db

NEUTRAL = "このワーカーには現在メッセージを送れません"


def _stop(worker, client) -> None:
    worker.is_worker = True
    worker.save(update_fields=["is_worker"])
    profile_services.client_block_set(worker=worker, client_id=client.pk, kind=ClientBlockKind.MESSAGES)


def test_a_stopped_client_cannot_start_or_send_in_a_proposal_thread(client, frozen_clock):
    # given a proposal whose thread has begun, and the worker then stops the client's messages
    proposal = ProposalFactory.create()
    job_client, worker = proposal.job.client, proposal.worker
    thread = proposal_thread_start(proposal=proposal, sender=worker, body="質問があります。").thread
    _stop(worker, job_client)

    # when the client sends through the service
    # then it is refused with the neutral sentence, and nothing is stored
    with pytest.raises(PermissionDenied) as refused:
        message_send(thread=thread, sender=job_client, body="返事です。")
    assert NEUTRAL in refused.value.message
    assert Message.objects.filter(sender=job_client).count() == 0

    # when he opens the thread page
    client.force_login(job_client)
    page = client.get(reverse("messaging:thread", args=[thread.pk])).content.decode()
    # then he sees the neutral line instead of the form, and a POST stores nothing
    assert NEUTRAL in page and 'name="body"' not in page
    client.post(reverse("messaging:thread", args=[thread.pk]), {"body": "それでも送ります。"})
    assert Message.objects.filter(sender=job_client).count() == 0
    # and no notice about a message reached her
    assert not Notification.objects.filter(user=worker, code="messaging.message_received").exists()

    # and she herself may still write to him (her choice)
    message_send(thread=thread, sender=worker, body="確認します。")


def test_a_stopped_client_cannot_start_a_new_thread_about_another_proposal(client, frozen_clock):
    # given a worker who stopped a client, and a proposal of hers to his job with no thread yet
    proposal = ProposalFactory.create()
    _stop(proposal.worker, proposal.job.client)
    client.force_login(proposal.job.client)
    url = reverse("messaging:proposal_thread", args=[proposal.pk])

    # when he opens the first-message page and posts anyway
    page = client.get(url).content.decode()
    client.post(url, {"body": "はじめまして。"})

    # then he sees the neutral line, and no thread or message was made
    assert NEUTRAL in page and 'name="body"' not in page
    assert not Thread.objects.filter(proposal=proposal).exists()


def test_a_live_contract_thread_stays_open_and_a_finished_one_closes(frozen_clock):
    # given an active contract, and the worker stops the client's messages
    contract = ContractFactory.create(status="active")
    _stop(contract.worker, contract.client)
    thread = thread_for_contract(contract)

    # when the client writes about delivery and payment
    message = message_send(thread=thread, sender=contract.client, body="お支払い日は月末です。")

    # then it reaches her: the terms, delivery and payment talk the Freelance Act needs stays open
    assert message.pk and Notification.objects.filter(user=contract.worker).exists()

    # when the contract is over
    contract.status = "completed"
    contract.save(update_fields=["status"])
    thread.refresh_from_db()
    # then that thread closes to him too
    with pytest.raises(PermissionDenied):
        message_send(thread=thread, sender=contract.client, body="また別の仕事があります。")


def test_contract_notices_still_reach_her(frozen_clock):
    # given a worker who stopped a client's messages and hid his jobs
    from hataraku.contracts.tests.factories import offered_contract
    from hataraku.jobs.tests.factories import ClientFactory
    from hataraku.profiles.tests.factories import WorkerFactory

    worker, job_client = WorkerFactory(), ClientFactory()
    _stop(worker, job_client)
    profile_services.client_block_set(worker=worker, client_id=job_client.pk, kind=ClientBlockKind.JOBS)
    before = Notification.objects.filter(user=worker).count()

    # when he offers her a contract on her earlier proposal (written terms, Freelance Act art. 3)
    contract = offered_contract(client=job_client, worker=worker)

    # then the platform's notice of the terms reaches her as always
    assert contract.pk
    assert Notification.objects.filter(user=worker).count() > before

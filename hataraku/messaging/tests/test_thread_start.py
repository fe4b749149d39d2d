"""Issue 7 item 9: opening a proposal's (or contract's) message thread writes nothing. With no thread yet,
the page offers a first-message form; its POST creates the thread together with that message."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hataraku.core.tests.rows import row_counts
from hataraku.messaging.models import Message, Thread
from hataraku.messaging.services import message_send, thread_for_proposal

from .factories import ContractFactory, ProposalFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_opening_a_proposal_thread_writes_nothing(client, frozen_clock):
    # given a proposal nobody has written about yet, and its client
    proposal = ProposalFactory.create()
    client.force_login(proposal.job.client)
    before = row_counts()

    # when the client opens the thread's address (the button on the proposal page)
    response = client.get(reverse("messaging:proposal_thread", args=[proposal.pk]))

    # then a first-message form answers, naming the worker, and no row is written (no empty thread)
    assert response.status_code == 200
    page = response.content.decode()
    assert proposal.worker.name_for_display in page and 'name="body"' in page
    assert row_counts() == before


def test_the_first_message_creates_the_thread_with_it(client, frozen_clock):
    # given the worker on the first-message form of her proposal
    proposal = ProposalFactory.create()
    client.force_login(proposal.worker)
    url = reverse("messaging:proposal_thread", args=[proposal.pk])

    # when she sends her first message with a file
    response = client.post(
        url,
        {"body": "納期について質問です。", "attachments": [SimpleUploadedFile("図.png", PNG, "image/png")]},
    )

    # then one thread exists with both people in it, holding her message, and she is taken to it
    thread = Thread.objects.get(proposal=proposal)
    assert response.status_code == 302 and response["Location"] == reverse(
        "messaging:thread", args=[thread.pk]
    )
    assert set(thread.participants.values_list("pk", flat=True)) == {
        proposal.worker_id,
        proposal.job.client_id,
    }
    message = Message.objects.get(thread=thread)
    assert message.body == "納期について質問です。" and message.attachments.count() == 1
    # and from now on the address opens the thread
    assert client.get(url)["Location"] == reverse("messaging:thread", args=[thread.pk])


def test_an_empty_first_message_leaves_no_thread(client, frozen_clock):
    # given the client on the first-message form
    proposal = ProposalFactory.create()
    client.force_login(proposal.job.client)

    # when they press send with nothing written
    response = client.post(reverse("messaging:proposal_thread", args=[proposal.pk]), {"body": "  "})

    # then the form comes back with a kind message, and no empty thread is left behind
    assert response.status_code == 400
    assert "メッセージを入力するか、ファイルを添付してください。" in response.content.decode()
    assert not Thread.objects.exists()


def test_a_first_message_after_the_other_side_started_joins_their_thread(client, frozen_clock):
    # given a worker who opened the form while the client was writing the first message
    proposal = ProposalFactory.create()
    thread = thread_for_proposal(proposal)
    message_send(thread=thread, sender=proposal.job.client, body="ご応募ありがとうございます。", files=[])
    client.force_login(proposal.worker)

    # when her message arrives
    client.post(reverse("messaging:proposal_thread", args=[proposal.pk]), {"body": "よろしくお願いします。"})

    # then it joins the same thread; nothing is lost and no second thread appears
    assert Thread.objects.count() == 1
    assert list(thread.messages.order_by("created_at", "pk").values_list("body", flat=True)) == [
        "ご応募ありがとうございます。",
        "よろしくお願いします。",
    ]


def test_opening_a_contract_thread_writes_nothing_until_the_first_message(client, frozen_clock):
    # given a contract nobody has written about yet, and its worker
    contract = ContractFactory.create()
    client.force_login(contract.worker)
    url = reverse("messaging:contract_thread", args=[contract.pk])
    before = row_counts()

    # when she opens the thread's address, then nothing is written
    assert client.get(url).status_code == 200
    assert row_counts() == before

    # when she sends the first message, then the thread is made with it
    client.post(url, {"body": "作業を始めました。"})
    assert Thread.objects.get(contract=contract).messages.get().body == "作業を始めました。"


def test_strangers_cannot_start_a_thread(client, frozen_clock):
    # given a worker with nothing to do with the proposal
    proposal = ProposalFactory.create()
    client.force_login(WorkerFactory.create())

    # when they open or post to its thread
    url = reverse("messaging:proposal_thread", args=[proposal.pk])
    # then both answer "not found" and nothing is made
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "こんにちは"}).status_code == 404
    assert not Thread.objects.exists()

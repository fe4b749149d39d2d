"""Threads, messages, attachments and unread counts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hataraku.core.errors import DomainError, NotFound
from hataraku.core.models import AuditEvent
from hataraku.messaging.constants import MAX_ATTACHMENT_BYTES
from hataraku.messaging.models import Attachment, Message, Notification, Thread
from hataraku.messaging.selectors import threads_for, unread_message_count
from hataraku.messaging.services import message_send, thread_for_contract, thread_for_proposal

from .factories import ContractFactory, ProposalFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_thread_for_proposal_is_created_once_with_client_and_worker(frozen_clock):
    # given a proposal
    proposal = ProposalFactory.create()
    # when the thread is asked for twice
    first = thread_for_proposal(proposal)
    second = thread_for_proposal(proposal)
    # then it is one thread between the job's client and the worker
    assert first.pk == second.pk
    assert set(first.participants.values_list("pk", flat=True)) == {
        proposal.job.client_id,
        proposal.worker_id,
    }
    assert Thread.objects.filter(proposal=proposal).count() == 1


def test_thread_for_contract_is_created_once_with_client_and_worker(frozen_clock):
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    assert thread_for_contract(contract).pk == thread.pk
    assert set(thread.participants.values_list("pk", flat=True)) == {contract.client_id, contract.worker_id}
    assert contract.title in thread.subject


def test_message_send_notifies_the_other_participant_and_counts_unread(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a contract thread
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    # when the worker sends a message
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(thread=thread, sender=contract.worker, body="納品物をお送りします。", files=[])
    # then the client gets an in-app notification (and email) and has one unread message
    notification = Notification.objects.get(user=contract.client)
    assert notification.code == "messaging.message_received"
    assert notification.url == f"/messages/threads/{thread.pk}/"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [contract.client.email]
    assert unread_message_count(contract.client) == 1
    assert unread_message_count(contract.worker) == 0
    assert threads_for(contract.client).get().unread == 1  # type: ignore[attr-defined]
    assert not Notification.objects.filter(user=contract.worker).exists()
    assert AuditEvent.objects.filter(action="messaging.message_sent", target_id=str(message.pk)).exists()


def test_opening_the_thread_clears_unread(frozen_clock, client):
    # given an unread message for the client
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    message_send(thread=thread, sender=contract.worker, body="こんにちは", files=[])
    # when the client opens the thread
    client.force_login(contract.client)
    response = client.get(f"/messages/threads/{thread.pk}/")
    # then the page shows the message; the opening itself writes nothing
    assert response.status_code == 200
    assert "こんにちは" in response.content.decode()
    assert unread_message_count(contract.client) == 1
    # when the page, once loaded, sends its read marker (htmx), then the count is zero
    client.post(f"/messages/threads/{thread.pk}/read/", HTTP_HX_REQUEST="true")
    assert unread_message_count(contract.client) == 0


def test_a_non_participant_cannot_send(frozen_clock):
    # given a thread and a stranger
    thread = thread_for_contract(ContractFactory.create())
    # when the stranger sends
    with pytest.raises(NotFound):
        message_send(thread=thread, sender=WorkerFactory.create(), body="横から失礼します", files=[])
    # then nothing was saved
    assert not Message.objects.exists()


def test_empty_message_is_refused(frozen_clock):
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    with pytest.raises(DomainError) as exc:
        message_send(thread=thread, sender=contract.client, body="   ", files=[])
    assert "メッセージを入力" in str(exc.value)
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("見積書.pdf", PDF),
        ("画面.png", PNG),
        ("写真.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("メモ.txt", "こんにちは".encode()),
        ("名簿.csv", "名前,年齢\n山田,30\n".encode("cp932")),
        ("原稿.docx", office("word/document.xml")),
        ("集計.xlsx", office("xl/workbook.xml")),
    ],
)
def test_allowed_attachments_are_stored_privately(frozen_clock, name, data):
    # given a thread
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    # when a permitted file is sent
    message = message_send(thread=thread, sender=contract.worker, body="", files=[upload(name, data)])
    # then it is stored under the private prefix with a random name, keeping the original name apart
    attachment = message.attachments.get()
    assert attachment.original_name == name
    assert attachment.file.name
    assert attachment.file.name.startswith(f"private/messages/{thread.pk}/")
    assert name not in attachment.file.name
    assert attachment.size == len(data)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([upload("run.exe", b"MZ\x90\x00")], "送れない種類"),
        ([upload("偽物.pdf", PNG)], "名前と中身の種類が一致しない"),
        ([upload("偽物.docx", PDF)], "名前と中身の種類が一致しない"),
        ([upload("バイナリ.txt", b"\x00\x01\x02")], "名前と中身の種類が一致しない"),
        ([upload("zip.xlsx", office("word/document.xml"))], "名前と中身の種類が一致しない"),
        ([upload(f"{i}.png", PNG) for i in range(6)], "5個まで"),
        ([upload("大きい.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES)], "大きすぎます"),
        ([upload("ok.png", PNG), upload("bad.exe", b"MZ")], "bad.exe"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_saved(frozen_clock, files, expected):
    # given a thread
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    # when a bad file is sent (together with a message)
    with pytest.raises(DomainError) as exc:
        message_send(thread=thread, sender=contract.worker, body="ファイルです", files=files)
    # then a clear Japanese error, and no message, no attachment, no notification
    assert expected in str(exc.value)
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert not Notification.objects.exists()


def test_ten_megabytes_exactly_is_allowed(frozen_clock):
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    data = PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))
    message = message_send(
        thread=thread, sender=contract.worker, body="", files=[upload("ちょうど.pdf", data)]
    )
    assert message.attachments.get().size == MAX_ATTACHMENT_BYTES


def test_storage_failure_leaves_nothing_behind(frozen_clock, monkeypatch):
    from django.core.files.storage import default_storage

    # given a storage that fails on the second file
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    real_save = default_storage.save
    written: list[str] = []

    def flaky_save(name, content, max_length=None):  # type: ignore[no-untyped-def]
        if written:
            raise OSError("disk full")
        written.append(real_save(name, content, max_length=max_length))
        return written[-1]

    monkeypatch.setattr(default_storage, "save", flaky_save)
    # when two files are sent
    with pytest.raises(OSError):
        message_send(
            thread=thread, sender=contract.worker, body="", files=[upload("a.png", PNG), upload("b.png", PNG)]
        )
    # then no rows and no stored files remain
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert len(written) == 1
    assert not default_storage.exists(written[0])

"""Messaging pages: access matrix for every URL × role, inbox queries, forms and errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.models import AuditEvent
from hataraku.messaging.models import Message, Notification, NotificationPreference
from hataraku.messaging.services import message_send, thread_for_contract, thread_for_proposal

from .factories import (
    ClientFactory,
    ContractFactory,
    MunicipalFactory,
    ProposalFactory,
    StaffFactory,
    WorkerFactory,
    header_queries,
    notify,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def world(frozen_clock):  # type: ignore[no-untyped-def]
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    message = message_send(
        thread=thread,
        sender=contract.worker,
        body="資料です",
        files=[SimpleUploadedFile("資料.png", PNG, content_type="image/png")],
    )
    notification = notify(user=contract.client, title="テスト", body="", email=False)
    return {
        "contract": contract,
        "proposal": contract.proposal,
        "thread": thread,
        "attachment": message.attachments.get(),
        "notification": notification,
        "roles": {
            "anonymous": None,
            "worker_party": contract.worker,
            "client_party": contract.client,
            "other_worker": WorkerFactory.create(),
            "other_client": ClientFactory.create(),
            "municipal": MunicipalFactory.create(),
            "staff": StaffFactory.create(),
        },
    }


# status per role: (anonymous, worker_party, client_party, other_worker, other_client, municipal, staff)
LOGIN = 302
MATRIX = {
    "/messages/": (LOGIN, 200, 200, 200, 200, 404, 200),
    "/messages/threads/{thread}/": (LOGIN, 200, 200, 404, 404, 404, 200),
    "/messages/attachments/{attachment}/": (LOGIN, 200, 200, 404, 404, 404, 200),
    # no thread about the proposal yet: the first-message form (opening it writes nothing)
    "/messages/proposals/{proposal}/": (LOGIN, 200, 200, 404, 404, 404, 404),
    "/messages/contracts/{contract}/": (LOGIN, 302, 302, 404, 404, 404, 404),
    "/messages/notifications/": (LOGIN, 200, 200, 200, 200, 200, 200),
    "/messages/notifications/settings/": (LOGIN, 200, 200, 200, 200, 200, 200),
}
ROLES = ("anonymous", "worker_party", "client_party", "other_worker", "other_client", "municipal", "staff")


@pytest.mark.parametrize("pattern", list(MATRIX))
def test_access_matrix(client, world, pattern):
    url = pattern.format(
        thread=world["thread"].pk,
        attachment=world["attachment"].pk,
        proposal=world["proposal"].pk,
        contract=world["contract"].pk,
    )
    for role, expected in zip(ROLES, MATRIX[pattern], strict=True):
        client.logout()
        user = world["roles"][role]
        if user is not None:
            login_as(client, user)
        response = client.get(url)
        assert response.status_code == expected, f"{role} GET {url}: {response.status_code} != {expected}"
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]


def test_missing_thread_is_404_like_a_forbidden_one(client, world):
    login_as(client, world["roles"]["other_worker"])
    assert client.get("/messages/threads/999999/").status_code == 404


def test_mark_read_post_matrix(client, world):
    url = f"/messages/notifications/{world['notification'].pk}/read/"
    # anonymous → log-in, someone else → 404 and unchanged, GET → 405, owner → read
    assert client.post(url).status_code == 302
    login_as(client, world["roles"]["other_client"])
    assert client.post(url).status_code == 404
    world["notification"].refresh_from_db()
    assert world["notification"].read_at is None
    client.force_login(world["contract"].client)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    world["notification"].refresh_from_db()
    assert world["notification"].read_at is not None


@pytest.mark.parametrize("role", ["worker_party", "other_worker", "other_client", "municipal", "staff"])
def test_mark_all_read_touches_only_ones_own_notifications(client, world, role):
    from hataraku.messaging.models import Notification

    # given the client's unread notification, and one of the poster's own
    url = "/messages/notifications/read-all/"
    poster = world["roles"][role]
    own = notify(user=poster, title="自分あて", body="", email=False)
    # when anonymous posts, then they are sent to log in and nothing is read
    response = client.post(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    # when someone else marks all read
    login_as(client, poster)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    # then only their own notification is read; the client's stays unread
    own.refresh_from_db()
    world["notification"].refresh_from_db()
    assert own.read_at is not None
    assert world["notification"].read_at is None


def test_staff_reading_a_thread_is_audited_and_cannot_post(client, world):
    staff = world["roles"]["staff"]
    login_as(client, staff)
    # when staff open a thread they are not part of, then they see who takes part, not the messages,
    # and nothing is recorded yet
    url = f"/messages/threads/{world['thread'].pk}/"
    gate = client.get(url).content.decode()
    assert "確認のために読む" in gate and "資料です" not in gate
    assert not AuditEvent.objects.filter(action="messaging.thread_read_by_staff").exists()
    # when they press the button to read it
    response = client.post(url, {"staff_read": "yes"})
    # then they see it with a moderation notice, the read is audited, and there is no reply form
    body = response.content.decode()
    assert "資料です" in body
    assert "監査ログに記録されます" in body
    assert "メッセージを送る" not in body
    assert AuditEvent.objects.filter(
        action="messaging.thread_read_by_staff", actor=staff, target_id=str(world["thread"].pk)
    ).exists()
    assert client.post(f"/messages/threads/{world['thread'].pk}/", {"body": "横から"}).status_code == 404
    assert Message.objects.count() == 1


def test_a_reloaded_staff_read_is_not_audited_twice_and_is_not_cached(client, world, frozen_clock):
    # given staff who have pressed the button to read a thread they are not part of
    staff = world["roles"]["staff"]
    login_as(client, staff)
    url = f"/messages/threads/{world['thread'].pk}/"
    first = client.post(url, {"staff_read": "yes"})
    reads = AuditEvent.objects.filter(action="messaging.thread_read_by_staff", actor=staff)
    assert reads.count() == 1 and "no-store" in first["Cache-Control"]
    # when the page is reloaded a few minutes later (the browser posts the button again)
    frozen_clock.advance(dt.timedelta(minutes=5))
    again = client.post(url, {"staff_read": "yes"})
    # then the messages show again, but the read is audited once
    assert "資料です" in again.content.decode() and "no-store" in again["Cache-Control"]
    assert reads.count() == 1
    # and a read after the window is a new read, audited again
    frozen_clock.advance(dt.timedelta(minutes=11))
    client.post(url, {"staff_read": "yes"})
    assert reads.count() == 2


def test_attachment_download_streams_the_file_privately(client, world):
    client.force_login(world["contract"].client)
    response = client.get(f"/messages/attachments/{world['attachment'].pk}/")
    assert b"".join(response.streaming_content) == PNG
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_send_by_plain_form_post(client, world, django_capture_on_commit_callbacks):
    contract = world["contract"]
    client.force_login(contract.client)
    # when the client posts the plain form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/messages/threads/{world['thread'].pk}/", {"body": "ありがとうございます"})
    # then they are redirected back and the worker is notified
    assert response.status_code == 302
    assert Message.objects.filter(sender=contract.client, body="ありがとうございます").exists()
    assert Notification.objects.filter(user=contract.worker, code="messaging.message_received").exists()


def test_bad_file_by_form_shows_japanese_error_and_saves_nothing(client, world):
    contract = world["contract"]
    client.force_login(contract.client)
    before = Message.objects.count()
    response = client.post(
        f"/messages/threads/{world['thread'].pk}/",
        {"body": "ウイルスではありません", "attachments": [SimpleUploadedFile("x.exe", b"MZ")]},
    )
    assert response.status_code == 400
    assert "送れない種類のファイル" in response.content.decode()
    assert "入力内容を確認してください" in response.content.decode()
    assert Message.objects.count() == before


def test_inbox_query_count_does_not_grow_with_threads(client, frozen_clock, django_assert_num_queries):
    # given a worker in three threads, each with messages from the other side
    worker = WorkerFactory.create()
    for _ in range(3):
        proposal = ProposalFactory.create(worker=worker)
        thread = thread_for_proposal(proposal)
        message_send(thread=thread, sender=proposal.job.client, body="ご応募ありがとうございます", files=[])
        message_send(thread=thread, sender=proposal.job.client, body="質問があります", files=[])
    client.force_login(worker)
    # when the inbox is opened: session, user, threads (with unread), participants, and the session
    # refresh of a first page view (savepoint, update, release; then once a minute) - same for 3 threads or 300
    with django_assert_num_queries(7 + header_queries()):
        response = client.get("/messages/")
    # then each thread says, in text, how many are unread
    assert response.content.decode().count("未読 2件") == 3


def test_unread_context_processor_uses_one_query(rf, frozen_clock, django_assert_num_queries):
    from hataraku.messaging.context_processors import unread

    worker = WorkerFactory.create()
    proposal = ProposalFactory.create(worker=worker)
    message_send(
        thread=thread_for_proposal(proposal), sender=proposal.job.client, body="こんにちは", files=[]
    )
    request = rf.get("/")
    request.user = worker
    with django_assert_num_queries(1):  # both counts in one statement (selectors.unread_counts)
        result = unread(request)
    assert result == {"unread_messages": 1, "unread_notifications": 1}


def test_notification_list_shows_unread_count_and_mark_all(client, frozen_clock):
    user = WorkerFactory.create()
    notify(user=user, title="一つ目", body="", email=False)
    notify(user=user, title="二つ目", body="", email=False)
    login_as(client, user)
    assert "未読のお知らせは 2 件です。" in client.get("/messages/notifications/").content.decode()
    client.post("/messages/notifications/read-all/")
    assert "未読のお知らせは 0 件です。" in client.get("/messages/notifications/").content.decode()


def test_preferences_form_saves_and_rejects(client, frozen_clock):
    user = WorkerFactory.create()
    login_as(client, user)
    # invalid choice → 400, Japanese error summary, nothing saved
    bad = client.post("/messages/notifications/settings/", {"email_mode": "sometimes", "digest_hour": "8"})
    assert bad.status_code == 400
    assert "入力内容を確認してください" in bad.content.decode()
    assert not NotificationPreference.objects.filter(user=user).exists()
    # valid → saved
    ok = client.post("/messages/notifications/settings/", {"email_mode": "daily_digest", "digest_hour": "20"})
    assert ok.status_code == 302
    pref = NotificationPreference.objects.get(user=user)
    assert (pref.email_mode, pref.digest_hour) == ("daily_digest", 20)


def test_notification_list_and_thread_page_query_counts(client, frozen_clock, django_assert_num_queries):
    # given a person with many notifications and a thread with several messages and attachments
    contract = ContractFactory.create()
    for i in range(5):
        notify(user=contract.worker, title=f"お知らせ{i}", body="", email=False)
    thread = thread_for_contract(contract)
    for _ in range(3):
        message_send(
            thread=thread,
            sender=contract.client,
            body="資料です",
            files=[SimpleUploadedFile("a.png", PNG)],
        )
    client.force_login(contract.worker)
    # then the notification list is session, user, notifications, session save (3)
    with django_assert_num_queries(6 + header_queries()):
        client.get("/messages/notifications/")
    # and the thread page costs the same for 3 messages as for 6 (no query per message or attachment)
    client.get(f"/messages/threads/{thread.pk}/")  # the first visit creates the read marker
    with CaptureQueriesContext(connection) as three:
        client.get(f"/messages/threads/{thread.pk}/")
    for _ in range(3):
        message_send(
            thread=thread, sender=contract.client, body="追加です", files=[SimpleUploadedFile("b.png", PNG)]
        )
    with CaptureQueriesContext(connection) as six:
        response = client.get(f"/messages/threads/{thread.pk}/")
    assert len(six.captured_queries) == len(three.captured_queries)
    html = response.content.decode()
    assert html.count("a.png") == 3 and html.count("b.png") == 3


def test_thread_pages_link_back_to_their_contract_or_proposal_for_participants_only(client):
    from django.urls import reverse

    # given a contract thread and a proposal thread
    contract = ContractFactory.create()
    proposal = ProposalFactory.create()
    contract_thread = thread_for_contract(contract)
    proposal_thread = thread_for_proposal(proposal)
    contract_link = f'href="{reverse("contracts:detail", args=[contract.pk])}"'
    proposal_link = f'href="{reverse("jobs:proposal_detail", args=[proposal.pk])}"'
    # when a party opens each thread, then it links back to where the conversation belongs
    client.force_login(contract.worker)
    assert contract_link in client.get(f"/messages/threads/{contract_thread.pk}/").content.decode()
    client.force_login(proposal.job.client)
    body = client.get(f"/messages/threads/{proposal_thread.pk}/").content.decode()
    assert proposal_link in body and contract_link not in body
    # when staff read the thread for moderation, then no link leads to a page they cannot open
    login_as(client, StaffFactory())
    body = client.get(f"/messages/threads/{contract_thread.pk}/").content.decode()
    assert contract_link not in body


def test_opening_a_thread_reads_only_and_the_page_marks_it_read_by_a_post(client, world):
    from hataraku.messaging.models import ThreadRead

    # given the client has an unread message in the thread
    contract = world["contract"]
    client.force_login(contract.client)
    url = f"/messages/threads/{world['thread'].pk}/"
    # when she opens the thread, then nothing is written, and the page carries the htmx read marker
    page = client.get(url).content.decode()
    assert not ThreadRead.objects.filter(user=contract.client).exists()
    assert f'hx-post="{url}read/"' in page and 'hx-trigger="load"' in page
    # and the header still counts the unread message
    assert 'id="nav-messages"' in page and "未読 1" in page
    # when the page's marker is sent (htmx), then it is read and the answer is only the header's messages
    # link, swapped out of band, without the unread badge
    response = client.post(f"{url}read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    answer = response.content.decode()
    assert 'id="nav-messages"' in answer and 'hx-swap-oob="true"' in answer and "未読" not in answer
    assert ThreadRead.objects.filter(user=contract.client).exists()
    # and a GET of the marker changes nothing (405); an outsider's POST is not found
    assert client.get(f"{url}read/").status_code == 405
    client.force_login(world["roles"]["other_client"])
    assert client.post(f"{url}read/").status_code == 404

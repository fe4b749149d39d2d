"""Messaging and reviews in a real browser: inbox, a thread, notifications, preferences and the review
form, each with axe 0 violations and reflow at 320 px; sending a message with the keyboard only."""

from __future__ import annotations

from typing import Any

import pytest

from hataraku.accounts.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world() -> dict[str, Any]:
    from hataraku.messaging.services import message_send, thread_for_contract
    from hataraku.messaging.tests.factories import ContractFactory, notify
    from hataraku.reviews.tests.factories import CompletedContractFactory

    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    message_send(
        thread=thread, sender=contract.client, body="資料をお送りしました。ご確認ください。", files=[]
    )
    notify(user=contract.worker, title="契約が始まりました", body="よろしくお願いします。", email=False)
    done = CompletedContractFactory.create(
        proposal__worker=contract.worker, proposal__job__client=contract.client
    )
    return {"worker": contract.worker, "thread": thread, "done": done}


def pages(world: dict[str, Any]) -> list[str]:
    return [
        "/messages/",
        f"/messages/threads/{world['thread'].pk}/",
        "/messages/notifications/",
        "/messages/notifications/settings/",
        f"/reviews/contracts/{world['done'].pk}/",
        f"/reviews/users/{world['done'].client_id}/",
    ]


def test_pages_pass_axe_and_reflow(page, axe, login, world):
    login(world["worker"].email, PASSWORD)
    for path in pages(world):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(page.base_url + path)
        assert page.locator("h1").count() == 1, path
        axe(page, label=path)
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(page.base_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} overflows at 320 px by {overflow}px"


def test_inbox_shows_unread_as_text_and_reply_by_keyboard(page, axe, login, world):
    login(world["worker"].email, PASSWORD)
    page.goto(page.base_url + "/messages/")
    assert page.get_by_text("未読 1件").is_visible()
    page.get_by_role("link", name=str(world["thread"])).click()
    page.get_by_label("メッセージ", exact=True).focus()
    page.keyboard.type("確認しました。今夜作業します。")
    page.get_by_role("button", name="送信する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    assert page.get_by_text("メッセージを送りました。").is_visible()
    assert page.locator(".message-list li").last.inner_text().count("確認しました。今夜作業します。") == 1
    axe(page)


def test_bad_attachment_shows_an_error_summary(page, axe, login, world, tmp_path):
    login(world["worker"].email, PASSWORD)
    page.goto(page.base_url + f"/messages/threads/{world['thread'].pk}/")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    page.get_by_label("添付ファイル(任意)").set_input_files(str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="送信する").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").get_by_text("送れない種類のファイル").count() >= 1
    axe(page)


def test_review_form_by_keyboard(page, axe, login, world):
    login(world["worker"].email, PASSWORD)
    page.goto(page.base_url + f"/reviews/contracts/{world['done'].pk}/")
    for legend in ("スキル", "仕事の質", "スケジュール", "コミュニケーション", "また一緒に仕事をしたいか"):
        group = page.get_by_role("group", name=legend)
        group.get_by_label("5(とても良い)").check()
    page.get_by_label("コメント(任意)").fill("丁寧にご対応いただきました。")
    with page.expect_navigation():
        page.get_by_role("button", name="評価を送る").press("Enter")
    page.wait_for_load_state("load")
    assert page.get_by_text("評価を送りました。").is_visible()
    axe(page)


def test_first_message_on_a_proposal_by_keyboard(page, axe, login, world):
    # given a worker with a proposal nobody has written about yet (issue 7: opening it writes nothing)
    from hataraku.messaging.models import Thread
    from hataraku.messaging.tests.factories import ProposalFactory

    proposal = ProposalFactory.create(worker=world["worker"])
    login(world["worker"].email, PASSWORD)
    page.goto(page.base_url + f"/messages/proposals/{proposal.pk}/")
    axe(page)
    assert not Thread.objects.filter(proposal=proposal).exists()
    # when she writes the first message and sends it with the keyboard
    page.get_by_label("メッセージ", exact=True).fill("納期について質問があります。")
    page.get_by_role("button", name="送信する").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("load")
    # then the thread exists, with her message in it
    assert page.get_by_text("メッセージを送りました。").is_visible()
    assert page.locator(".message-list li").last.inner_text().count("納期について質問があります。") == 1
    assert Thread.objects.filter(proposal=proposal).count() == 1


def test_opening_a_thread_in_the_browser_marks_it_read_by_its_own_post(page, login, world):
    from hataraku.messaging.selectors import unread_message_count

    # given the worker has an unread message
    assert unread_message_count(world["worker"]) == 1
    login(world["worker"].email, PASSWORD)
    # when she opens the thread (the page sends its read marker once loaded)
    with page.expect_response(lambda r: r.url.endswith("/read/") and r.request.method == "POST") as sent:
        page.goto(page.base_url + f"/messages/threads/{world['thread'].pk}/")
    # then the marker was a POST, the message counts as read, and the header drops its unread count
    assert sent.value.status == 200
    assert unread_message_count(world["worker"]) == 0
    nav = page.locator("#nav-messages")
    nav.locator(".badge").wait_for(state="detached")
    assert "未読" not in nav.inner_text()


def test_opening_a_post_only_address_shows_a_kind_405_page(page, axe, login, world):
    # given a logged-in worker / when she opens the thread's read marker by its address (a GET)
    login(world["worker"].email, PASSWORD)
    response = page.goto(page.base_url + f"/messages/threads/{world['thread'].pk}/read/")
    # then a kind page in the site's layout says why, with a way back, instead of the browser's blank 405
    assert response is not None and response.status == 405
    assert page.get_by_role("heading", name="このページは直接開けません").is_visible()
    assert page.get_by_role("link", name="ホームへ戻る").is_visible()
    axe(page)

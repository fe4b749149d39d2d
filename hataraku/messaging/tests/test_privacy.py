"""Export and erasure: notifications go, messages stay for the other party under 退会したユーザー."""

from __future__ import annotations

import pytest

from hataraku.accounts.services import account_delete
from hataraku.messaging import privacy
from hataraku.messaging.models import Message, Notification, NotificationPreference, ThreadRead
from hataraku.messaging.services import message_send, thread_for_contract

from .factories import ContractFactory, NotificationPreferenceFactory, notify

pytestmark = pytest.mark.django_db


def test_export_contains_the_persons_notifications_and_messages(frozen_clock):
    contract = ContractFactory.create()
    thread = thread_for_contract(contract)
    message_send(thread=thread, sender=contract.worker, body="よろしくお願いします", files=[])
    notify(user=contract.worker, title="ようこそ", body="", email=False)
    data = privacy.export_user_data(contract.worker)
    assert [n["件名"] for n in data["お知らせ"]] == ["ようこそ"]
    assert [m["本文"] for m in data["送ったメッセージ"]] == ["よろしくお願いします"]
    # the other party's messages are not part of this person's export
    assert privacy.export_user_data(contract.client)["送ったメッセージ"] == []


def test_account_deletion_keeps_messages_for_the_other_party_anonymised(frozen_clock, client):
    # given a worker who sent a message on a finished contract and has notifications and preferences
    # (a contract still running would block the deletion: accounts refuses while work or money is open)
    contract = ContractFactory.create(status="completed")
    thread = thread_for_contract(contract)
    message_send(thread=thread, sender=contract.worker, body="納品しました", files=[])
    notify(user=contract.worker, title="ようこそ", body="", email=False)
    NotificationPreferenceFactory.create(user=contract.worker)
    # when the worker deletes their account
    account_delete(user=contract.worker, actor=contract.worker)
    # then their notifications, preferences and read markers are gone
    assert not Notification.objects.filter(user=contract.worker).exists()
    assert not NotificationPreference.objects.filter(user=contract.worker).exists()
    assert not ThreadRead.objects.filter(user=contract.worker).exists()
    # and the client still sees the message, from 退会したユーザー
    assert Message.objects.filter(thread=thread, body="納品しました").exists()
    client.force_login(contract.client)
    html = client.get(f"/messages/threads/{thread.pk}/").content.decode()
    assert "納品しました" in html
    assert "退会したユーザー" in html

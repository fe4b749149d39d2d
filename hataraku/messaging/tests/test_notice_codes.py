"""Notices stored as code + params (core/notifications.py) and rendered in the reader's language; rows
from before codes existed keep showing their stored words."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation

from hataraku.accounts.tests.mfa import login_as
from hataraku.core import notifications as notices
from hataraku.messaging.models import Notification
from hataraku.messaging.notices import MESSAGE_RECEIVED
from hataraku.messaging.services import notice_send

from .factories import NotificationFactory, WorkerFactory

pytestmark = pytest.mark.django_db

PARAMS = {"name": "ひだまり出版", "subject": "契約: 紹介文"}


def test_messaging_registers_itself_as_the_sender_at_start_up():
    # given the apps are loaded, then the core interface delivers through messaging
    assert [notice_send] == notices._SENDER


def test_a_notice_is_stored_as_code_and_params_and_reads_in_japanese(frozen_clock):
    # given a worker
    user = WorkerFactory.create()
    # when an app notifies through the core interface
    notices.notify(user=user, code=MESSAGE_RECEIVED, params=PARAMS, url="/messages/", email=False)
    # then the row keeps the code and the values, not the sentence
    row = Notification.objects.get(user=user)
    assert (row.code, row.params, row.title, row.body) == (MESSAGE_RECEIVED, PARAMS, "", "")
    assert row.kind == MESSAGE_RECEIVED
    # and it reads in Japanese, with the values in place
    with translation.override("ja"):
        assert row.display_title == "ひだまり出版 さんからメッセージが届きました"
        assert row.display_body == "「契約: 紹介文」に新しいメッセージがあります。"


def test_the_same_row_reads_in_english_under_english(frozen_clock):
    # given a stored notice
    row = notice_send(user=WorkerFactory.create(), code=MESSAGE_RECEIVED, params=PARAMS, email=False)
    # when it is read under English
    with translation.override("en"):
        title, body = row.display_title, row.display_body
        # then it is the English catalogue's sentence (whatever the translator wrote), filled in
        assert title == translation.gettext("%(name)s さんからメッセージが届きました") % PARAMS
        assert body == translation.gettext("「%(subject)s」に新しいメッセージがあります。") % PARAMS
    assert title == "New message from ひだまり出版"


def test_the_notifications_page_shows_the_readers_language(client, frozen_clock):
    # given a coded notice and a worker who reads the site in English
    user = WorkerFactory.create()
    notice_send(user=user, code=MESSAGE_RECEIVED, params=PARAMS, email=False)
    login_as(client, user)
    # when the list is opened in Japanese and then in English
    japanese = client.get("/messages/notifications/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/messages/notifications/").content.decode()
    # then each shows the sentence in its own language, and on the English page the name people wrote
    # is marked as Japanese (WCAG 3.1.2); the Japanese page needs no mark
    assert "ひだまり出版 さんからメッセージが届きました" in japanese
    assert 'New message from <span lang="ja">ひだまり出版</span>' in english
    assert 'lang="ja">ひだまり出版' not in japanese


def test_rows_stored_before_codes_keep_their_words(client, frozen_clock):
    # given a notification written before notices had codes
    user = WorkerFactory.create()
    old = NotificationFactory.create(user=user, title="契約が始まりました", body="よろしくお願いします。")
    # then it reads as stored, in any language, and on the page
    with translation.override("en"):
        assert (old.display_title, old.display_body) == ("契約が始まりました", "よろしくお願いします。")
    login_as(client, user)
    assert "契約が始まりました" in client.get("/messages/notifications/").content.decode()


def test_a_code_nobody_defines_any_more_shows_what_was_stored(frozen_clock):
    row = NotificationFactory.create(code="gone.away", params={}, title="古いお知らせ", body="")
    assert row.display_title == "古いお知らせ"


def test_the_email_is_in_the_recipients_language_and_goes_after_commit(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a worker who chose English, while the sender's request is in Japanese
    user = WorkerFactory.create(preferred_language="en")
    with translation.override("ja"), django_capture_on_commit_callbacks(execute=False) as callbacks:
        notices.notify(user=user, code=MESSAGE_RECEIVED, params=PARAMS, url="/messages/")
        # then nothing is mailed before the commit
        assert mailoutbox == []
    for callback in callbacks:
        callback()
    # and after it, one mail in English
    assert len(mailoutbox) == 1
    assert "New message from ひだまり出版" in mailoutbox[0].subject
    assert "There’s a new message in “契約: 紹介文”." in mailoutbox[0].body


def test_a_japanese_reader_gets_the_email_in_japanese(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    user = WorkerFactory.create(preferred_language="ja")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        notices.notify(user=user, code=MESSAGE_RECEIVED, params=PARAMS)
    assert "ひだまり出版 さんからメッセージが届きました" in mailoutbox[0].subject

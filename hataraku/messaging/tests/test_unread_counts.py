"""`unread_counts` (one statement, for the header of every page) follows the same rules as the two ORM
counts it replaced."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.core import clock
from hataraku.messaging import selectors
from hataraku.messaging.models import ThreadRead

from .factories import MessageFactory, NotificationFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_unread_counts_agree_with_the_orm_counts_for_each_person():
    # given two people in two threads: one read up to a moment, one never opened; and notices, some read
    me, other, stranger = UserFactory(), UserFactory(), UserFactory()
    read_thread: Any = ThreadFactory(participants=[me, other])
    new_thread = ThreadFactory(participants=[me, other])
    ThreadFactory(participants=[other, stranger])
    now = clock.now()
    MessageFactory(thread=read_thread, sender=other, created_at=now - dt.timedelta(hours=2))
    MessageFactory(thread=read_thread, sender=other, created_at=now)
    ThreadRead.objects.create(thread_id=read_thread.pk, user=me, last_read_at=now - dt.timedelta(hours=1))
    MessageFactory(thread=new_thread, sender=other)
    MessageFactory(thread=new_thread, sender=me)
    NotificationFactory(user=me)
    NotificationFactory(user=me, read_at=now)
    NotificationFactory(user=other)
    # when each person's counts are read both ways
    for person in (me, other, stranger):
        counts = selectors.unread_counts(person)
        # then they agree
        assert counts == (
            selectors.unread_message_count(person),
            selectors.unread_notification_count(person),
        )
    assert selectors.unread_counts(me) == (2, 1)

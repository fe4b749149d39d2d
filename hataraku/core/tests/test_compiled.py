"""Reads whose SQL is built once per process (core/compiled.py) and the session read built on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from hataraku.accounts.models import User
from hataraku.accounts.tests.factories import UserFactory
from hataraku.core.compiled import arg, compiled
from hataraku.core.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_a_compiled_read_gives_the_querysets_rows_with_each_calls_argument():
    # given two people and a read compiled once with the person's id as its argument
    ann, ben = UserFactory(display_name="あん"), UserFactory(display_name="べん")

    def people(pk: int):  # type: ignore[no-untyped-def]
        return User.objects.filter(pk=pk).values_list("pk", "display_name", "date_joined", "is_worker")

    read = compiled("test.people", lambda: people(arg(0)))
    # when it is run for each of them (the same object: built once)
    assert compiled("test.people", lambda: people(arg(0))) is read
    # then each gets exactly the ORM's rows, converted the same way (dates, booleans)
    for person in (ann, ben):
        assert read.rows(person.pk) == list(people(person.pk))


def test_the_session_store_reads_a_live_session_and_forgets_an_expired_one():
    # given a saved session and one whose expiry has passed
    live = SessionStore()
    live["who"] = "さくら"
    live.create()
    expired = SessionStore()
    expired["who"] = "古い"
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    # when both are loaded again by key
    again = SessionStore(live.session_key)
    gone = SessionStore(expired.session_key)
    # then the live one has its data and the expired one is empty, its key dropped
    assert again["who"] == "さくら"
    assert gone.get("who") is None and gone.session_key is None

"""Reads whose SQL is built once per process (core/compiled.py) and the session read built on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hataraku.accounts.models import User
from hataraku.accounts.tests.factories import UserFactory
from hataraku.core.compiled import arg, compiled
from hataraku.core.session_store import SessionStore
from hataraku.jobs.models import Job
from hataraku.jobs.tests.factories import JobFactory

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


def test_a_compiled_read_is_seen_by_query_capture_and_gives_the_same_rows_either_way():
    # given a person and a read compiled once
    ann = UserFactory(display_name="あん")
    read = compiled(
        "test.people.captured",
        lambda: User.objects.filter(pk=arg(0)).values_list("pk", "display_name", "date_joined"),
    )
    unwatched = read.rows(ann.pk)  # the driver's own cursor: nobody logs queries
    # when the same read runs while queries are captured (as django_assert_num_queries does)
    with CaptureQueriesContext(connection) as captured:
        watched = read.rows(ann.pk)
    # then the capture saw it, and both ways gave the ORM's rows
    assert len(captured.captured_queries) == 1
    assert (
        unwatched
        == watched
        == list(User.objects.filter(pk=ann.pk).values_list("pk", "display_name", "date_joined"))
    )


def test_a_row_read_again_after_a_change_gives_the_new_values():
    # given a read whose converted rows are kept by the row as read
    ann = UserFactory(display_name="あん", is_worker=True)
    read = compiled(
        "test.people.changed", lambda: User.objects.filter(pk=arg(0)).values_list("is_worker", "last_login")
    )
    assert read.rows(ann.pk) == [(True, None)]
    # when the row changes
    moment = timezone.now()
    User.objects.filter(pk=ann.pk).update(is_worker=False, last_login=moment)
    # then the next read gives the new values, not the kept ones
    assert read.rows(ann.pk) == [(False, moment)]


def test_a_list_from_a_json_column_is_never_shared_between_reads():
    # given a job whose skills (a JSON list) are read through a compiled read
    job = JobFactory(skills=["校正", "Excel"])
    read = compiled("test.job.skills", lambda: Job.objects.filter(pk=arg(0)).values_list("pk", "skills"))
    ((_, first),) = read.rows(job.pk)
    # when a caller changes the list it was given
    first.append("変えた")
    # then the next read still gives the stored list
    assert read.rows(job.pk) == [(job.pk, ["校正", "Excel"])]

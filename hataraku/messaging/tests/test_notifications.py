"""notify(): the in-app row now, the email on commit, quiet hours, the daily digest, exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from hataraku.core import clock
from hataraku.messaging.constants import EmailMode
from hataraku.messaging.models import Notification
from hataraku.messaging.notifications import next_digest_time
from hataraku.messaging.services import (
    notification_mark_read,
    notification_preference_update,
    notifications_mark_all_read,
    notifications_send_due,
)

from .factories import NotificationPreferenceFactory, WorkerFactory, notify

pytestmark = pytest.mark.django_db


def at_tokyo(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=clock.TOKYO)


def with_quiet_hours(user, start=dt.time(22, 0), end=dt.time(7, 0)):  # type: ignore[no-untyped-def]
    from hataraku.profiles.models import WorkConditions

    WorkConditions.objects.update_or_create(user=user, defaults={"quiet_start": start, "quiet_end": end})


def test_notify_creates_the_in_app_row_and_emails_on_commit(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a worker with default preferences, at 13:00 on a weekday
    user = WorkerFactory.create()
    frozen_clock.set(at_tokyo(1, 13))
    # when something happens
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = notify(
            user=user,
            title="応募が届きました",
            body="内容を確認してください。",
            url="/jobs/1/",
        )
        # then the in-app row exists at once, but no mail is sent before the commit
        stored = Notification.objects.get(user=user, read_at__isnull=True)
        assert stored.display_title == "応募が届きました" and stored.title == ""
        assert mailoutbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    # and after the commit exactly one Japanese email went out, plain text and HTML
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert "応募が届きました" in mail.subject
    assert "内容を確認してください。" in mail.body
    assert mail.alternatives and mail.alternatives[0][1] == "text/html"
    # and the link in it is absolute, so it opens from a mail app
    assert f"{settings.HATARAKU_SITE_URL}/jobs/1/" in mail.body
    assert settings.HATARAKU_SITE_URL.startswith("http")
    n.refresh_from_db()
    assert n.emailed_at == frozen_clock.now()


def test_notify_without_email_sends_nothing(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    # given a worker
    user = WorkerFactory.create()
    # when notified with email=False
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=user, title="画面だけ", body="", email=False)
    # then only the in-app row exists
    assert n.email_due_at is None
    assert mailoutbox == []
    assert notifications_send_due() == 0


def test_notify_rolled_back_sends_no_email(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    # given a worker
    user = WorkerFactory.create()
    # when the caller's transaction rolls back after notify
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify(user=user, title="取り消される", body="")
        raise RuntimeError("boom")
    # then there is neither a notification nor an email
    assert not Notification.objects.filter(user=user).exists()
    assert mailoutbox == []


def test_email_mode_off_sends_nothing(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    # given a worker who turned emails off
    pref = NotificationPreferenceFactory.create(email_mode=EmailMode.OFF)
    # when notified
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=pref.user, title="メールなし", body="")
    frozen_clock.advance(dt.timedelta(days=2))
    # then no email, ever
    assert notifications_send_due() == 0
    assert mailoutbox == []
    assert Notification.objects.get(user=pref.user).email_due_at is None


def test_quiet_hours_hold_the_email_until_they_end_and_send_once(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a worker whose quiet hours are 22:00-07:00
    user = WorkerFactory.create()
    with_quiet_hours(user)
    # when notified at 13:00 (outside quiet hours)
    frozen_clock.set(at_tokyo(1, 13))
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="昼のお知らせ", body="")
    # then it is sent at once
    assert [m.subject for m in mailoutbox] == ["[Hataraku] 昼のお知らせ"]

    # when notified at 22:30 (inside quiet hours)
    frozen_clock.set(at_tokyo(1, 22, 30))
    with django_capture_on_commit_callbacks(execute=True):
        late = notify(user=user, title="夜のお知らせ", body="")
    # then nothing is sent now, even by the sweep, and the email waits for 07:00
    assert notifications_send_due() == 0
    assert len(mailoutbox) == 1
    late.refresh_from_db()
    assert late.email_due_at == at_tokyo(2, 7)
    # and the in-app notification is there at once
    assert late.read_at is None

    # when the clock reaches 07:00
    frozen_clock.set(at_tokyo(2, 7))
    # then the sweep sends it, once, even when run twice
    assert notifications_send_due() == 1
    assert notifications_send_due() == 0
    assert [m.subject for m in mailoutbox] == ["[Hataraku] 昼のお知らせ", "[Hataraku] 夜のお知らせ"]


def test_just_before_quiet_hours_end_nothing_is_sent(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a held email (notified at 23:00 in quiet hours)
    user = WorkerFactory.create()
    with_quiet_hours(user)
    frozen_clock.set(at_tokyo(1, 23))
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="夜", body="")
    # when the sweep runs at 06:59
    frozen_clock.set(at_tokyo(2, 6, 59))
    # then nothing goes out yet
    assert notifications_send_due() == 0
    assert mailoutbox == []


def test_daily_digest_collects_the_days_notifications_into_one_email(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a worker who chose a daily digest at 20:00
    pref = NotificationPreferenceFactory.create(email_mode=EmailMode.DAILY_DIGEST, digest_hour=20)
    user = pref.user
    # when three things happen during the day
    for hour, title in ((9, "一件目"), (12, "二件目"), (19, "三件目")):
        frozen_clock.set(at_tokyo(1, hour))
        with django_capture_on_commit_callbacks(execute=True):
            notify(user=user, title=title, body=f"{title}の本文")
    # then nothing is emailed before 20:00
    frozen_clock.set(at_tokyo(1, 19, 59))
    assert notifications_send_due() == 0
    assert mailoutbox == []
    # when 20:00 comes
    frozen_clock.set(at_tokyo(1, 20))
    # then one email lists all three, and a second run sends nothing more
    assert notifications_send_due() == 1
    assert notifications_send_due() == 0
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "一件目" in body and "二件目" in body and "三件目" in body
    assert "3件" in mailoutbox[0].subject
    assert not Notification.objects.filter(user=user, emailed_at__isnull=True).exists()


def test_daily_digest_after_the_hour_waits_for_the_next_day(frozen_clock):
    # given a digest hour of 8 and a moment after it
    moment = at_tokyo(1, 9)
    # when the next digest time is computed
    nxt = next_digest_time(moment, 8)
    # then it is tomorrow at 08:00 (and exactly 08:00 counts as now)
    assert nxt == at_tokyo(2, 8)
    assert next_digest_time(at_tokyo(2, 8), 8) == at_tokyo(2, 8)


def test_digest_hour_inside_quiet_hours_is_moved_to_their_end(
    frozen_clock, mailoutbox, django_capture_on_commit_callbacks
):
    # given a digest at 06:00 and quiet hours 22:00-07:00
    pref = NotificationPreferenceFactory.create(email_mode=EmailMode.DAILY_DIGEST, digest_hour=6)
    with_quiet_hours(pref.user)
    frozen_clock.set(at_tokyo(1, 15))
    # when notified in the afternoon
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=pref.user, title="まとめ", body="")
    # then the email is due at 07:00 the next morning
    n.refresh_from_db()
    assert n.email_due_at == at_tokyo(2, 7)


def test_mark_read_only_touches_own_notifications(frozen_clock):
    # given two people with a notification each
    mine = notify(user=WorkerFactory.create(), title="私の", body="", email=False)
    theirs = notify(user=WorkerFactory.create(), title="他人の", body="", email=False)
    # when I mark both read
    assert notification_mark_read(user=mine.user, notification_id=mine.pk) is True
    assert notification_mark_read(user=mine.user, notification_id=theirs.pk) is False
    # then only mine is read
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at == frozen_clock.now()
    assert theirs.read_at is None


def test_mark_all_read(frozen_clock):
    # given two unread notifications
    user = WorkerFactory.create()
    notify(user=user, title="1", body="", email=False)
    notify(user=user, title="2", body="", email=False)
    # when all are marked read
    assert notifications_mark_all_read(user=user) == 2
    # then none is unread
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()


def test_preference_update_validates_and_saves_nothing_on_error(frozen_clock):
    from hataraku.core.errors import DomainError
    from hataraku.messaging.models import NotificationPreference

    user = WorkerFactory.create()
    # when an impossible hour is given
    with pytest.raises(DomainError) as exc:
        notification_preference_update(
            user=user, actor=user, email_mode=EmailMode.DAILY_DIGEST, digest_hour=24
        )
    # then a Japanese message and nothing saved
    assert "0時から23時" in str(exc.value)
    assert not NotificationPreference.objects.filter(user=user).exists()


def test_switching_to_off_drops_waiting_emails(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    # given a digest user with a waiting email
    pref = NotificationPreferenceFactory.create(email_mode=EmailMode.DAILY_DIGEST, digest_hour=20)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=pref.user, title="待機中", body="")
    # when they switch emails off
    notification_preference_update(user=pref.user, actor=pref.user, email_mode=EmailMode.OFF, digest_hour=20)
    frozen_clock.advance(dt.timedelta(days=1))
    # then the waiting email is never sent
    assert notifications_send_due() == 0
    assert mailoutbox == []


def test_deleted_users_get_no_email(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    # given an account that was deleted
    user = WorkerFactory.create(is_active=False, deleted_at=frozen_clock.now())
    # when notified
    with django_capture_on_commit_callbacks(execute=True):
        n = notify(user=user, title="届かない", body="")
    # then no email is scheduled
    assert n.email_due_at is None
    assert mailoutbox == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_email_once(mailoutbox):
    import threading

    from django.db import connection

    # given a held email that is now due
    user = WorkerFactory.create()
    clock.set_time(at_tokyo(1, 22, 30))
    with_quiet_hours(user)
    notify(user=user, title="同時実行", body="")
    clock.set_time(at_tokyo(2, 7))
    # when two sweeps run at the same time
    results: list[int] = []
    barrier = threading.Barrier(2)

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(notifications_send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly one email went out
    assert sorted(results) == [0, 1]
    assert len(mailoutbox) == 1


def test_on_the_database_backend_a_held_email_is_enqueued_to_run_after_quiet_hours(
    frozen_clock, settings, mailoutbox, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    # given the production task backend (which can defer tasks; django-tasks resets its backends when
    # TASKS changes) and quiet hours 22:00-07:00
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = WorkerFactory.create()
    with_quiet_hours(user)
    frozen_clock.set(at_tokyo(1, 22, 30))
    # when notified inside quiet hours
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="夜", body="")
    # then one task waits in the queue until 07:00, and nothing was sent
    queued = DBTaskResult.objects.get()
    assert queued.run_after == at_tokyo(2, 7)
    assert queued.args_kwargs["args"] == [user.pk]
    assert mailoutbox == []


def test_management_command_sends_due_emails(frozen_clock, mailoutbox, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    # given a held email that became due
    user = WorkerFactory.create()
    with_quiet_hours(user)
    frozen_clock.set(at_tokyo(1, 23))
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, title="朝に届く", body="")
    frozen_clock.set(at_tokyo(2, 7, 5))
    # when the command runs
    out = StringIO()
    call_command("notifications_send_due", stdout=out)
    # then it sent it
    assert out.getvalue().strip() == "sent=1"
    assert [m.subject for m in mailoutbox] == ["[Hataraku] 朝に届く"]


@pytest.mark.parametrize(
    ("url", "kept"),
    [("/contracts/1/", "/contracts/1/"), ("javascript:alert(1)", ""), ("//evil.example/", ""), ("", "")],
)
def test_notification_links_are_only_site_paths_or_web_urls(frozen_clock, url, kept):
    n = notify(user=WorkerFactory.create(), title="リンク", body="", url=url, email=False)
    assert n.url == kept


@pytest.mark.django_db(transaction=True)
def test_mail_is_sent_after_the_claim_commits_and_released_when_sending_fails(frozen_clock, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    from hataraku.messaging.notifications import send_due_for_user

    # given a mail server that is down and notes whether a transaction was open when called
    user = WorkerFactory.create()
    frozen_clock.set(at_tokyo(1, 13))
    seen: list[bool] = []
    original = EmailBackend.send_messages

    def failing(self, messages):  # type: ignore[no-untyped-def]
        seen.append(connection.in_atomic_block)
        raise OSError("smtp down")

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    # when a notification's email is due (the task after commit tries once) and is sent again
    notify(user=user, title="お知らせ", body="本文")
    with pytest.raises(OSError):
        send_due_for_user(user.pk)
    # then the server was only ever called outside any transaction, and the email is still waiting
    assert seen and not any(seen)
    assert Notification.objects.get(user=user).emailed_at is None
    # when it works again, then the email goes out once
    monkeypatch.setattr(EmailBackend, "send_messages", original)
    assert send_due_for_user(user.pk) == 1
    assert send_due_for_user(user.pk) == 0
    assert Notification.objects.get(user=user).emailed_at is not None

"""Reports to staff (issue 10, item 7): anyone signed in reports a user, a job or a message they can see;
staff see a queue (count + oldest) and resolve each with a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hataraku.accounts import reports
from hataraku.accounts.constants import ReportCategory, ReportStatus
from hataraku.accounts.models import Report
from hataraku.accounts.selectors import reports_queue
from hataraku.core.errors import DomainError, InvalidTransition, NotFound
from hataraku.core.models import AuditEvent
from hataraku.jobs.constants import JobStatus
from hataraku.jobs.tests.factories import JobFactory
from hataraku.messaging.models import Notification
from hataraku.messaging.tests.factories import MessageFactory as _MessageFactory
from hataraku.messaging.tests.factories import ThreadFactory as _ThreadFactory

from .factories import ClientFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# Typed for mypy: the messaging factories are not annotated to return their models.
MessageFactory: Any = _MessageFactory
ThreadFactory: Any = _ThreadFactory


def test_report_a_job_a_message_and_a_user(frozen_clock) -> None:
    # Given a published job, a message in the reporter's thread and another person
    reporter, other = UserFactory(), ClientFactory()
    job = JobFactory(client=other)
    thread = ThreadFactory(participants=[reporter, other])
    message = MessageFactory(
        thread=thread, sender=other, body="サイトの外で直接やりとりしませんか？ LINEはこちら"
    )
    # When the reporter reports each
    made = [
        reports.report_submit(reporter=reporter, kind="job", target_id=job.pk, category=ReportCategory.FRAUD),
        reports.report_submit(
            reporter=reporter,
            kind="message",
            target_id=message.pk,
            category=ReportCategory.OFF_PLATFORM,
            body="LINEに誘われました",
        ),
        reports.report_submit(
            reporter=reporter, kind="user", target_id=other.pk, category=ReportCategory.SPAM
        ),
    ]
    # Then each names its target and the person behind it, and each is audited
    assert [r.target_kind for r in made] == ["job", "message", "user"]
    assert all(r.target_user == other for r in made)
    assert made[0].target_label == job.title and made[0].target_url == f"/jobs/{job.pk}/"
    assert made[1].target_label.startswith("サイトの外で")
    assert AuditEvent.objects.filter(action="report.submit").count() == 3
    # And the queue counts them with the oldest first
    queue = reports_queue()
    assert queue.count == 3 and queue.oldest == made[0].created_at


def test_a_second_report_on_the_same_target_adds_nothing() -> None:
    reporter, person = UserFactory(), UserFactory()
    first = reports.report_submit(
        reporter=reporter, kind="user", target_id=person.pk, category=ReportCategory.SPAM
    )
    again = reports.report_submit(
        reporter=reporter, kind="user", target_id=person.pk, category=ReportCategory.FRAUD
    )
    assert first.pk == again.pk and Report.objects.count() == 1


def test_what_the_reporter_cannot_see_is_not_found() -> None:
    # Given a draft job of someone else, a message in a thread the reporter is not in, and themselves
    reporter = UserFactory()
    draft = JobFactory(status=JobStatus.DRAFT, published_at=None)
    message = MessageFactory(thread=ThreadFactory(participants=[UserFactory(), ClientFactory()]))
    own = MessageFactory(thread=ThreadFactory(participants=[reporter]), sender=reporter)
    # When they try to report them / Then "not found" alike, and nothing is saved
    for kind, target_id in [
        ("job", draft.pk),
        ("message", message.pk),
        ("message", own.pk),
        ("user", reporter.pk),
        ("user", 999_999),
        ("nonsense", 1),
    ]:
        with pytest.raises(NotFound):
            reports.report_submit(
                reporter=reporter, kind=kind, target_id=target_id, category=ReportCategory.SPAM
            )
    assert not Report.objects.exists()


def test_other_needs_words_and_the_text_is_capped() -> None:
    reporter, person = UserFactory(), UserFactory()
    with pytest.raises(DomainError) as info:
        reports.report_submit(
            reporter=reporter, kind="user", target_id=person.pk, category=ReportCategory.OTHER
        )
    assert info.value.field == "body"
    with pytest.raises(DomainError) as info:
        reports.report_submit(
            reporter=reporter,
            kind="user",
            target_id=person.pk,
            category=ReportCategory.SPAM,
            body="あ" * 2_001,
        )
    assert info.value.code == "too_long"


def test_staff_resolve_with_a_note_and_the_reporter_is_told(
    frozen_clock, django_capture_on_commit_callbacks
) -> None:
    # Given an open report
    reporter, person, staff = UserFactory(), UserFactory(), StaffFactory()
    report = reports.report_submit(
        reporter=reporter, kind="user", target_id=person.pk, category=ReportCategory.SPAM
    )
    frozen_clock.advance(dt.timedelta(hours=3))
    # When staff resolve it with a note
    reports.report_resolve(report=report, actor=staff, note="注意のメッセージを送りました")
    # Then it is resolved (audited), out of the queue, and the reporter gets an in-app notice
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED and report.resolved_by == staff
    assert AuditEvent.objects.filter(action="report.resolve", target_id=str(report.pk)).exists()
    assert reports_queue().count == 0
    assert Notification.objects.filter(user=reporter, code="accounts.report_resolved").exists()
    # And it cannot be resolved twice
    with pytest.raises(InvalidTransition):
        reports.report_resolve(report=report, actor=staff, note="もう一度")


def test_only_staff_resolve_and_a_note_is_needed() -> None:
    reporter, person = UserFactory(), UserFactory()
    report = reports.report_submit(
        reporter=reporter, kind="user", target_id=person.pk, category=ReportCategory.SPAM
    )
    with pytest.raises(NotFound):
        reports.report_resolve(report=report, actor=reporter, note="自分で閉じる")
    with pytest.raises(DomainError) as info:
        reports.report_resolve(report=report, actor=StaffFactory(), note=" ")
    assert info.value.field == "note"
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN

"""Hours cannot be backdated into money (issue 7, item 2): time is logged only from the day the contract
became active, never for the future, and only for this week and last week; a week closes at the end of
the following week and is then submitted by the tick; the acceptance period runs from submission; a
submitted week's minutes change only through a correction the client accepts."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.urls import reverse

from hataraku.contracts import hourly, services
from hataraku.contracts.constants import TimeCorrectionStatus, WeekStatus
from hataraku.contracts.models import Contract, HourlyWeek, TimeCorrection, TimeEntry
from hataraku.contracts.tasks import run_periodic
from hataraku.core import clock
from hataraku.core.errors import Conflict, DomainError, InvalidTransition, NotFound, PermissionDenied
from hataraku.core.models import AuditEvent
from hataraku.ledger.models import Escrow

from .factories import UserFactory, active_contract, key

pytestmark = pytest.mark.django_db

TOKYO = clock.TOKYO


def _at(frozen_clock: Any, day: dt.date, hour: int = 10, minute: int = 0) -> None:
    frozen_clock.set(dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TOKYO))


def _hourly(frozen_clock: Any, *, activated: dt.date = dt.date(2026, 12, 1), cap: int = 10) -> Contract:
    """An active hourly contract at ¥1,200/h that became active on `activated` at 10:00 Tokyo; the clock
    then goes back to the fixture's Tuesday 2026-12-01 10:00 if it was moved."""
    start = clock.now()
    _at(frozen_clock, activated)
    contract = active_contract(hourly=True, amount=1_200, weekly_hour_cap=cap)
    frozen_clock.set(max(start, clock.now()))
    return contract


def _log(contract: Contract, day: dt.date, minutes: int = 60, memo: str = "伝票の入力") -> TimeEntry:
    return services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=day, minutes=minutes, memo=memo
    )


# --- the logging window --------------------------------------------------------------------------------


def test_activation_is_recorded_when_the_contract_becomes_active(frozen_clock):
    # given an hourly contract both parties agree to on Tuesday 2026-12-01 10:00 Tokyo
    contract = _hourly(frozen_clock)
    # then the moment it became active is recorded, and its Tokyo date is the first loggable day
    assert contract.activated_at == frozen_clock.now()
    assert services.contract_activated_on(contract) == dt.date(2026, 12, 1)


def test_year_one_is_refused_and_nothing_is_written(frozen_clock):
    # given an hourly contract active since 2026-12-01
    contract = _hourly(frozen_clock)
    # when the worker logs time for 0001-01-01
    with pytest.raises(DomainError) as exc:
        _log(contract, dt.date(1, 1, 1))
    # then it is refused on the date field, naming the day the contract began, and nothing was written
    assert exc.value.field == "work_date"
    assert "2026年12月1日" in exc.value.message and "より前の作業は記録できません" in exc.value.message
    assert not HourlyWeek.objects.exists() and not TimeEntry.objects.exists()


def test_the_day_before_activation_is_refused_even_in_the_same_week(frozen_clock):
    # given a contract that became active on Tuesday 2026-12-01 (its week began on Monday 11-30)
    contract = _hourly(frozen_clock)
    # when the worker logs Monday 11-30, then it is refused
    with pytest.raises(DomainError) as exc:
        _log(contract, dt.date(2026, 11, 30))
    assert exc.value.code == "work_date_not_loggable"
    # and the day of activation itself is accepted
    _log(contract, dt.date(2026, 12, 1))
    assert TimeEntry.objects.get().work_date == dt.date(2026, 12, 1)


def test_three_weeks_back_is_refused_but_last_week_is_accepted(frozen_clock):
    # given a contract active since 2026-11-01, and today Tuesday 2026-12-01 (this week: Monday 11-30)
    contract = _hourly(frozen_clock, activated=dt.date(2026, 11, 1))
    # when the worker logs Tuesday 11-10, three weeks back
    with pytest.raises(DomainError) as exc:
        _log(contract, dt.date(2026, 11, 10))
    # then it is refused, saying from which day time can be logged, and what to do instead
    assert "今週と先週(2026年11月23日以降)" in exc.value.message
    assert "修正を申し出る" in exc.value.message
    # and Monday 11-23 (last week) is accepted
    _log(contract, dt.date(2026, 11, 23))
    assert HourlyWeek.objects.get().week_start == dt.date(2026, 11, 23)


def test_the_future_is_refused(frozen_clock):
    # given an active contract on Tuesday 2026-12-01
    contract = _hourly(frozen_clock)
    # when the worker logs tomorrow, then it is refused and nothing is written
    with pytest.raises(DomainError) as exc:
        _log(contract, dt.date(2026, 12, 2))
    assert "未来の日付" in exc.value.message
    assert not TimeEntry.objects.exists()


def test_the_sunday_monday_boundary_is_the_tokyo_calendar(frozen_clock):
    # given a contract active since 2026-11-01
    contract = _hourly(frozen_clock, activated=dt.date(2026, 11, 1))
    # when it is Sunday 12-06 23:59 in Tokyo, then Sunday 11-29 (last week's last day) can still be logged
    _at(frozen_clock, dt.date(2026, 12, 6), hour=23, minute=59)
    _log(contract, dt.date(2026, 11, 29))
    # when it is Monday 12-07 00:00 in Tokyo (still Sunday 15:00 in UTC)
    frozen_clock.set(dt.datetime(2026, 12, 6, 15, 0, tzinfo=dt.UTC))
    assert clock.today() == dt.date(2026, 12, 7)
    # then the week of 11-23 has closed for logging, while the week of 11-30 (now last week) is open
    with pytest.raises(DomainError):
        _log(contract, dt.date(2026, 11, 29))
    _log(contract, dt.date(2026, 11, 30))
    # and Monday 12-07 starts a week of its own
    _log(contract, dt.date(2026, 12, 7))
    starts = sorted(HourlyWeek.objects.values_list("week_start", flat=True))
    assert starts == [dt.date(2026, 11, 23), dt.date(2026, 11, 30), dt.date(2026, 12, 7)]
    assert hourly.week_start_for(dt.date(2026, 12, 6)) == dt.date(2026, 11, 30)
    assert hourly.logging_closes_on(dt.date(2026, 11, 23)) == dt.date(2026, 12, 6)


# --- submission and approval ----------------------------------------------------------------------------


def test_the_tick_submits_a_week_at_the_end_of_the_following_week(
    frozen_clock, django_capture_on_commit_callbacks
):
    from hataraku.messaging.models import Notification

    # given 90 minutes logged on Tuesday 12-01, never submitted by the worker
    contract = _hourly(frozen_clock)
    _log(contract, dt.date(2026, 12, 1), minutes=90)
    week = HourlyWeek.objects.get()
    # when the tick runs on Sunday 12-13 at 23:59 (the last day of logging for it), then it stays open
    _at(frozen_clock, dt.date(2026, 12, 13), hour=23, minute=59)
    assert services.weeks_submit_due() == 0
    week.refresh_from_db()
    assert week.status == WeekStatus.OPEN
    # when it runs on Monday 12-14 just after midnight
    _at(frozen_clock, dt.date(2026, 12, 14), hour=0, minute=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_periodic()["weeks_submitted"] == 1
    # then the week is submitted by the platform now, and approves itself only a full period later
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED
    assert week.submitted_at == frozen_clock.now()
    assert services.week_auto_approve_at(week, contract) == frozen_clock.now() + dt.timedelta(days=7)
    assert week.received_on == dt.date(2026, 12, 14)
    event = AuditEvent.objects.get(action="hourly_week.transition", data__to=WeekStatus.SUBMITTED)
    assert event.actor_id is None and event.data["minutes"] == 90
    # and the client is asked to look at it by a date, the worker told it was submitted
    client_note = Notification.objects.get(user=contract.client, code="contracts.week_submitted")
    assert "2026年12月21日までに" in client_note.display_body
    assert (
        Notification.objects.filter(user=contract.worker, code="contracts.week_auto_submitted").count() == 1
    )
    # and a second tick changes nothing
    assert services.weeks_submit_due() == 0


def test_a_week_submitted_early_takes_no_more_time_and_its_period_runs_from_submission(frozen_clock):
    # given 60 minutes on Tuesday 12-01, and the worker submits the week on Thursday 12-03 at 21:00
    contract = _hourly(frozen_clock)
    _log(contract, dt.date(2026, 12, 1))
    week = HourlyWeek.objects.get()
    _at(frozen_clock, dt.date(2026, 12, 3), hour=21)
    services.week_submit(week=week, actor=contract.worker)
    submitted_at = frozen_clock.now()
    # when she then logs Friday's work into the same week, it is refused kindly
    _at(frozen_clock, dt.date(2026, 12, 4), hour=13)
    with pytest.raises(InvalidTransition) as exc:
        _log(contract, dt.date(2026, 12, 4))
    assert exc.value.code == "week_submitted" and "提出済み" in exc.value.message
    # when the tick runs a minute before seven days after submission, then nothing is approved
    frozen_clock.set(submitted_at + dt.timedelta(days=7, minutes=-1))
    assert services.weeks_auto_approve_due() == 0
    # when it runs seven days after submission, then the week is approved and billed (¥1,200)
    frozen_clock.set(submitted_at + dt.timedelta(days=7))
    assert services.weeks_auto_approve_due() == 1
    week.refresh_from_db()
    assert (week.status, week.billed_amount) == (WeekStatus.BILLED, 1_200)


def test_a_week_nobody_looked_at_is_never_approved_before_the_period(frozen_clock):
    # given a week of Tuesday 12-01 that was never submitted while the tick was not running
    contract = _hourly(frozen_clock)
    _log(contract, dt.date(2026, 12, 1), minutes=120)
    week = HourlyWeek.objects.get()
    # when the auto-approval runs on 12-20, long after the old "week end + 7 days" (12-14)
    _at(frozen_clock, dt.date(2026, 12, 20))
    # then an open week is never approved
    assert services.weeks_auto_approve_due() == 0
    # and once it is submitted that day, it is still not approved at once
    assert services.weeks_submit_due() == 1
    assert services.weeks_auto_approve_due() == 0
    with pytest.raises(DomainError):
        services.week_approve(week=week, actor=None, idempotency_key=key(), auto=True)
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED and week.escrow_id is None
    assert not Escrow.objects.filter(reference=f"week:{week.pk}").exists()
    # and it is approved only a whole period after that submission
    _at(frozen_clock, dt.date(2026, 12, 27))
    assert services.weeks_auto_approve_due() == 1


def test_an_empty_week_cannot_be_submitted_and_only_the_worker_submits(frozen_clock):
    contract = _hourly(frozen_clock)
    empty = HourlyWeek.objects.create(contract=contract, week_start=dt.date(2026, 11, 30))
    with pytest.raises(DomainError) as exc:
        services.week_submit(week=empty, actor=contract.worker)
    assert exc.value.code == "week_empty"
    _log(contract, dt.date(2026, 12, 1))
    with pytest.raises(PermissionDenied):
        services.week_submit(week=empty, actor=contract.client)
    with pytest.raises(NotFound):
        services.week_submit(week=empty, actor=UserFactory())
    empty.refresh_from_db()
    assert empty.status == WeekStatus.OPEN


# --- corrections ---------------------------------------------------------------------------------------


def _submitted(frozen_clock: Any, minutes: tuple[int, ...] = (120, 60)) -> tuple[Contract, HourlyWeek]:
    """A contract active since Monday 11-30 with `minutes` logged on 12-01, 12-02, …, submitted by the
    worker on Friday 12-04 at 18:00."""
    contract = _hourly(frozen_clock, activated=dt.date(2026, 11, 30))
    _at(frozen_clock, dt.date(2026, 12, 4), hour=18)
    for i, m in enumerate(minutes):
        _log(contract, dt.date(2026, 11, 30) + dt.timedelta(days=i + 1), minutes=m, memo=f"作業{i + 1}")
    week = HourlyWeek.objects.get()
    services.week_submit(week=week, actor=contract.worker)
    return contract, week


def _minutes(week: HourlyWeek) -> int:
    return sum(week.entries.values_list("minutes", flat=True))


def test_the_client_asks_for_a_correction_and_accepts_the_corrected_week(frozen_clock):
    # given a week of 180 minutes submitted on Friday 12-04
    contract, week = _submitted(frozen_clock)
    first, second = week.entries.order_by("work_date")
    # when the client asks for a correction
    services.week_request_correction(week=week, actor=contract.client, note="12月1日は1時間の約束でした")
    week.refresh_from_db()
    # then the clock stops: even long after the period nothing is approved
    assert (week.status, week.correction_count) == (WeekStatus.CORRECTION, 1)
    _at(frozen_clock, dt.date(2026, 12, 20))
    assert services.weeks_auto_approve_due() == 0
    # when the worker proposes 120 → 60 minutes on 12-01, the week is handed back, minutes unchanged
    correction = services.time_correction_propose(
        week=week, actor=contract.worker, reason="ご指摘のとおりでした", entries={first.pk: 60, second.pk: 60}
    )
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED and week.submitted_at == frozen_clock.now()
    assert (correction.minutes_before, correction.minutes_after) == (180, 120)
    assert _minutes(week) == 180
    # the client cannot approve past an unanswered correction
    with pytest.raises(Conflict):
        services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    # when the client accepts it and approves
    services.time_correction_answer(correction=correction, actor=contract.client, accept=True)
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    # then the corrected two hours are billed (¥2,400), and the change is kept in the audit log
    week.refresh_from_db()
    assert (week.status, week.billed_minutes, week.billed_amount) == (WeekStatus.BILLED, 120, 2_400)
    assert AuditEvent.objects.filter(action="time_correction.answer", data__accepted=True).count() == 1


def test_a_correction_to_an_older_week_changes_nothing_until_the_client_accepts(frozen_clock):
    # given a week of 180 minutes submitted on 12-04, and today 12-08: the worker forgot an hour on 12-03
    contract, week = _submitted(frozen_clock)
    _at(frozen_clock, dt.date(2026, 12, 8))
    with pytest.raises(InvalidTransition):
        _log(contract, dt.date(2026, 12, 3))
    add = [{"work_date": dt.date(2026, 12, 3), "minutes": 60, "memo": "記録し忘れた読み合わせ"}]
    # when she proposes adding it and the client declines, then nothing changes
    c1 = services.time_correction_propose(week=week, actor=contract.worker, reason="記録し忘れ", add=add)
    services.time_correction_answer(correction=c1, actor=contract.client, accept=False)
    assert _minutes(week) == 180
    # when she proposes again and the client says nothing until the period after submission has passed
    c2 = services.time_correction_propose(
        week=week, actor=contract.worker, reason="もう一度お願いします", add=add
    )
    _at(frozen_clock, dt.date(2026, 12, 11), hour=18, minute=1)
    assert services.weeks_auto_approve_due() == 1
    # then the week is approved as submitted (silence adds no time) and the correction lapsed
    week.refresh_from_db()
    c2.refresh_from_db()
    assert (week.status, week.billed_minutes) == (WeekStatus.BILLED, 180)
    assert c2.status == TimeCorrectionStatus.LAPSED
    # and a billed week takes no correction at all
    with pytest.raises(InvalidTransition) as exc:
        services.time_correction_propose(week=week, actor=contract.worker, reason="再度", add=add)
    assert exc.value.code == "week_not_correctable"


def test_corrections_are_checked_like_logging(frozen_clock):
    contract, week = _submitted(frozen_clock)
    entry = week.entries.order_by("work_date").first()
    assert entry is not None

    def propose(**kwargs: Any) -> None:
        services.time_correction_propose(week=week, actor=contract.worker, reason="修正", **kwargs)

    # a day outside the week, a day before activation, the future, over the cap, and no change at all
    for add_day in (dt.date(2026, 12, 7), dt.date(2026, 11, 29), dt.date(2026, 12, 5)):
        with pytest.raises(DomainError):
            propose(add=[{"work_date": add_day, "minutes": 30, "memo": "x"}])
    with pytest.raises(DomainError) as exc:
        propose(entries={entry.pk: 600})
    assert exc.value.code == "over_cap"
    with pytest.raises(DomainError):
        propose(entries={entry.pk: entry.minutes})
    # only the worker proposes, only the client answers
    with pytest.raises(PermissionDenied):
        services.time_correction_propose(week=week, actor=contract.client, reason="x", entries={entry.pk: 0})
    correction = services.time_correction_propose(
        week=week, actor=contract.worker, reason="x", entries={entry.pk: 0}
    )
    with pytest.raises(PermissionDenied):
        services.time_correction_answer(correction=correction, actor=contract.worker, accept=True)
    with pytest.raises(NotFound):
        services.time_correction_answer(correction=correction, actor=UserFactory(), accept=True)
    # one pending at a time; and accepting removes the entry set to 0
    with pytest.raises(Conflict):
        propose(entries={entry.pk: 30})
    services.time_correction_answer(correction=correction, actor=contract.client, accept=True)
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    assert TimeCorrection.objects.get().changes["entries"][str(entry.pk)]["from"] == 120


def test_a_third_request_for_a_correction_is_refused(frozen_clock):
    # given a week sent back for a correction twice, and resubmitted as it is each time
    contract, week = _submitted(frozen_clock)
    for _ in range(2):
        services.week_request_correction(week=week, actor=contract.client, note="確認させてください")
        services.week_resubmit(week=week, actor=contract.worker)
    # when the client asks a third time, then it is refused: approve or ask staff
    with pytest.raises(DomainError) as exc:
        services.week_request_correction(week=week, actor=contract.client, note="もう一度")
    assert exc.value.code == "too_many_corrections"
    week.refresh_from_db()
    assert (week.status, week.correction_count) == (WeekStatus.SUBMITTED, 2)


# --- pages ---------------------------------------------------------------------------------------------


def test_the_form_refuses_year_one_and_keeps_what_was_typed(client, frozen_clock):
    # given the worker on the time form
    contract = _hourly(frozen_clock)
    client.force_login(contract.worker)
    url = reverse("contracts:time", args=[contract.pk])
    # when she sends 0001-01-01
    response = client.post(url, {"work_date": "0001-01-01", "minutes": 60, "memo": "伝票の入力(午前)"})
    # then the form comes back with the reason on the date, her memo kept, and nothing written
    html = response.content.decode()
    assert response.status_code == 200
    assert "より前の作業は記録できません" in html and "伝票の入力(午前)" in html
    assert not TimeEntry.objects.exists()
    # and the date picker offers only the days the service accepts
    assert 'min="2026-12-01"' in html and 'max="2026-12-01"' in html


def test_the_worker_sees_open_weeks_and_submits_one_the_client_sees_when_it_approves(client, frozen_clock):
    # given a contract active since 11-23, with time logged last week and today (Tuesday 12-01)
    contract = _hourly(frozen_clock, activated=dt.date(2026, 11, 23))
    _log(contract, dt.date(2026, 11, 24))
    _log(contract, dt.date(2026, 12, 1))
    last_week = HourlyWeek.objects.get(week_start=dt.date(2026, 11, 23))
    url = reverse("contracts:detail", args=[contract.pk])
    # when the worker opens the contract page
    client.force_login(contract.worker)
    html = client.get(url).content.decode()
    # then she sees which weeks she can log to and until when, with a button to submit each early
    assert "2026年11月23日からの週: 2026年12月6日まで記録できます" in html
    assert "2026年11月30日からの週: 2026年12月13日まで記録できます" in html
    assert reverse("contracts:week_submit", args=[contract.pk, last_week.pk]) in html
    # when she submits last week
    response = client.post(reverse("contracts:week_submit", args=[contract.pk, last_week.pk]))
    assert response.status_code == 302
    last_week.refresh_from_db()
    assert last_week.status == WeekStatus.SUBMITTED
    # then the client sees it submitted, with the moment it approves itself (seven days later)
    client.force_login(contract.client)
    html = client.get(url).content.decode()
    assert "2026年12月8日10:00までに確認がなければ自動で承認されます" in html.replace(" ", "")
    # and on the week page, an empty request for a correction comes back with an error, changing nothing
    week_url = reverse("contracts:week_request_correction", args=[contract.pk, last_week.pk])
    response = client.post(week_url, {"note": ""})
    assert response.status_code == 200 and 'class="field__errors"' in response.content.decode()
    last_week.refresh_from_db()
    assert last_week.status == WeekStatus.SUBMITTED


# --- migration ---------------------------------------------------------------------------------------------


def test_the_migration_backfills_activation_from_the_audit_log(frozen_clock):
    from django.apps import apps

    # given an active contract whose activation moment was not recorded (made before the field existed)
    contract = _hourly(frozen_clock)
    moment = AuditEvent.objects.get(
        action="contract.transition", target_id=str(contract.pk), data__to="active"
    ).occurred_at
    Contract.objects.filter(pk=contract.pk).update(activated_at=None)
    # when the migration's backfill runs
    migration = importlib.import_module("hataraku.contracts.migrations.0005_hourly_week_submission")
    migration.backfill_activated_at(apps, None)
    # then the moment comes from the transition to active in the audit log
    contract.refresh_from_db()
    assert contract.activated_at == moment


def test_the_week_table_never_approves_an_open_week_or_reopens_a_submitted_one():
    from hataraku.contracts.constants import WEEK_MACHINE, WEEK_TRANSITIONS

    # an open week is submitted first (billed directly only as the ¥0 close of an empty week at the end)
    assert WEEK_MACHINE.allows(WeekStatus.OPEN, WeekStatus.SUBMITTED)
    assert not WEEK_MACHINE.allows(WeekStatus.OPEN, WeekStatus.CORRECTION)
    # a submitted week is approved, sent back for a correction or disputed, never reopened for logging
    assert WEEK_TRANSITIONS[WeekStatus.SUBMITTED] == frozenset(
        {WeekStatus.BILLED, WeekStatus.CORRECTION, WeekStatus.DISPUTED}
    )
    assert not any(WeekStatus.OPEN in targets for targets in WEEK_TRANSITIONS.values())
    # a correction goes back to the client as a new submission (or is approved, or disputed)
    assert WEEK_TRANSITIONS[WeekStatus.CORRECTION] == frozenset(
        {WeekStatus.SUBMITTED, WeekStatus.BILLED, WeekStatus.DISPUTED}
    )

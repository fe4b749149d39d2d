"""Services: good input is stored and audited; bad input gets a Japanese error and stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.core.errors import DomainError
from hataraku.core.models import AuditEvent
from hataraku.profiles import services
from hataraku.profiles.availability import Window
from hataraku.profiles.models import AvailabilityWindow, DateException, WorkConditions, WorkerProfile

from .factories import ClientFactory, WorkerFactory

pytestmark = pytest.mark.django_db

VALID_INVOICE = "T5040001006938"  # check digit 5 for 040001006938


def profile_kwargs(**overrides):
    data = {
        "display_name": "中村 さくら",
        "prefecture": "20",
        "municipality": "松本市",
        "skills": ["データ入力", "Excel", "データ入力"],
        "bio": "よろしくお願いします。",
        "portfolio_links": ["https://example.com/a"],
        "qualifications": ["日商簿記2級"],
        "invoice_number": "",
    }
    data.update(overrides)
    return data


def conditions_kwargs(**overrides):
    data = {
        "max_hours_per_week": 15,
        "min_block_minutes": 30,
        "accepts_voice": False,
        "accepts_video": False,
        "no_meetings": True,
        "quiet_start": dt.time(22, 0),
        "quiet_end": dt.time(7, 0),
        "accessibility_needs": [],
        "show_accessibility_publicly": False,
    }
    data.update(overrides)
    return data


def test_profile_update_stores_cleaned_values_and_audits(frozen_clock):
    # given a worker
    user = WorkerFactory.create()
    # when they save their profile with a full-width, hyphenated invoice number
    profile = services.profile_update(
        user=user, **profile_kwargs(invoice_number="Ｔ５０４-０００１００６９３８")
    )
    # then the number is normalised, duplicates dropped, display name updated, one audit row written
    profile.refresh_from_db()
    user.refresh_from_db()
    assert profile.invoice_number == VALID_INVOICE
    assert profile.skills == ["データ入力", "Excel"]
    assert user.display_name == "中村 さくら"
    assert AuditEvent.objects.filter(action="profiles.profile_update", target_id=str(profile.pk)).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"prefecture": "48"}, "prefecture", "都道府県"),
        ({"invoice_number": "T123"}, "invoice_number", "13桁"),
        ({"invoice_number": "T9040001006938"}, "invoice_number", "チェックディジット"),
        ({"portfolio_links": ["javascript:alert(1)"]}, "portfolio_links", "URL"),
        ({"display_name": "  "}, "display_name", "表示名"),
    ],
)
def test_profile_update_refuses_bad_input_and_saves_nothing(overrides, field, fragment):
    # given a worker without a profile
    user = WorkerFactory.create(display_name="元の名前")
    # when they send a bad value
    with pytest.raises(DomainError) as exc:
        services.profile_update(user=user, **profile_kwargs(**overrides))
    # then a Japanese error names the field, and nothing is stored
    assert exc.value.field == field
    assert fragment in exc.value.message
    assert WorkerProfile.objects.count() == 0
    user.refresh_from_db()
    assert user.display_name == "元の名前"
    assert not AuditEvent.objects.filter(action="profiles.profile_update").exists()


def test_a_client_only_user_cannot_have_a_worker_profile():
    with pytest.raises(DomainError):
        services.profile_update(user=ClientFactory.create(), **profile_kwargs())
    assert WorkerProfile.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"max_hours_per_week": 169}, "max_hours_per_week"),
        ({"max_hours_per_week": -1}, "max_hours_per_week"),
        ({"min_block_minutes": 0}, "min_block_minutes"),
        ({"quiet_start": dt.time(22, 0), "quiet_end": None}, "quiet_end"),
        ({"quiet_start": dt.time(22, 0), "quiet_end": dt.time(22, 0)}, "quiet_end"),
    ],
)
def test_conditions_update_refuses_bad_input_and_saves_nothing(overrides, field):
    user = WorkerFactory.create()
    with pytest.raises(DomainError) as exc:
        services.conditions_update(user=user, **conditions_kwargs(**overrides))
    assert exc.value.field == field
    assert WorkConditions.objects.count() == 0


def test_conditions_update_accepts_168_and_zero_hours():
    user = WorkerFactory.create()
    services.conditions_update(user=user, **conditions_kwargs(max_hours_per_week=168))
    services.conditions_update(user=user, **conditions_kwargs(max_hours_per_week=0))
    assert WorkConditions.objects.get(user=user).max_hours_per_week == 0


def test_availability_replace_swaps_the_whole_week_and_audits():
    # given a worker with an old window
    user = WorkerFactory.create()
    services.availability_replace(user=user, windows=[Window(0, dt.time(9), dt.time(10))])
    # when they save a new week with a window crossing midnight
    services.availability_replace(
        user=user,
        windows=[Window(4, dt.time(22), dt.time(1), True), Window(1, dt.time(13), dt.time(14, 30))],
    )
    # then only the new windows remain
    stored = list(AvailabilityWindow.objects.filter(user=user).values_list("weekday", "crosses_midnight"))
    assert stored == [(1, False), (4, True)]
    assert AuditEvent.objects.filter(action="profiles.availability_replace").count() == 2


@pytest.mark.parametrize(
    "windows",
    [
        [Window(0, dt.time(10), dt.time(10))],
        [Window(0, dt.time(22), dt.time(1))],  # typo: no crossing flag
        [Window(0, dt.time(9), dt.time(11)), Window(0, dt.time(10), dt.time(12))],
        [Window(4, dt.time(22), dt.time(1), True), Window(5, dt.time(0, 30), dt.time(2))],
        [Window(d % 7, dt.time(0), dt.time(23)) for d in range(8)],
    ],
)
def test_availability_replace_refuses_bad_weeks_and_keeps_the_old_one(windows):
    # given a stored week
    user = WorkerFactory.create()
    services.availability_replace(user=user, windows=[Window(2, dt.time(9), dt.time(10))])
    # when a bad week is sent
    with pytest.raises(DomainError) as exc:
        services.availability_replace(user=user, windows=windows)
    # then the error is Japanese and the old week is untouched
    assert exc.value.message
    assert list(AvailabilityWindow.objects.filter(user=user).values_list("weekday", flat=True)) == [2]


def test_date_exception_add_and_remove(frozen_clock):
    user = WorkerFactory.create()
    exception = services.date_exception_add(user=user, date=dt.date(2026, 12, 9), kind="day_off", note="通院")
    assert DateException.objects.filter(user=user).count() == 1
    services.date_exception_remove(user=user, exception_id=exception.pk)
    assert DateException.objects.filter(user=user).count() == 0
    assert AuditEvent.objects.filter(action__startswith="profiles.date_exception").count() == 2


@pytest.mark.parametrize(
    ("date", "kind"),
    [(dt.date(2026, 11, 30), "day_off"), (dt.date(2026, 12, 9), "holiday")],
)
def test_date_exception_refuses_past_dates_and_unknown_kinds(frozen_clock, date, kind):
    user = WorkerFactory.create()
    with pytest.raises(DomainError):
        services.date_exception_add(user=user, date=date, kind=kind)
    assert DateException.objects.count() == 0


def test_date_exception_refuses_a_second_entry_for_the_same_date(frozen_clock):
    user = WorkerFactory.create()
    services.date_exception_add(user=user, date=dt.date(2026, 12, 9), kind="day_off")
    with pytest.raises(DomainError) as exc:
        services.date_exception_add(user=user, date=dt.date(2026, 12, 9), kind="busy")
    assert "もう登録" in exc.value.message
    assert DateException.objects.count() == 1


def test_someone_else_cannot_remove_my_exception(frozen_clock):
    mine = services.date_exception_add(user=WorkerFactory.create(), date=dt.date(2026, 12, 9), kind="day_off")
    with pytest.raises(DomainError):
        services.date_exception_remove(user=WorkerFactory.create(), exception_id=mine.pk)
    assert DateException.objects.count() == 1

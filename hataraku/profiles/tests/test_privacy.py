from __future__ import annotations

import datetime as dt

import pytest

from hataraku.profiles import services
from hataraku.profiles.models import (
    AvailabilityWindow,
    DateException,
    SensitiveConsent,
    SensitiveReasons,
    WorkConditions,
    WorkerProfile,
)
from hataraku.profiles.privacy import erase_user_data, export_user_data

from .factories import (
    AvailabilityWindowFactory,
    DateExceptionFactory,
    WorkConditionsFactory,
    WorkerFactory,
    WorkerProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_worker():
    user = WorkerFactory.create()
    WorkerProfileFactory.create(user=user)
    WorkConditionsFactory.create(
        user=user, quiet_start=dt.time(22), quiet_end=dt.time(7), accessibility_needs=["keyboard_only"]
    )
    AvailabilityWindowFactory.create(
        user=user, weekday=4, start=dt.time(22), end=dt.time(1), crosses_midnight=True
    )
    DateExceptionFactory.create(user=user)
    services.sensitive_reasons_save(user=user, categories=["illness"], note="通院が月2回", consent_given=True)
    return user


def test_export_holds_everything_including_decrypted_reasons(full_worker):
    # when the person downloads their data
    data = export_user_data(full_worker)
    # then every part is there, readable
    assert data["profile"]["qualifications"] == ["日商簿記2級"]
    assert data["conditions"]["quiet_start"] == "22:00:00"
    assert data["conditions"]["accessibility_needs"] == ["keyboard_only"]
    assert data["availability_windows"] == [
        {"weekday": 4, "start": "22:00:00", "end": "01:00:00", "crosses_midnight": True}
    ]
    assert data["date_exceptions"][0]["kind"] == "day_off"
    assert data["sensitive_reasons"] == {"categories": ["illness"], "note": "通院が月2回"}
    assert data["sensitive_consents"][0]["status"] == "given"


def test_export_of_someone_with_nothing_is_empty():
    data = export_user_data(WorkerFactory.create())
    assert (
        data["profile"] is None and data["availability_windows"] == [] and data["sensitive_reasons"] is None
    )


def test_erase_leaves_nothing_personal(full_worker):
    other = WorkerFactory.create()
    AvailabilityWindowFactory.create(user=other)
    # when the person's data is erased
    erase_user_data(full_worker)
    # then nothing of theirs remains in any table, and other people's data is untouched
    for model in (
        WorkerProfile,
        WorkConditions,
        AvailabilityWindow,
        DateException,
        SensitiveReasons,
        SensitiveConsent,
    ):
        assert not model.objects.filter(user=full_worker).exists(), model.__name__
    assert AvailabilityWindow.objects.filter(user=other).count() == 1

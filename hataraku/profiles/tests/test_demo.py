from __future__ import annotations

import pytest

from hataraku.core.demo import ensure_people
from hataraku.profiles import demo, selectors
from hataraku.profiles.availability import summarise_week
from hataraku.profiles.models import (
    AvailabilityWindow,
    DateException,
    SensitiveConsent,
    SensitiveReasons,
    WorkerProfile,
)

pytestmark = pytest.mark.django_db


def test_demo_loads_the_personas_and_is_idempotent(frozen_clock):
    # given the demo people
    people = ensure_people()
    # when the loader runs twice
    demo.load(people)
    counts = [
        m.objects.count()
        for m in (WorkerProfile, AvailabilityWindow, DateException, SensitiveReasons, SensitiveConsent)
    ]
    demo.load(people)
    # then the second run changes nothing
    assert [
        m.objects.count()
        for m in (WorkerProfile, AvailabilityWindow, DateException, SensitiveReasons, SensitiveConsent)
    ] == counts
    # and the personas look as PERSONAS.md says
    sakura = people["sakura"]
    assert summarise_week(selectors.availability_for(sakura)) == "平日 13:00–14:30, 21:00–22:30 / 週15時間"
    conditions = selectors.conditions_for(sakura)
    assert conditions is not None and conditions.text_only and conditions.no_meetings
    assert conditions.min_block_minutes == 30
    assert SensitiveReasons.objects.get(user=sakura).categories == ["childcare"]
    kenichi = people["kenichi"]
    assert summarise_week(selectors.availability_for(kenichi)).startswith("月・水・金 10:00–15:00")
    assert "日商簿記2級" in WorkerProfile.objects.get(user=kenichi).qualifications
    assert DateException.objects.filter(user=kenichi, date__gt=frozen_clock.now().date()).exists()
    misaki = selectors.conditions_for(people["misaki"])
    assert misaki is not None and misaki.text_only
    assert set(misaki.accessibility_needs) == {"screen_reader", "keyboard_only"}
    assert WorkerProfile.objects.get(user=people["shota"]).prefecture == "45"
    assert not SensitiveReasons.objects.filter(user=people["shota"]).exists()

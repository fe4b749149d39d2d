from __future__ import annotations

import datetime as dt

import factory

from hataraku.accounts.tests.factories import (  # re-exported for this app's tests
    PASSWORD,
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    UserFactory,
)
from hataraku.profiles.models import AvailabilityWindow, DateException, WorkConditions, WorkerProfile

__all__ = [
    "PASSWORD",
    "AvailabilityWindowFactory",
    "ClientFactory",
    "DateExceptionFactory",
    "MunicipalFactory",
    "StaffFactory",
    "UserFactory",
    "WorkConditionsFactory",
    "WorkerFactory",
    "WorkerProfileFactory",
]


class WorkerFactory(UserFactory):
    is_worker = True


class WorkerProfileFactory(factory.django.DjangoModelFactory[WorkerProfile]):
    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(WorkerFactory)
    prefecture = "20"
    municipality = "松本市"
    skills = factory.LazyFunction(lambda: ["データ入力", "Excel"])
    bio = "事務の経験があります。"
    portfolio_links = factory.LazyFunction(lambda: ["https://example.com/works"])
    qualifications = factory.LazyFunction(lambda: ["日商簿記2級"])


class WorkConditionsFactory(factory.django.DjangoModelFactory[WorkConditions]):
    class Meta:
        model = WorkConditions

    user = factory.SubFactory(WorkerFactory)


class AvailabilityWindowFactory(factory.django.DjangoModelFactory[AvailabilityWindow]):
    class Meta:
        model = AvailabilityWindow

    user = factory.SubFactory(WorkerFactory)
    weekday = 0
    start = dt.time(13, 0)
    end = dt.time(14, 30)


class DateExceptionFactory(factory.django.DjangoModelFactory[DateException]):
    class Meta:
        model = DateException

    user = factory.SubFactory(WorkerFactory)
    date = dt.date(2026, 12, 8)
    kind = "day_off"

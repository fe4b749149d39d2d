from __future__ import annotations

from collections.abc import Callable
from typing import cast

import factory

from hataraku.accounts.tests.factories import UserFactory
from hataraku.alerts.constants import Frequency
from hataraku.alerts.models import Bookmark, SavedSearch
from hataraku.core import clock
from hataraku.jobs.tests.factories import JobFactory


class _SavedSearchFactory(factory.django.DjangoModelFactory[SavedSearch]):
    class Meta:
        model = SavedSearch

    worker = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"保存した条件 {n}")
    query = "beginner_welcome=on"
    alerts_on = True
    alert_in_app = True
    alert_email = True
    frequency = Frequency.IMMEDIATE
    alerts_since = factory.LazyFunction(clock.now)
    created_at = factory.LazyFunction(clock.now)
    updated_at = factory.LazyFunction(clock.now)


class _BookmarkFactory(factory.django.DjangoModelFactory[Bookmark]):
    class Meta:
        model = Bookmark

    worker = factory.SubFactory(UserFactory)
    job = factory.SubFactory(JobFactory)
    created_at = factory.LazyFunction(clock.now)


SavedSearchFactory = cast("Callable[..., SavedSearch]", _SavedSearchFactory)
BookmarkFactory = cast("Callable[..., Bookmark]", _BookmarkFactory)

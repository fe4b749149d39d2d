from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from hataraku.accounts.tests.factories import ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from hataraku.contracts.models import Contract
from hataraku.core import clock
from hataraku.core import notifications as notices
from hataraku.jobs.models import Category, Job, Proposal
from hataraku.jobs.rendering import render_markdown
from hataraku.messaging.models import Message, Notification, NotificationPreference, Thread


class WorkerFactory(UserFactory):
    """A worker (the accounts factory's default role)."""


def _any_category() -> Category:
    # Transactional (browser) tests flush the data migration's category tree, so make one if needed.
    existing = Category.objects.order_by("pk").first()
    if existing is not None:
        return existing
    return Category.objects.create(slug="test-writing", name="ライティング")


class JobFactory(factory.django.DjangoModelFactory[Job]):
    """A minimal published fixed-price job (the jobs app's own factories may replace this later)."""

    class Meta:
        model = Job

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"記事の校正 {n}")
    description_md = "原稿の校正をお願いします。"
    description_html = factory.LazyAttribute(lambda job: render_markdown(job.description_md))
    category = factory.LazyFunction(lambda: _any_category())
    pay_type = "fixed"
    budget_min = 10000
    budget_max = 30000
    estimated_hours = 5
    deadline = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=30))
    proposal_deadline = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=7))
    status = "published"


class ProposalFactory(factory.django.DjangoModelFactory[Proposal]):
    class Meta:
        model = Proposal

    job = factory.SubFactory(JobFactory)
    worker = factory.SubFactory(WorkerFactory)
    amount = 20000
    delivery_date = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=20))
    message = "ぜひお手伝いさせてください。"


class ContractFactory(factory.django.DjangoModelFactory[Contract]):
    class Meta:
        model = Contract

    proposal = factory.SubFactory(ProposalFactory)
    job = factory.LazyAttribute(lambda o: o.proposal.job)
    client = factory.LazyAttribute(lambda o: o.proposal.job.client)
    worker = factory.LazyAttribute(lambda o: o.proposal.worker)
    kind = "fixed"
    status = "active"
    title = factory.LazyAttribute(lambda o: o.proposal.job.title)
    total_amount = 20000
    offer_key = factory.Sequence(lambda n: f"test-offer-{n}")


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    user = factory.SubFactory(WorkerFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"お知らせ{n}")
    body = "本文です。"


class NotificationPreferenceFactory(factory.django.DjangoModelFactory[NotificationPreference]):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(WorkerFactory)


def header_queries() -> int:
    """Queries every logged-in page adds through the `unread` context processor (one: both counts at once)."""
    from django.conf import settings

    options: Any = settings.TEMPLATES[0]["OPTIONS"]
    processors = options.get("context_processors", [])
    return 1 if "hataraku.messaging.context_processors.unread" in processors else 0


class ThreadFactory(factory.django.DjangoModelFactory[Thread]):
    class Meta:
        model = Thread
        skip_postgeneration_save = True

    subject = "テストのスレッド"

    @factory.post_generation
    def participants(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.participants.add(*extracted)


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    thread = factory.SubFactory(ThreadFactory)
    sender = factory.SubFactory(WorkerFactory)
    body = "こんにちは。"


__all__ = [
    "ClientFactory",
    "ContractFactory",
    "JobFactory",
    "MessageFactory",
    "MunicipalFactory",
    "NotificationFactory",
    "NotificationPreferenceFactory",
    "ProposalFactory",
    "StaffFactory",
    "ThreadFactory",
    "UserFactory",
    "WorkerFactory",
    "header_queries",
]


# The notice tests speak of: its words travel as parameters, so each test can say what it is about.
TEST_NOTICE = notices.define("messaging.test_notice", title="%(title)s", body="%(body)s")


def notify(*, user: Any, title: str, body: str = "", url: str = "", email: bool = True) -> Notification:
    """Send a notice through the core interface, as every app does (messaging delivers it)."""
    return notices.notify(
        user=user, code=TEST_NOTICE, params={"title": title, "body": body}, url=url, email=email
    )  # type: ignore[return-value]

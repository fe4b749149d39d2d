from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import cast

import factory

from hataraku.accounts.models import User
from hataraku.accounts.tests import factories as account_factories
from hataraku.accounts.tests.factories import VerificationFactory as VerificationFactory
from hataraku.accounts.tests.factories import verified as verified
from hataraku.core import clock
from hataraku.jobs.categories import ensure_categories
from hataraku.jobs.constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from hataraku.jobs.models import Category, Invitation, Job, Proposal, ProposalMilestone
from hataraku.jobs.rendering import render_markdown


def category(slug: str = "office-entry") -> Category:
    ensure_categories()
    return Category.objects.get(slug=slug)


class _JobFactory(factory.django.DjangoModelFactory[Job]):
    class Meta:
        model = Job

    client = factory.SubFactory(account_factories.ClientFactory)
    title = factory.Sequence(lambda n: f"アンケート結果の入力 {n}")
    description_md = "紙のアンケート **200枚** を表に入力します。"
    description_html = factory.LazyAttribute(lambda job: render_markdown(job.description_md))
    category = factory.LazyFunction(category)
    skills = factory.LazyFunction(lambda: ["Excel"])
    pay_type = PayType.FIXED
    budget_min = 10_000
    budget_max = 20_000
    estimated_hours = 10
    deadline = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=30))
    proposal_deadline = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=7))
    headcount = 1
    meeting_style = MeetingStyle.NONE
    interruptible = True
    min_block_minutes = 30
    status = JobStatus.PUBLISHED
    published_at = factory.LazyFunction(clock.now)


class _ProposalFactory(factory.django.DjangoModelFactory[Proposal]):
    class Meta:
        model = Proposal

    job = factory.SubFactory(_JobFactory)
    worker = factory.SubFactory(account_factories.UserFactory)
    amount = 15_000
    delivery_date = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=20))
    message = "子どもが寝ている時間に少しずつ進めます。"
    status = ProposalStatus.SUBMITTED


class _ProposalMilestoneFactory(factory.django.DjangoModelFactory[ProposalMilestone]):
    class Meta:
        model = ProposalMilestone

    proposal = factory.SubFactory(_ProposalFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = "前半"
    amount = 5_000
    due_date = factory.LazyFunction(lambda: clock.today() + dt.timedelta(days=10))


class _InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    job = factory.SubFactory(_JobFactory)
    worker = factory.SubFactory(account_factories.UserFactory)
    message = "ぜひご応募ください。"
    created_at = factory.LazyFunction(clock.now)


# Typed entry points: factory-boy's classes return instances of the model, which mypy cannot see.
JobFactory = cast("Callable[..., Job]", _JobFactory)
ProposalFactory = cast("Callable[..., Proposal]", _ProposalFactory)
ProposalMilestoneFactory = cast("Callable[..., ProposalMilestone]", _ProposalMilestoneFactory)
InvitationFactory = cast("Callable[..., Invitation]", _InvitationFactory)
UserFactory = cast("Callable[..., User]", account_factories.UserFactory)
ClientFactory = cast("Callable[..., User]", account_factories.ClientFactory)
StaffFactory = cast("Callable[..., User]", account_factories.StaffFactory)
MunicipalFactory = cast("Callable[..., User]", account_factories.MunicipalFactory)

from __future__ import annotations

import factory

from hataraku.core import clock
from hataraku.messaging.tests.factories import ContractFactory
from hataraku.reviews.models import Review


class CompletedContractFactory(ContractFactory):
    status = "completed"
    completed_at = factory.LazyFunction(clock.now)


class ReviewFactory(factory.django.DjangoModelFactory[Review]):
    class Meta:
        model = Review

    contract = factory.SubFactory(CompletedContractFactory)
    reviewer = factory.LazyAttribute(lambda o: o.contract.client)
    reviewee = factory.LazyAttribute(
        lambda o: o.contract.worker if o.reviewer.pk == o.contract.client_id else o.contract.client
    )
    skill = 5
    quality = 4
    schedule = 4
    communication = 5
    partnership = 5
    comment = "丁寧なお仕事でした。"
    submitted_at = factory.LazyFunction(clock.now)

from __future__ import annotations

import pytest

from hataraku.reviews import privacy
from hataraku.reviews.models import Review

from .factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_export_lists_given_and_only_visible_received_reviews(frozen_clock):
    # given a one-sided review by the client about the worker (still hidden)
    review = ReviewFactory.create(comment="見えないはず")
    worker, client = review.contract.worker, review.contract.client
    # then the worker's export does not reveal it, the client's lists it as given
    assert privacy.export_user_data(worker)["受け取った評価(公開済み)"] == []
    assert [r["コメント"] for r in privacy.export_user_data(client)["送った評価"]] == ["見えないはず"]


def test_erase_deletes_reviews_about_the_person_and_keeps_reviews_they_wrote(frozen_clock):
    about = ReviewFactory.create()
    written = ReviewFactory.create(contract=about.contract, reviewer=about.contract.worker)
    privacy.erase_user_data(about.contract.worker)
    assert not Review.objects.filter(pk=about.pk).exists()
    assert Review.objects.filter(pk=written.pk).exists()

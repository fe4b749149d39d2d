"""The demo loads messages and reviews once (idempotent) after the contracts demo."""

from __future__ import annotations

import pytest

from hataraku.core import demo
from hataraku.messaging.models import Message
from hataraku.reviews.models import Review

pytestmark = pytest.mark.django_db


def test_demo_loads_messages_and_reviews_idempotently(frozen_clock):
    people = demo.load()
    messages = Message.objects.filter(sender__in=[people["sakura"], people["hidamari"]]).count()
    reviews = Review.objects.count()
    demo.load()
    assert Message.objects.count() == messages
    assert Review.objects.count() == reviews
    # the contracts demo always makes one completed contract, so both of its reviews must be there
    assert messages >= 3
    assert reviews == 2

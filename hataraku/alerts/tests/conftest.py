from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hataraku.accounts.tests.factories import UserFactory


@pytest.fixture
def worker(client: Client, frozen_clock: Any) -> Any:
    """A person signed in on `client` (the API tests)."""
    person = UserFactory()
    client.force_login(person)
    return person

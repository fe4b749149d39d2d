from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def worker(db: Any) -> Any:
    from .factories import WorkerFactory

    return WorkerFactory()


@pytest.fixture
def client_user(db: Any) -> Any:
    from .factories import ClientFactory

    return ClientFactory()

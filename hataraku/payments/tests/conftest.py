from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def worker(db: Any) -> Any:
    from .factories import WorkerFactory

    return WorkerFactory(display_name="中村 さくら")


@pytest.fixture
def staff(db: Any) -> Any:
    from .factories import StaffFactory

    return StaffFactory()


@pytest.fixture
def client_user(db: Any) -> Any:
    from .factories import ClientFactory

    return ClientFactory(company_name="株式会社ひだまり出版")

from __future__ import annotations

from typing import Any

import pytest

from hataraku.core.wages import ensure_shipped_tables


@pytest.fixture(autouse=True)
def _minimum_wages(request: Any) -> None:
    """The FY2025 table as migration 0002 ships it, even after a transactional test run earlier in the same
    process flushed every table (pytest-django's `transactional_db` does)."""
    uses_db = request.node.get_closest_marker("django_db") is not None
    if not uses_db and "db" in request.fixturenames:
        request.getfixturevalue("db")
        uses_db = True
    if uses_db:
        ensure_shipped_tables()

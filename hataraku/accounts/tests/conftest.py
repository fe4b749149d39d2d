from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Rate-limit counters and used TOTP codes live in the (LocMem) cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

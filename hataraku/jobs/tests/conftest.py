from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clock(frozen_clock):  # type: ignore[no-untyped-def]
    # Every jobs test runs at Tuesday 2026-12-01 10:00 in Tokyo, so deadlines are predictable.
    return frozen_clock

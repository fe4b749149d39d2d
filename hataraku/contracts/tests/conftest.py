from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clock(frozen_clock):  # type: ignore[no-untyped-def]
    # Every contracts test starts at Tuesday 2026-12-01 10:00 in Tokyo.
    return frozen_clock

"""Numbers read from a query string or a posted field that is not a form: ASCII digits only (`"²".isdigit()`
is true, and `int("²")` fails), and no larger than a database id, so that a crafted URL gets "not found"
instead of an error page."""

from __future__ import annotations

ID_MAX = 2**31 - 1


def small_int(text: str | None, *, limit: int = ID_MAX) -> int | None:
    """The non-negative integer `text` spells, or None when it spells none within `limit`."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(limit)):
        return None
    value = int(text)
    return value if value <= limit else None

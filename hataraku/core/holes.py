"""Stand-ins for the values a kept piece of markup gets per request (core/templatetags/fragments.py,
core/pages.py, the ☆ toggles): drawn once with stand-ins, filled on every request.

A stand-in carries a random part made when the process starts, so nobody can type one into a search box or a
job title and have another value poured into it; and `fill` puts every value in with one pass over the
markup, so a value put in (which may echo what someone typed) is never read again for stand-ins.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

_SECRET = secrets.token_hex(8)
_PATTERN = re.compile("\ue000" + _SECRET + r":([a-z0-9_-]+)\ue000")


def stand_in(name: str) -> str:
    """The stand-in for `name` (lower-case letters, digits, - and _)."""
    return f"\ue000{_SECRET}:{name}\ue000"


def fill(markup: str, values: Mapping[str, str]) -> str:
    """`markup` with each stand-in named in `values` replaced by its value (already escaped by the caller),
    in one pass. Stand-ins of other names are left for whoever fills them."""
    return _PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), markup)

"""A WSGI app for test_serve.py: `/stuck` never answers on its own (like a request caught in a slow
Markdown parse), everything else answers at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

_NEVER = threading.Event()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == "/stuck":
        _NEVER.wait()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]

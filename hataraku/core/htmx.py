"""Small htmx helpers: tell a partial request from a full page one, and render just a block."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"

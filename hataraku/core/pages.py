"""Whole pages kept per process, for the few pages a worker opens again and again (the job list).

A page is kept by everything it shows: the view's own values (`key`, which the view must make complete —
every value its template prints or tests) and `shell_state`, everything base.html reads about the request
(language, path, the person, her roles and page for the menu, unread counts, the idle-timeout settings).
Two values change on every request and are *holes*: the CSRF token (masked anew per request) and the
seconds left before the idle log-out. The page is drawn once with stand-ins for them, kept, and each
request puts its own in (escaped as a template would).

A page is drawn the ordinary way, and not kept, when anything outside the key would show on it: a message
waiting to be shown, a suspended account (its banner), a staff member who has not yet used a second
factor, a visitor who is not signed in, a session with no time left. Nothing is invalidated: a change in
any value is another key, and the store starts again when full.

Why (issue 9, item 4): after the cards, the header and the filter form were kept, Django's rendering of the
page around them (context processors, template inheritance, a few dozen nodes) was still a third of the
job list's CPU. Templates kept this way must never print the CSP nonce (none does; a test checks the job
list drawn both ways is the same).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from . import sessions
from .context_processors import request_token
from .navigation import navigation

# Stand-ins for the holes: private-use characters no template text or escaping produces.
_TOKEN, _SECONDS = "\ue000page-csrf\ue000", "\ue000page-seconds\ue000"

_KEPT: dict[tuple[Hashable, ...], str] = {}
MAX_KEPT = 256  # pages of ~50 kB; when full, start again rather than grow


def shell_state(request: HttpRequest) -> tuple[Hashable, ...] | None:
    """What base.html reads about this request, as a key; None when the page must be drawn each time."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return None
    if getattr(user, "is_suspended", False) or getattr(request, "second_factor_pending", False):
        return None
    if len(get_messages(request)):  # type: ignore[arg-type]  # counting does not mark them shown
        return None
    if sessions.seconds_left(session) <= 0:
        return None
    # The unread counts come from the same processor base.html's header uses (messaging is above core:
    # the processor is found through the template settings, not imported).
    counts = _unread(request)
    return (
        get_language(),
        request.get_full_path(),
        user.pk,
        navigation(request).get("menu_key"),
        counts.get("unread_messages"),
        counts.get("unread_notifications"),
        settings.SESSION_TIMEOUT_WARNING_SECONDS,
    )


def _unread(request: HttpRequest) -> dict[str, Any]:
    processor = _unread_processor()
    return dict(processor(request)) if processor is not None else {}


@cache
def _unread_processor() -> Callable[[HttpRequest], dict[str, Any]] | None:
    """The header's unread-counts processor, as the template settings name it (messaging is above core)."""
    from django.template import engines

    for processor in engines["django"].engine.template_context_processors:  # type: ignore[attr-defined]
        if processor.__name__ == "unread":
            return processor  # type: ignore[no-any-return]
    return None


def render_page(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, key: tuple[Hashable, ...]
) -> HttpResponse:
    """`render(request, template_name, context)`, kept by `key` and the request's `shell_state`."""
    state = shell_state(request) if settings.HATARAKU_KEEP_PAGES else None
    if state is None:
        return render(request, template_name, context)
    # The view may already have put the request's token in its values (the ☆ toggles' forms): there it is
    # the hole too. It is 64 random characters, so nothing else matches it.
    token = escape(request_token(request))
    key = tuple(_holed(value, token) for value in key)
    slot = (template_name, key, state)
    try:
        html = _KEPT.get(slot)
    except TypeError:  # a key value that cannot be hashed: draw it, keep nothing
        return render(request, template_name, context)
    if html is None:
        # The view's values come after the context processors' and replace them: the holes get stand-ins.
        values = {name: _holed(value, token) for name, value in context.items()}
        values.update(csrf_token=_TOKEN, session_timeout_seconds=_SECONDS)
        html = render_to_string(template_name, values, request)
        if len(_KEPT) >= MAX_KEPT:
            _KEPT.clear()
        _KEPT[slot] = html
    seconds = sessions.seconds_left(request.session)  # type: ignore[attr-defined]
    return HttpResponse(html.replace(_TOKEN, token).replace(_SECONDS, str(int(seconds))))


def _holed(value: Any, token: str) -> Any:
    """`value` with the request's token replaced by its stand-in (markup stays markup)."""
    if isinstance(value, str) and token in value:
        holed = value.replace(token, _TOKEN)
        return SafeString(holed) if isinstance(value, SafeString) else holed
    return value


def forget_all() -> None:
    """Drop every kept page (tests that change templates or translations)."""
    _KEPT.clear()

"""Whole pages kept per process, for the few pages a worker opens again and again (the job list).

A page is kept by everything it shows: the view's own values (every plain value of its context, taken
by `page_key`, and `key`, which must stand for every other value its template prints or tests) and
`shell_state`, everything base.html reads about the request (language, path, the person, her roles and
page for the menu, unread counts, the idle-timeout settings).
Two values change on every request and are *holes*: the CSRF token (masked anew per request) and the
seconds left before the idle log-out. The page is drawn once with stand-ins for them, kept, and each
request puts its own in (escaped as a template would).

A page is drawn the ordinary way, and not kept, when anything outside the key would show on it: a message
waiting to be shown, a suspended account (its banner), a staff member who has not yet used a second
factor, a visitor who is not signed in, a session with no time left. Nothing is invalidated: a change in
any value is another key. The store is bounded by the characters it holds (least recently used pages go
first), and a path longer than MAX_PATH is never kept.

Why (issue 9, item 4): after the cards, the header and the filter form were kept, Django's rendering of the
page around them (context processors, template inheritance, a few dozen nodes) was still a third of the
job list's CPU. Templates kept this way must never print the CSP nonce (none does; a test checks the job
list drawn both ways is the same).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import suppress
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

from . import holes, sessions
from .context_processors import request_token
from .navigation import navigation

# Stand-ins for the holes (core/holes.py: a random part per process, filled in one pass).
_TOKEN, _SECONDS = holes.stand_in("page-csrf"), holes.stand_in("page-seconds")

# Least recently used first; bounded by the characters held (pages and their keys), not by a count: a page
# is ~50 k characters and its key about as much (the cards are in it).
_KEPT: OrderedDict[tuple[Hashable, ...], tuple[str, int]] = OrderedDict()
_HELD = [0]
MAX_CHARS = 24_000_000  # per process
MAX_PATH = 512  # a longer path (and query) is drawn each time: it is in every ☆ form's `next`


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
    path = request.get_full_path()
    if len(path) > MAX_PATH:
        return None
    # The unread counts come from the same processor base.html's header uses (messaging is above core:
    # the processor is found through the template settings, not imported).
    counts = _unread(request)
    return (
        get_language(),
        path,
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


_PLAIN = (str, int, float, bool, type(None))


def page_key(context: dict[str, Any], extra: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
    """The view's part of a page's key: every plain value of its context (strings, numbers, booleans, None,
    by name) and `extra`, which must stand for every other value the template reads (a Page object by its
    number and range, a list of cards by their joined markup). A plain value added to the context later is
    in the key without anyone remembering to add it."""
    plain = tuple(sorted((name, value) for name, value in context.items() if isinstance(value, _PLAIN)))
    return (*plain, *extra)


def render_page(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, key: tuple[Hashable, ...]
) -> HttpResponse:
    """`render(request, template_name, context)`, kept by `page_key(context, key)` and the request's
    `shell_state`."""
    state = shell_state(request) if settings.HATARAKU_KEEP_PAGES else None
    if state is None:
        return render(request, template_name, context)
    # The view may already have put the request's token in its values (the ☆ toggles' forms): there it is
    # the hole too. It is 64 random characters, so nothing else matches it.
    token = escape(request_token(request))
    slot = (template_name, tuple(_holed(value, token) for value in page_key(context, key)), state)
    try:
        kept = _KEPT.get(slot)
    except TypeError:  # a key value that cannot be hashed: draw it, keep nothing
        return render(request, template_name, context)
    if kept is None:
        # The view's values come after the context processors' and replace them: the holes get stand-ins.
        values = {name: _holed(value, token) for name, value in context.items()}
        values.update(csrf_token=_TOKEN, session_timeout_seconds=_SECONDS)
        html: str = render_to_string(template_name, values, request)
        _keep(slot, html)
    else:
        with suppress(KeyError):  # another thread let it go just now
            _KEPT.move_to_end(slot)
        html = kept[0]
    seconds = str(int(sessions.seconds_left(request.session)))  # type: ignore[attr-defined]
    return HttpResponse(holes.fill(html, {"page-csrf": token, "page-seconds": seconds}))


def _keep(slot: tuple[Hashable, ...], html: str) -> None:
    size = len(html) + _chars(slot)
    while _KEPT and _HELD[0] + size > MAX_CHARS:
        try:
            _, (_, freed) = _KEPT.popitem(last=False)
        except KeyError:  # emptied by another thread
            break
        _HELD[0] -= freed
    _KEPT[slot] = (html, size)
    _HELD[0] += size


def _holed(value: Any, token: str) -> Any:
    """`value` with the request's token replaced by its stand-in (markup stays markup), also inside the key's
    (name, value) pairs."""
    if isinstance(value, tuple):
        return tuple(_holed(v, token) for v in value)
    if isinstance(value, str) and token in value:
        holed = value.replace(token, _TOKEN)
        return SafeString(holed) if isinstance(value, SafeString) else holed
    return value


def _chars(value: object) -> int:
    """About how many characters a key holds (its strings; everything else counts as a few)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_chars(v) for v in value)
    return 8


def forget_all() -> None:
    """Drop every kept page (tests that change templates or translations)."""
    _KEPT.clear()
    _HELD[0] = 0

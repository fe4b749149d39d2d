"""The notification interface: any app tells a person about something without importing `messaging`.

An app declares the texts it sends once, in its `notices.py`, with gettext_lazy and named placeholders:

    OFFER_RECEIVED = notices.define(
        "contracts.offer_received",
        title=_("「%(job)s」の契約の申し出が届きました"),
        body=_("%(client)sさんから契約の申し出が届きました。条件を確かめてください。"),
    )

and a service says

    notices.notify(user=worker, code=OFFER_RECEIVED, params={"job": job.title, "client": name}, url=...)

What is stored is the code and the parameters (plain JSON values), never the Japanese sentence, so the
notice is rendered in the reader's language when it is shown or mailed (`render`). Parameters are stored
plain and shaped when rendered: a date as ISO text ("2026-11-30", `date_param`) is shown with DATE_FORMAT,
a parameter named in `define(..., durations=...)` (minutes) as 「5時間15分」 / "5 h 15 min", an amount
("12,000") as it is, and any other text — a job title, a name, a message — is a person's words, marked
`lang="ja"` on an English page (core/words.py). Never store a sentence or a date already in words. `messaging` implements
the delivery (the in-app row, quiet hours, the digest, the e-mail) and registers it at start-up
(`MessagingConfig.ready` → `set_sender`); core knows nothing of it. Call `notify` inside the service's
transaction: the row commits with the change, and the e-mail is enqueued on commit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.formats import date_format
from django.utils.functional import Promise

from .discovery import import_app_modules
from .durations import duration_text
from .words import compose, theirs

Param = str | int


@dataclass(frozen=True)
class NoticeText:
    code: str
    title: str | Promise
    body: str | Promise = ""
    durations: tuple[str, ...] = ()


class Sender(Protocol):
    def __call__(
        self, *, user: Any, code: str, params: Mapping[str, Param], url: str, email: bool
    ) -> object: ...


_TEXTS: dict[str, NoticeText] = {}
_SENDER: list[Sender] = []


def define(
    code: str, *, title: str | Promise, body: str | Promise = "", durations: tuple[str, ...] = ()
) -> str:
    """Register the texts of notice `code` (`"<app>.<what>"`) and return the code. A code is defined once.
    `durations` names the parameters that hold minutes."""
    if code in _TEXTS and (_TEXTS[code].title, _TEXTS[code].body) != (title, body):
        raise ValueError(f"notice {code!r} is defined twice with different texts")
    _TEXTS[code] = NoticeText(code=code, title=title, body=body, durations=durations)
    return code


def date_param(day: dt.date) -> str:
    """How a date is stored in a notice's parameters: ISO text, shown in the reader's language."""
    return day.isoformat()


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Amounts ("12,000"), counts and other figures are nobody's words.
_FIGURE = re.compile(r"[\d,.\s¥%+\-−]*")


def _shown(key: str, value: Any, durations: tuple[str, ...]) -> Any:
    if key in durations and isinstance(value, int | float):
        return duration_text(value)
    if not isinstance(value, str):
        return value
    if _ISO_DATE.fullmatch(value):
        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if _FIGURE.fullmatch(value):
        return value
    return theirs(value)


def texts() -> dict[str, NoticeText]:
    return dict(_TEXTS)


def _format(template: str | Promise, params: Mapping[str, Any], durations: tuple[str, ...] = ()) -> str:
    text = str(template)
    if not params:
        return text.replace("%%", "%")
    try:
        return compose(text, {key: _shown(key, value, durations) for key, value in params.items()})
    except (KeyError, TypeError, ValueError):
        # A notice stored by an older version whose placeholders have since changed still shows its
        # words, never an error page.
        return text


def render(code: str, params: Mapping[str, Any] | None) -> tuple[str, str]:
    """(title, body) of a stored notice in the active language; ("", "") for a code nobody defines.
    Each is a `Phrase` (core/words.py): plain text for e-mail and exports, and in a template the
    people's words inside it carry `lang="ja"` on an English page."""
    text = _TEXTS.get(code)
    if text is None:
        return "", ""
    return (
        _format(text.title, params or {}, text.durations),
        _format(text.body, params or {}, text.durations),
    )


def set_sender(sender: Sender) -> None:
    """Called once at start-up by the app that delivers notices (messaging)."""
    _SENDER[:] = [sender]


def notify(
    *,
    user: Any,
    code: str,
    params: Mapping[str, Param] | None = None,
    url: str = "",
    email: bool = True,
) -> object:
    """Tell `user` about `code`. The sender stores the notice and mails it after commit."""
    if code not in _TEXTS:
        raise LookupError(f"notice {code!r} is not defined; add it to the app's notices.py")
    if not _SENDER:
        raise RuntimeError("no notification sender is registered (is hataraku.messaging installed?)")
    return _SENDER[0](user=user, code=code, params=dict(params or {}), url=url, email=email)


def notice_modules() -> list[str]:
    """Import every installed hataraku app's `notices` module, so every code can be rendered whichever
    app sent it (called from `CoreConfig.ready`)."""
    return import_app_modules("notices")

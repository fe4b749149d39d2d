"""People's words inside our sentences, marked for the language they are written in (WCAG 3.1.2).

Job titles, names, messages and client names are written by people, nearly always in Japanese. On an
English page a screen reader must read them with a Japanese voice, so they are wrapped in
`<span lang="ja">`; on a Japanese page no mark is needed (the page itself is `lang="ja"`).

A sentence that quotes them — 「「%(title)s」の評価が届きました」, a money row's "Milestone 1 "…" for "…"" —
is built with `compose(template, params)` and the person's words with `theirs(value)`. The result is a
`Phrase`: a plain `str` (CSV, PDF, e-mail text and comparisons see only the words) that also knows its HTML
(`__html__`, which Django's autoescape uses), where each of the person's words carries its `lang`. In a
template, `{{ value|ja }}` (core/templatetags/words.py, a builtin) marks a single value.

The mark is decided in the language active when the phrase is built, i.e. the reader's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

# Our users write Japanese; text they wrote is marked as such on pages in another language.
PEOPLE_WRITE_IN = "ja"


class Phrase(str):
    """A plain string that renders in a template as `html` (already escaped, with `lang` marks)."""

    html: str

    def __new__(cls, text: str, html: str) -> Phrase:
        made = super().__new__(cls, text)
        made.html = html
        return made

    def __html__(self) -> SafeString:
        return SafeString(self.html)


def _reader_reads_japanese() -> bool:
    return (get_language() or PEOPLE_WRITE_IN).split("-")[0] == PEOPLE_WRITE_IN


def theirs(value: Any) -> Any:
    """A person's words: marked `lang="ja"` on a page in another language. Empty values and numbers
    are returned as they are."""
    if value is None or value == "" or isinstance(value, int | float):
        return value
    text = str(value)
    if _reader_reads_japanese():
        return Phrase(text, str(escape(text)))
    return Phrase(text, str(format_html('<span lang="{}">{}</span>', PEOPLE_WRITE_IN, text)))


def compose(template: str | Promise, params: Mapping[str, Any]) -> Phrase:
    """`template % params` as plain text, and as HTML where each parameter that is a `Phrase` (from
    `theirs` or another `compose`) keeps its marks and everything else is escaped."""
    text = str(template) % dict(params)
    html_params = {
        key: value if isinstance(value, int | float) else conditional_escape(value)
        for key, value in params.items()
    }
    return Phrase(text, str(escape(str(template))) % html_params)

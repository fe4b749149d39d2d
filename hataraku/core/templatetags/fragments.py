"""`{% cachefragment "name" key1 key2 … %}…{% endcachefragment %}`: keep a rendered piece of a template in
this process, keyed by its name, the active language and the values of `key1 key2 …`.

For costly pieces that every page repeats and that are a pure function of a few small values — the header
menu is one: dozens of links, conditions and translations, the same for everyone with the same roles on the
same page with the same unread counts. Nothing is invalidated: a change in any key value is another key.

The rule that keeps it correct: every value the piece prints or tests must be in the key (or be the same for
every request, like a URL). Never wrap anything that holds a CSRF token, the request's path, a message, or
anything else about one person that is not in the key. A key value that cannot be hashed renders the piece
without keeping it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

_KEPT: dict[tuple[Any, ...], SafeString] = {}
MAX_KEPT = 2048  # pieces × role sets × pages × counts; when full, start again rather than grow


class CacheFragmentNode(template.Node):
    def __init__(self, name: str, keys: list[FilterExpression], nodelist: NodeList):
        self.name = name
        self.keys = keys
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        key = (self.name, get_language(), *(k.resolve(context) for k in self.keys))
        try:
            html = _KEPT.get(key)
        except TypeError:  # a key value that cannot be hashed: render, keep nothing
            return self.nodelist.render(context)
        if html is None:
            html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own output
            if len(_KEPT) >= MAX_KEPT:
                _KEPT.clear()
            _KEPT[key] = html
        return html


@register.tag
def cachefragment(parser: Parser, token: Token) -> CacheFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a quoted name first, then its key values")
    nodelist = parser.parse(("endcachefragment",))
    parser.delete_first_token()
    return CacheFragmentNode(bits[1][1:-1], [parser.compile_filter(b) for b in bits[2:]], nodelist)


def forget_all() -> None:
    """Drop every kept piece (tests that change templates or translations)."""
    _KEPT.clear()

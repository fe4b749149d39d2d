"""`{% cachefragment "name" key1 key2 … %}…{% endcachefragment %}`: keep a rendered piece of a template in
this process, keyed by its name, the active language and the values of `key1 key2 …`.

For costly pieces that every page repeats and that are a pure function of a few small values — the header
menu is one: dozens of links, conditions and translations, the same for everyone with the same roles on the
same page with the same unread counts. Nothing is invalidated: a change in any key value is another key.

The rule that keeps it correct: every value the piece prints or tests must be in the key (or be the same for
every request, like a URL). Never wrap anything that holds a CSRF token, the request's path, a message, or
anything else about one person that is not in the key — except as a *hole*. A key value that cannot be
hashed renders the piece without keeping it.

Holes: `{% cachefragment "name" key1 … holes csrf_token here %}` keeps the piece with a stand-in for each
named variable (a plain context name) and puts the request's own value, escaped as `{{ }}` would, in its
place on every render. That is how the page header, which holds two forms, is drawn once per language,
role set and unread counts and still carries each request's CSRF token and path (issue 9: the header was a
seventh of the job list's cost). A hole variable may only be printed (`{{ here }}`, `{% csrf_token %}`),
never tested or filtered: the stand-in is what the template sees.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from hataraku.core import holes as holes_

register = template.Library()

_KEPT: dict[tuple[Any, ...], SafeString] = {}
MAX_KEPT = 2048  # pieces × role sets × pages × counts; when full, start again rather than grow


class CacheFragmentNode(template.Node):
    # A template that extends another walks the parent's whole node tree for its {% block %}s on every
    # render (ExtendsNode.render); a kept piece holds no block (the tag refuses one), so the walk skips it.
    child_nodelists = ()

    def __init__(
        self, name: str, keys: list[FilterExpression], nodelist: NodeList, holes: tuple[str, ...] = ()
    ):
        self.name = name
        self.keys = keys
        self.nodelist = nodelist
        self.holes = holes
        # Each hole's stand-in (core/holes.py), named after this node so nested pieces never mix theirs.
        self.names = [f"f{id(self)}-{i}" for i in range(len(holes))]
        self.stand_ins = {hole: holes_.stand_in(name) for hole, name in zip(holes, self.names, strict=True)}

    def render(self, context: Context) -> str:
        key = (self.name, get_language(), *(k.resolve(context) for k in self.keys))
        values = [context.get(hole) for hole in self.holes]
        if None in values:  # a hole with nothing to fill (a page drawn without a request): draw it as it is
            return self.nodelist.render(context)
        try:
            html = _KEPT.get(key)
        except TypeError:  # a key value that cannot be hashed: render, keep nothing
            return self.nodelist.render(context)
        if html is None:
            with context.push(self.stand_ins):
                html = mark_safe(self.nodelist.render(context))  # noqa: S308 - the template's own output
            if len(_KEPT) >= MAX_KEPT:
                _KEPT.clear()
            _KEPT[key] = html
        filled = {
            name: str(conditional_escape(value))  # type: ignore[arg-type]  # None went above
            for name, value in zip(self.names, values, strict=True)
        }
        return mark_safe(holes_.fill(html, filled))  # noqa: S308 - kept output, each hole's value escaped


@register.tag
def cachefragment(parser: Parser, token: Token) -> CacheFragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError(f"{bits[0]} needs a quoted name first, then its key values")
    keys, holes = bits[2:], []
    if "holes" in keys:
        at = keys.index("holes")
        keys, holes = keys[:at], keys[at + 1 :]
        if not holes or not all(h.isidentifier() for h in holes):
            raise template.TemplateSyntaxError(f"{bits[0]}: `holes` needs plain variable names after it")
    nodelist = parser.parse(("endcachefragment",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError(f"{bits[0]}: a kept piece cannot hold a {{% block %}}")
    return CacheFragmentNode(bits[1][1:-1], [parser.compile_filter(b) for b in keys], nodelist, tuple(holes))


def forget_all() -> None:
    """Drop every kept piece (tests that change templates or translations)."""
    _KEPT.clear()

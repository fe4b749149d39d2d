"""Markdown → safe HTML for job descriptions. Clients write Markdown; workers read HTML that can carry no
script, no event handler and no style (the CSP would block them anyway, but we do not rely on that).

The parser is markdown-it-py because its time grows linearly with the input, hostile input included: with
python-markdown, `"[" * 8000 + "a" + "]" * 8000` (16 KB) took about 30 s and 100 KB over ten minutes, so a
few such job pages could stall every worker process (issue 7; figures in `bench/results/markdown.json`).
The length caps in `hataraku.core.limits` bound the input as well; this keeps the cost of what was stored
before the caps small too."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "a", "h2", "h3", "h4",
    "blockquote", "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}

# CommonMark plus GFM tables. Raw HTML is off: a `<script>` someone types is shown as the text they typed,
# never parsed as markup (nh3 below still sanitises everything, as a second fence). markdown-it also refuses
# `javascript:`, `vbscript:` and most `data:` link targets itself. Nesting is capped (maxNesting) so deeply
# nested quotes or lists stop growing the output.
_PARSER = MarkdownIt("commonmark", {"html": False, "maxNesting": 20}).enable("table")


def _adjust(tokens: list[Token]) -> None:
    in_head = False
    for token in tokens:
        # h1 is the page's own title, so headings in the description start at h2 (one <h1> per page).
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "th_open" and in_head:
            # Column headers say so, for screen readers.
            token.attrSet("scope", "col")


def render_markdown(text: str) -> str:
    env: dict[str, object] = {}
    tokens = _PARSER.parse(text or "", env)
    _adjust(tokens)
    html = _PARSER.renderer.render(tokens, _PARSER.options, env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )

"""Markdown → safe HTML for job descriptions. Clients write Markdown; workers read HTML that can carry no
script, no event handler and no style (the CSP would block them anyway, but we do not rely on that).

The parser is markdown-it-py because its time grows linearly with the input, hostile input included: with
python-markdown, `"[" * 8000 + "a" + "]" * 8000` (16 KB) took about 30 s and 100 KB over ten minutes, so a
few such job pages could stall every worker process (issue 7; figures in `bench/results/markdown.json`).
The length caps in `hataraku.core.limits` bound the input as well; this keeps the cost of what was stored
before the caps small too.

Linear is not enough on its own: a GFM table pads every row to its header's column count, so 10,000
characters of `|a|a…` / `|-|-…` / `|` lines made 65,000 cells (the parser's own ceiling), 680 KB of HTML and
2.5 s per view. So tables are bounded here (columns, rows, cells over the whole description: a larger table
is shown as the text that was typed), `description_error` refuses on save what would exceed those bounds or
`MAX_HTML`, and the job services store the HTML once on save (`Job.description_html`): a view never renders.
"""

from __future__ import annotations

from typing import Any

import nh3
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import getLine as table_line
from markdown_it.rules_block.table import table as gfm_table
from markdown_it.token import Token

# Bounds no real job description meets: a wider or longer table belongs in an attached file.
MAX_TABLE_COLUMNS = 20
MAX_TABLE_ROWS = 200
MAX_TABLE_CELLS = 4_000  # body cells of all the tables of one description together
# The rendered HTML of a description: a 10,000-character description that is all table comes to about 50,000.
MAX_HTML = 100_000
_CELLS_LEFT = "hataraku_table_cells_left"
_OVERSIZED = "hataraku_table_oversized"

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


def _table_goes_on(state: StateBlock, line: int, end_line: int) -> bool:
    """Would markdown-it's table rule have taken `line` as one more row? (Its own loop's tests.)"""
    if line >= end_line or state.isEmpty(line) or state.sCount[line] < state.blkIndent:
        return False
    if state.is_code_block(line):
        return False
    return not any(rule(state, line, end_line, True) for rule in state.md.block.ruler.getRules("blockquote"))


def _bounded_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's table rule within MAX_TABLE_COLUMNS, MAX_TABLE_ROWS and MAX_TABLE_CELLS. A table past
    them is marked in `env` (for `description_error`) and shown as text, or cut after the rows allowed."""
    if not gfm_table(state, start_line, end_line, True):
        return False
    columns = sum(1 for cell in table_line(state, start_line + 1).split("|") if cell.strip())
    cells_left = int(state.env.get(_CELLS_LEFT, MAX_TABLE_CELLS))
    rows_allowed = min(MAX_TABLE_ROWS, cells_left // max(columns, 1))
    if columns > MAX_TABLE_COLUMNS or rows_allowed < 0:
        state.env[_OVERSIZED] = True
        return False
    if silent:
        return True
    stop = min(end_line, start_line + 2 + rows_allowed)
    if not gfm_table(state, start_line, stop, False):
        return False
    state.env[_CELLS_LEFT] = cells_left - columns * (state.line - start_line - 2)
    if state.line == stop and _table_goes_on(state, stop, end_line):
        state.env[_OVERSIZED] = True
    return True


_PARSER.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})


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
    return _render(text, {})


def description_error(text: str) -> str | None:
    """Why this description may not be saved as it is, or None: a table past the bounds, or HTML past
    MAX_HTML (a link reference used thousands of times grows it too). Checked by the job services."""
    env: dict[str, Any] = {}
    html = _render(text, env)
    if env.get(_OVERSIZED):
        return _(
            "表が大きすぎます。表は1つにつき%(columns)d列・%(rows)d行まで、仕事の内容全体で"
            "%(cells)s個のマスまでにしてください。大きな表は、ファイルにしてお渡しください。"
        ) % {"columns": MAX_TABLE_COLUMNS, "rows": MAX_TABLE_ROWS, "cells": f"{MAX_TABLE_CELLS:,}"}
    if len(html) > MAX_HTML:
        return _(
            "仕事の内容を表示用に変換すると長くなりすぎます(変換後%(limit)s文字まで、今は%(count)s文字)。"
            "同じリンクのくり返しや大きな表を減らしてください。"
        ) % {"limit": f"{MAX_HTML:,}", "count": f"{len(html):,}"}
    return None


def _render(text: str, env: dict[str, Any]) -> str:
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

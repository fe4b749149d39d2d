"""Job descriptions: Markdown rendered by a linear-time parser, then sanitised (issue 7). Speed is measured
in bench/markdown.py; these tests assert what comes out."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from markdown_it import MarkdownIt

from hataraku.core import limits
from hataraku.jobs import rendering
from hataraku.jobs.models import Job
from hataraku.jobs.rendering import render_markdown

from .factories import ClientFactory, JobFactory, UserFactory
from .test_views import job_post


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of a rendered fragment."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def names(self) -> list[str]:
        return [tag for tag, _attrs in self.tags]


def bracket_bomb(length: int) -> str:
    half = (length - 1) // 2
    return "[" * half + "a" + "]" * half


def test_the_parser_is_markdown_it():
    # python-markdown took about 30 s on a 16 KB bracket bomb; markdown-it-py is linear on it
    assert isinstance(rendering._PARSER, MarkdownIt)


def test_the_largest_bracket_bomb_a_description_may_hold_renders_as_plain_text():
    # given the bracket bomb, as long as a description may be
    bomb = bracket_bomb(limits.JOB_DESCRIPTION)
    # when it is rendered
    parsed = _Tags(render_markdown(bomb))
    # then it is one paragraph of the same text: no link, nothing lost
    assert parsed.names() == ["p"]
    assert "".join(parsed.text).strip() == bomb


@pytest.mark.django_db
def test_the_16_kb_bomb_from_the_review_is_refused_by_the_form_with_the_limit(client):
    # given a client writing a job
    client.force_login(ClientFactory())
    bomb = "[" * 8000 + "a" + "]" * 8000
    # when the description is the 16 KB bomb
    response = client.post(reverse("jobs:create"), job_post(description_md=bomb))
    # then the form comes back with the limit and the count, keeps the other fields, and saves nothing
    body = response.content.decode()
    assert response.status_code == 200
    assert "10,000文字以内で入力してください(いま16,001文字)。" in body
    assert 'maxlength="10000"' in body
    assert "SNS投稿文の作成" in body
    assert Job.objects.count() == 0


def test_headings_lists_tables_links_and_emphasis_still_render():
    html = render_markdown(
        "# 見出し\n\n## 作業の流れ\n\n### 細目\n\n"
        "- 入力\n- 確認\n\n1. 受け取る\n2. 返す\n\n"
        "| 項目 | 件数 |\n| --- | ---: |\n| 請求書 | 120 |\n\n"
        '**太字** と *強調* と `コード`。詳しくは [見本](https://example.com/sample "見本") を。\n\n'
        "> 引用\n\n---\n"
    )
    parsed = _Tags(html)
    names = parsed.names()
    # h1 belongs to the page, so the description's headings start at h2
    assert "h1" not in names and names.count("h2") == 2 and "h3" in names
    assert {"ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "strong", "em", "code"} <= set(names)
    assert {"blockquote", "hr"} <= set(names)
    assert [attrs for tag, attrs in parsed.tags if tag == "th"] == [{"scope": "col"}, {"scope": "col"}]
    links = [attrs for tag, attrs in parsed.tags if tag == "a"]
    assert links == [
        {"href": "https://example.com/sample", "title": "見本", "rel": "noopener noreferrer nofollow"}
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)" style="color:red">x</a>',
        "[押す](javascript:alert(1))",
        "[押す](JaVaScRiPt:alert(1))",
        "[押す](data:text/html;base64,PHNjcmlwdD4=)",
        "[押す](vbscript:msgbox(1))",
        "![画像](https://example.com/x.png)",
        '<iframe src="https://example.com"></iframe>',
    ],
)
def test_script_event_handlers_styles_and_dangerous_links_never_reach_the_page(hostile):
    # when someone writes markup or a dangerous link into a description
    parsed = _Tags(render_markdown(f"説明 {hostile} 続き"))
    # then only harmless tags come out: no script, frame or image, no on* or style attribute,
    # and every link that remains is http(s) or mailto
    assert set(parsed.names()) <= rendering.ALLOWED_TAGS
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") or name == "style" for name in attrs), (tag, attrs)
        if tag == "a":
            assert (attrs.get("href") or "").startswith(("https:", "http:", "mailto:"))
    assert "説明" in "".join(parsed.text) and "続き" in "".join(parsed.text)


@pytest.mark.django_db
def test_the_job_page_shows_typed_markup_as_the_text_that_was_typed(client):
    # given a published job whose description has a script tag typed into it
    job = JobFactory(description_md="**新商品** の紹介 <script>alert(1)</script>")
    # when a worker opens it
    client.force_login(UserFactory())
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # then the Markdown is rendered and the tag is shown as text, never run
    assert "<strong>新商品</strong>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page

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


# --- tables and rendered size (issue 7 review: a table at the length cap took 2.5 s and 685 KB per view) ---

REVIEW_TABLE = ("|a" * 1000 + "\n" + "|-" * 1000 + "\n" + "|\n" * 3999)[:10000]
TABLE_LIMIT_MESSAGE = "表は1つにつき20列・200行まで、仕事の内容全体で4,000個のマスまでにしてください。"


def table(columns: int, rows: int) -> str:
    return (
        "|" + "|".join(f"列{c}" for c in range(columns)) + "|\n"
        + "|" + "-|" * columns + "\n"
        + ("|" + "済|" * columns + "\n") * rows
    )  # fmt: skip


@pytest.mark.django_db
def test_the_reviewers_table_is_refused_by_the_form_with_the_limits(client):
    # given a client writing a job
    client.force_login(ClientFactory())
    # when the description is the reviewer's 1,000-column table, within the 10,000-character cap
    response = client.post(reverse("jobs:create"), job_post(description_md=REVIEW_TABLE))
    # then the form comes back saying the table limits, keeps what was typed, and saves nothing
    body = response.content.decode()
    assert response.status_code == 200
    assert TABLE_LIMIT_MESSAGE in body
    assert "SNS投稿文の作成" in body
    assert Job.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("description", "message"),
    [
        (table(21, 2), TABLE_LIMIT_MESSAGE),
        (table(5, 201), TABLE_LIMIT_MESSAGE),
        (table(20, 150) + "\n" + table(20, 60), TABLE_LIMIT_MESSAGE),
        # one long link target used three thousand times: 10,000 characters that render to 3.5 MB
        (("[a]: https://example.com/" + "x" * 3000 + "\n\n" + "[a]" * 3000)[:10000], "変換後100,000文字まで"),
    ],
    ids=["21 columns", "201 rows", "4,200 cells in two tables", "one link reference repeated"],
)
def test_the_services_refuse_descriptions_that_render_too_large(description, message):
    # given a client and a description past the bounds (the API and other callers reach the service too)
    from hataraku.core.errors import DomainError
    from hataraku.jobs import services

    from .test_services import job_input

    # when it is saved through the service
    with pytest.raises(DomainError) as refused:
        services.job_create(client=ClientFactory(), data=job_input(description_md=description))
    # then it is refused on the description, with the limit in the message
    assert refused.value.field == "description_md"
    assert message in str(refused.value)
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_the_largest_table_allowed_is_saved_and_shown_whole():
    from hataraku.jobs import services

    from .test_services import job_input

    # given a 20-column, 200-row table: the most a description may hold
    description = table(20, 200)
    # when it is saved
    job = services.job_create(client=ClientFactory(), data=job_input(description_md=description))
    # then every cell is in the stored HTML
    parsed = _Tags(job.description_html)
    assert parsed.names().count("tr") == 201
    assert parsed.names().count("td") == 4_000


def test_a_table_stored_before_the_bounds_renders_small():
    # when the reviewer's table (already stored before this fix) is rendered
    html = render_markdown(REVIEW_TABLE)
    # then it is shown as the text that was typed, not as 65,000 empty cells
    assert "<table>" not in html
    assert len(html) < 2 * len(REVIEW_TABLE)


@pytest.mark.django_db
def test_the_job_page_shows_the_html_stored_on_save_and_renders_nothing(client, monkeypatch):
    from hataraku.jobs import services

    from .test_services import job_input

    # given a job written and then edited through the services
    owner = ClientFactory()
    job = services.job_create(client=owner, data=job_input(description_md="**最初** の説明"))
    job = services.job_update(job=job, actor=owner, data=job_input(description_md="**直した** 説明"))
    services.job_transition(job=job, actor=owner, to="published")

    # when a worker opens the page, with the Markdown parser out of order
    def no_parsing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the job page must not render Markdown")

    monkeypatch.setattr(rendering._PARSER, "parse", no_parsing)
    client.force_login(UserFactory())
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # then the edited description is there, from the stored HTML
    assert "<strong>直した</strong> 説明" in page
    assert "最初" not in page


@pytest.mark.django_db
def test_the_migration_renders_the_jobs_already_stored():
    import importlib

    from django.apps import apps

    # given a job stored before descriptions were rendered on save
    job = JobFactory(description_md="## 内容\n**入力** の仕事", description_html="")
    # when the data migration runs
    migration = importlib.import_module("hataraku.jobs.migrations.0003_job_description_html")
    migration.render_existing(apps, None)
    # then the job has its HTML
    job.refresh_from_db()
    assert job.description_html == render_markdown("## 内容\n**入力** の仕事")
    assert "<h2>内容</h2>" in job.description_html

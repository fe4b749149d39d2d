"""Kept pieces of templates, with holes for each request's own values (core/templatetags/fragments.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateSyntaxError

from hataraku.core.templatetags import fragments

HEADER = Template(
    "{% load fragments %}{% cachefragment 'test-header' role holes csrf_token here %}"
    "<p>{{ role }} {{ greeting }}</p>"
    '<form>{% csrf_token %}<input name="next" value="{{ here }}"></form>'
    "{% endcachefragment %}"
)


@pytest.fixture(autouse=True)
def _forget() -> None:
    fragments.forget_all()


def render(**values: object) -> str:
    return HEADER.render(Context(values))


def test_a_kept_piece_carries_each_requests_own_token_and_path():
    # given the piece drawn once for a role
    first = render(role="worker", greeting="こんにちは", csrf_token="tokenA", here="/jobs/")
    # when another request with the same role draws it with its own token and path
    second = render(role="worker", greeting="変わった", csrf_token="tokenB", here="/jobs/?q=翻訳")
    # then each carries its own holes' values, and the rest is the kept markup (the greeting is not in the key)
    assert 'value="tokenA"' in first and 'value="/jobs/"' in first
    assert 'value="tokenB"' in second and 'value="/jobs/?q=翻訳"' in second
    assert "こんにちは" in second and "変わった" not in second


def test_a_change_in_a_key_value_draws_the_piece_again():
    # given the piece kept for one role
    render(role="worker", greeting="一", csrf_token="t", here="/")
    # when the key value changes
    other = render(role="client", greeting="二", csrf_token="t", here="/")
    # then it is drawn anew
    assert "client 二" in other


def test_a_holes_value_is_escaped_as_a_variable_would_be():
    # given a path holding markup
    page = render(role="worker", greeting="", csrf_token="t", here='/jobs/?q="><script>alert(1)</script>')
    # then it is escaped in the kept piece just as {{ here }} escapes it
    assert "<script>" not in page
    assert "&quot;&gt;&lt;script&gt;" in page


def test_a_piece_without_a_value_for_a_hole_is_drawn_as_it_is():
    # given no CSRF token in the context (a page drawn without a request)
    page = render(role="worker", greeting="やあ", here="/")
    # then the template's own rule applies ({% csrf_token %} draws nothing) and nothing is kept
    assert "csrfmiddlewaretoken" not in page and "やあ" in page
    assert not fragments._KEPT


def test_a_kept_piece_cannot_hold_a_block():
    # given a template that puts a {% block %} inside a kept piece
    source = "{% load fragments %}{% cachefragment 'x' %}{% block body %}{% endblock %}{% endcachefragment %}"
    # then it is refused when the template is read (a block inside would be frozen for every child page)
    with pytest.raises(TemplateSyntaxError, match="block"):
        Template(source)


def test_holes_must_be_plain_names():
    with pytest.raises(TemplateSyntaxError, match="holes"):
        Template("{% load fragments %}{% cachefragment 'x' holes request.path %}{% endcachefragment %}")

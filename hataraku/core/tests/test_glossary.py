"""Words of the trade are explained where a newcomer first meets them (issue 10, item 9): a closed
「…とは」 disclosure with a definition list, in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.glossary import TERMS
from hataraku.jobs.tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db


def render(source: str) -> str:
    return Template("{% load glossary %}" + source).render(Context({}))


def test_explain_renders_a_disclosure_with_each_term_defined() -> None:
    # when a page explains two terms
    html = render('{% explain "acceptance" "escrow" %}')
    # then one closed disclosure names both and defines each with <dfn>
    assert html.count("<details") == 1 and " open" not in html
    assert "「検収」「仮払い」とは" in html
    assert "<dt><dfn>検収</dfn></dt>" in html and "<dt><dfn>仮払い</dfn></dt>" in html
    assert str(TERMS["acceptance"].explanation) in html


def test_explain_speaks_english_to_an_english_reader() -> None:
    with translation.override("en"):
        html = render('{% explain "acceptance" %}')
    assert "<dfn>acceptance</dfn>" in html.lower()
    assert "検収" not in html


def test_an_unknown_term_is_a_mistake_said_at_once() -> None:
    with pytest.raises(KeyError):
        render('{% explain "no-such-term" %}')


def test_the_job_page_and_the_proposal_form_explain_their_words(client: Any) -> None:
    # given a worker looking at a fixed-price job
    job = JobFactory()
    login_as(client, UserFactory())
    # when she opens the job and then its proposal form
    job_page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    form_page = client.get(reverse("jobs:propose", args=[job.pk])).content.decode()
    # then the job explains 仮払い and 検収, and the form マイルストーン and 源泉徴収
    assert "「仮払い」「検収」とは" in job_page
    assert "「マイルストーン」「源泉徴収」とは" in form_page

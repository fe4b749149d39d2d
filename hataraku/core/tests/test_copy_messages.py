"""Django's, django.contrib.auth's and allauth's own messages speak in the product's voice (docs/COPY.md):
locale/ja/LC_MESSAGES/django.po replaces their mechanical Japanese, and money fields (`YenField`) state
their limit the way money is written (¥100,000,000). English keeps Django's own wording."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from hataraku.accounts.tests.mfa import login_as
from hataraku.core.forms import YenField
from hataraku.jobs.forms import JobForm
from hataraku.jobs.models import Proposal
from hataraku.jobs.tests.factories import ClientFactory, JobFactory, UserFactory

pytestmark = pytest.mark.django_db

MECHANICAL = (
    "このフィールドは必須です",
    "でなければなりません",
    "最低 10 文字以上必要です",
    "正しく選択してください",
)


def assert_plain(html: str) -> None:
    for phrase in MECHANICAL:
        assert phrase not in html


def test_an_empty_job_form_asks_kindly_for_each_required_field(client: Any) -> None:
    # given a client on the new-job page
    login_as(client, ClientFactory())
    # when she sends it empty
    response = client.post(reverse("jobs:create"), {"title": ""})
    html = response.content.decode()
    # then each required field asks to be filled in, in the product's words, in the summary and the field
    assert response.status_code == 200
    assert "タイトル: この項目を入力してください。" in html
    assert_plain(html)


def test_the_job_form_says_a_budget_limit_in_yen_with_commas() -> None:
    # given a budget of ten times the largest amount
    form = JobForm(data={"budget_max": "1000000000"})
    # when it is checked
    form.is_valid()
    # then the message names the limit as money, not as a bare number
    assert form.errors["budget_max"] == ["¥100,000,000以下の金額を入力してください。"]


def test_a_huge_proposal_amount_is_refused_in_plain_words(client: Any) -> None:
    # given a worker on a job's proposal form
    job = JobFactory()
    login_as(client, UserFactory())
    # when she types ¥1,000,000,000 (a slip of the finger) and sends it
    response = client.post(
        reverse("jobs:propose", args=[job.pk]),
        {"amount": "1000000000", "delivery_date": "", "message": ""},
    )
    html = response.content.decode()
    # then the form comes back with the limit in yen, kind required messages, and nothing is sent
    assert response.status_code == 200
    assert "¥100,000,000以下の金額を入力してください。" in html
    assert "この項目を入力してください。" in html
    assert_plain(html)
    assert not Proposal.objects.exists()


def test_an_amount_with_a_yen_sign_or_commas_says_how_to_type_it() -> None:
    field = YenField(label="金額")
    with pytest.raises(ValidationError) as refused:
        field.clean("12,000円")
    assert refused.value.messages == [
        "金額は数字だけで入力してください(カンマや「円」は付けずに。例: 12000)。"
    ]


def test_signup_with_a_short_numeric_password_says_what_to_do(client: Any) -> None:
    # given a newcomer on the sign-up page
    # when she picks a short password of digits only, typed differently the second time
    response = client.post(
        reverse("account_signup"),
        {
            "email": "hanako@example.jp",
            "display_name": "山田 花子",
            "password1": "12345",
            "password2": "12345",
            "want_work": "on",
        },
    )
    html = response.content.decode()
    # then she is told, in plain words, what a good password needs
    assert response.status_code == 200
    assert "パスワードが短すぎます。10文字以上にしてください。" in html
    assert "数字だけのパスワードは使えません。文字も混ぜてください。" in html
    assert_plain(html)


def test_english_keeps_djangos_own_wording() -> None:
    # given the English interface
    with translation.override("en"):
        form = JobForm(data={"budget_max": "1000000000"})
        form.is_valid()
        # then a required field and a money limit read as plain English
        assert form.errors["title"] == ["This field is required."]
        assert form.errors["budget_max"] == ["Enter an amount of ¥100,000,000 or less."]

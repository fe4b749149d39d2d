"""Issue 7 item 11: the home page claims only what exists today."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.contracts.constants import AccommodationKind
from hataraku.jobs.constants import PayType
from hataraku.jobs.forms import JobFilterForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_two_promises_that_are_not_true_yet_are_gone(home):
    # given the home page a visitor sees first
    # then it promises neither task and competition formats nor a list cut to the person's own conditions
    assert "コンペ" not in home and "タスク" not in home
    assert "その条件でできる仕事だけ" not in home


def test_the_filters_the_home_page_names_are_the_job_lists_filters(home):
    # given the job list's filter form
    labels = {str(field.label) for field in JobFilterForm(categories=[]).fields.values()}

    # then every filter the home page names is one a worker can really tick
    for named in ("打ち合わせなし", "途中で中断できる", "資料のアクセシビリティに配慮あり", "初心者歓迎"):
        assert f"「{named}」" in home
        assert named in labels
    assert "「やりとりはテキストのみ」" in home
    assert any(label.startswith("やりとりはテキストのみ") for label in labels)


def test_the_ways_of_working_it_names_exist(home):
    # then the pay types and the requests it names are the ones the platform has
    assert "固定報酬(マイルストーンごとの仮払い)か時間単価" in home
    assert {PayType.FIXED, PayType.HOURLY} <= set(PayType.values)
    assert "納期の延長や作業の一時休止" in home
    assert {AccommodationKind.EXTENSION, AccommodationKind.PAUSE} <= set(AccommodationKind.values)

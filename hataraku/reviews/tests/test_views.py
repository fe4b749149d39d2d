"""Review pages: access matrix, the form (fieldsets, errors), and the public list of visible reviews."""

from __future__ import annotations

import datetime as dt

import pytest

from hataraku.accounts.tests.mfa import login_as
from hataraku.messaging.tests.factories import (
    ClientFactory,
    ContractFactory,
    MunicipalFactory,
    StaffFactory,
    WorkerFactory,
    header_queries,
)
from hataraku.reviews.models import Review

from .factories import CompletedContractFactory, ReviewFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "worker_party", "client_party", "other_worker", "other_client", "municipal", "staff")
GOOD = {
    "skill": "5",
    "quality": "4",
    "schedule": "5",
    "communication": "4",
    "partnership": "5",
    "comment": "ありがとうございました",
}


@pytest.fixture
def world(frozen_clock):  # type: ignore[no-untyped-def]
    contract = CompletedContractFactory.create()
    return {
        "contract": contract,
        "roles": {
            "anonymous": None,
            "worker_party": contract.worker,
            "client_party": contract.client,
            "other_worker": WorkerFactory.create(),
            "other_client": ClientFactory.create(),
            "municipal": MunicipalFactory.create(),
            "staff": StaffFactory.create(),
        },
    }


MATRIX = {
    "/reviews/contracts/{contract}/": (302, 200, 200, 404, 404, 404, 404),
    "/reviews/users/{worker}/": (302, 200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("pattern", list(MATRIX))
def test_access_matrix(client, world, pattern):
    url = pattern.format(contract=world["contract"].pk, worker=world["contract"].worker_id)
    for role, expected in zip(ROLES, MATRIX[pattern], strict=True):
        client.logout()
        if world["roles"][role] is not None:
            login_as(client, world["roles"][role])
        status = client.get(url).status_code
        assert status == expected, f"{role} GET {url}: {status} != {expected}"


def test_a_third_party_posting_a_review_gets_404_and_nothing_is_saved(client, world):
    login_as(client, world["roles"]["other_worker"])
    assert client.post(f"/reviews/contracts/{world['contract'].pk}/", GOOD).status_code == 404
    assert not Review.objects.exists()


def test_missing_user_page_is_404(client, world):
    login_as(client, world["roles"]["other_worker"])
    assert client.get("/reviews/users/999999/").status_code == 404


def test_form_has_five_radio_fieldsets(client, world):
    client.force_login(world["contract"].client)
    html = client.get(f"/reviews/contracts/{world['contract'].pk}/").content.decode()
    assert html.count("<fieldset") == 5
    assert html.count('type="radio"') == 25
    assert "<legend" in html


def test_submit_by_form_and_missing_rating_error(client, world):
    contract = world["contract"]
    client.force_login(contract.worker)
    # when a rating is missing: 400, Japanese error, nothing saved
    response = client.post(f"/reviews/contracts/{contract.pk}/", {**GOOD, "skill": ""})
    assert response.status_code == 400
    assert "1から5のどれかを選んでください。" in response.content.decode()
    assert not Review.objects.exists()
    # when complete: saved
    assert client.post(f"/reviews/contracts/{contract.pk}/", GOOD).status_code == 302
    review = Review.objects.get()
    assert (review.reviewer, review.reviewee, review.skill) == (contract.worker, contract.client, 5)


def test_review_before_completion_by_form(client, frozen_clock):
    contract = ContractFactory.create(status="active")
    client.force_login(contract.client)
    page = client.get(f"/reviews/contracts/{contract.pk}/").content.decode()
    assert "完了してから書けます" in page
    response = client.post(f"/reviews/contracts/{contract.pk}/", GOOD)
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_user_page_shows_only_visible_reviews(client, world, frozen_clock, django_assert_num_queries):
    # given a one-sided review (hidden) of the worker
    contract = world["contract"]
    ReviewFactory.create(contract=contract, reviewer=contract.client, comment="まだ見えない")
    login_as(client, world["roles"]["other_client"])
    url = f"/reviews/users/{contract.worker_id}/"
    # then it does not show yet
    assert "まだ見えない" not in client.get(url).content.decode()
    # when 14 days pass
    frozen_clock.advance(dt.timedelta(days=14))
    # then it shows, with a constant number of queries
    for _ in range(2):
        other = CompletedContractFactory.create(proposal__worker=contract.worker)
        ReviewFactory.create(contract=other, reviewer=other.client)
        ReviewFactory.create(contract=other, reviewer=other.worker)
    # session, user, subject, reviews (with reviewer and contract), session save (3)
    with django_assert_num_queries(7 + header_queries()):
        html = client.get(url).content.decode()
    assert "まだ見えない" in html
    assert "3件" in html


def test_review_page_links_back_to_the_contract_for_both_parties(client, world):
    from django.urls import reverse

    # given a completed contract
    contract = world["contract"]
    back = f'href="{reverse("contracts:detail", args=[contract.pk])}"'
    # when each party opens the review form, then it leads back to the contract page
    for party in (contract.worker, contract.client):
        login_as(client, party)
        assert back in client.get(f"/reviews/contracts/{contract.pk}/").content.decode()

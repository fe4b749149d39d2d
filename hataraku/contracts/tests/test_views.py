"""Views: the access matrix for every URL × role, the terms page and PDF, and the flows through HTTP."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import services
from hataraku.contracts.constants import (
    AccommodationKind,
    ContractStatus,
    MilestoneStatus,
)
from hataraku.contracts.models import AccommodationRequest, Bonus, Delivery, HourlyWeek, MilestoneCancellation
from hataraku.ledger.models import Settlement

from .factories import (
    ClientFactory,
    MunicipalFactory,
    StaffFactory,
    UserFactory,
    active_contract,
    funded_milestone,
    key,
    offered_contract,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "worker", "client", "other_worker", "other_client", "municipal", "staff"]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fixed = active_contract(milestones=2, amount=20_000)
    m = funded_milestone(fixed)
    services.milestone_deliver(
        milestone=m,
        actor=fixed.worker,
        message="前半を納品します",
        files=[SimpleUploadedFile("result.csv", b"a,b\n1,2\n", content_type="text/csv")],
    )
    services.accommodation_request(
        contract=fixed,
        actor=fixed.worker,
        kind=AccommodationKind.PAUSE,
    )
    hourly = active_contract(hourly=True, worker=fixed.worker, client=fixed.client, amount=1_200)
    services.time_entry_add(
        contract=hourly, actor=hourly.worker, work_date=dt.date(2026, 12, 1), minutes=60, memo="入力作業"
    )
    week = HourlyWeek.objects.get(contract=hourly)
    dispute = services.dispute_open(contract=hourly, actor=hourly.client, reason="確認したい", week=week)
    pending = fixed.milestones.get(order=2)
    change = services.change_request_propose(
        contract=fixed,
        actor=fixed.worker,
        changes={"milestones": {str(pending.pk): {"due_date": "2027-01-31"}}},
        reason="資料の到着が遅れたため",
    )
    cancellation = services.cancellation_propose(
        milestone=m,
        actor=fixed.client,
        worker_amount=5_000,
        reason="途中までで終えたい",
        idempotency_key=key(),
    )
    bonus = services.bonus_give(
        contract=fixed, actor=fixed.client, amount=3_000, message="ありがとう", idempotency_key=key()
    )
    people = {
        "worker": fixed.worker,
        "client": fixed.client,
        "other_worker": UserFactory(),
        "other_client": ClientFactory(),
        "municipal": MunicipalFactory(),
        "staff": StaffFactory(),
    }
    return {
        "fixed": fixed,
        "hourly": hourly,
        "milestone": m,
        "pending_milestone": fixed.milestones.get(order=2),
        "file": Delivery.objects.get(milestone=m).files.get(),
        "week": week,
        "dispute": dispute,
        "change": change,
        "cancellation": cancellation,
        "bonus": bonus,
        "people": people,
    }


def _urls(w):
    c, h, m = w["fixed"].pk, w["hourly"].pk, w["milestone"].pk
    parties = {"worker": 200, "client": 200}
    worker_only = {"worker": 200}
    return [
        (reverse("contracts:list"), {"worker": 200, "client": 200, "other_worker": 200, "other_client": 200}),
        (reverse("contracts:detail", args=[c]), parties),
        (reverse("contracts:detail", args=[h]), parties),
        (reverse("contracts:terms", args=[c]), parties),
        (reverse("contracts:terms_pdf", args=[c]), parties),
        (reverse("contracts:change_new", args=[c]), parties),
        (reverse("contracts:milestone", args=[c, m]), parties),
        (reverse("contracts:milestone_deliver", args=[c, w["pending_milestone"].pk]), worker_only),
        (reverse("contracts:delivery_file", args=[c, w["file"].pk]), parties),
        (reverse("contracts:accommodation_new", args=[c]), worker_only),
        (reverse("contracts:time", args=[h]), worker_only),
        (reverse("contracts:time", args=[c]), {}),  # not an hourly contract
        (reverse("contracts:week", args=[h, w["week"].pk]), parties),
        (reverse("contracts:time_correction_new", args=[h, w["week"].pk]), worker_only),
        (reverse("contracts:dispute_new", args=[c]) + f"?milestone={m}", parties),
        (reverse("contracts:cancellation_new", args=[c, m]), parties),
        (reverse("contracts:bonus_new", args=[c]), {"client": 200}),
        (reverse("contracts:milestone_add", args=[c]), {"client": 200}),
        (reverse("contracts:milestone_add", args=[h]), {}),  # not a fixed contract
        (reverse("contracts:staff_disputes"), {"staff": 200}),
        (reverse("contracts:staff_dispute", args=[w["dispute"].pk]), {"staff": 200}),
        (reverse("contracts:staff_accommodations"), {"staff": 200}),
    ]


def _post_urls(w):
    c, h, m = w["fixed"].pk, w["hourly"].pk, w["milestone"].pk
    acc = AccommodationRequest.objects.get(contract=w["fixed"]).pk
    return [
        reverse("contracts:agree", args=[c]),
        reverse("contracts:cancel", args=[c]),
        reverse("contracts:complete", args=[h]),
        reverse("contracts:change_new", args=[c]),
        reverse("contracts:milestone_fund", args=[c, w["pending_milestone"].pk]),
        reverse("contracts:milestone_deliver", args=[c, w["pending_milestone"].pk]),
        reverse("contracts:milestone_accept", args=[c, m]),
        reverse("contracts:milestone_return", args=[c, m]),
        reverse("contracts:accommodation_new", args=[c]),
        reverse("contracts:accommodation_answer", args=[c, acc]),
        reverse("contracts:time", args=[h]),
        reverse("contracts:week_approve", args=[h, w["week"].pk]),
        reverse("contracts:week_submit", args=[h, w["week"].pk]),
        reverse("contracts:week_resubmit", args=[h, w["week"].pk]),
        reverse("contracts:week_request_correction", args=[h, w["week"].pk]),
        reverse("contracts:time_correction_new", args=[h, w["week"].pk]),
        reverse("contracts:dispute_new", args=[c]) + f"?milestone={m}",
        # a real, pending change request: an outsider's "accept" would change the terms if it got through
        reverse("contracts:change_answer", args=[c, w["change"].pk]),
        reverse("contracts:cancellation_new", args=[c, m]),
        reverse("contracts:cancellation_answer", args=[c, w["cancellation"].pk]),
        reverse("contracts:cancellation_withdraw", args=[c, w["cancellation"].pk]),
        reverse("contracts:bonus_new", args=[c]),
        reverse("contracts:bonus_withdraw", args=[c, w["bonus"].pk]),
        reverse("contracts:milestone_add", args=[c]),
    ]


# Everything an outsider's or anonymous POST could touch, compared before and after.
POST_DATA = {
    "terms_version": 1,
    "reason": "caregiving",
    "answer": "accept",
    "accept": "1",
    "message": "x",
    "kind": "extension",
    "work_date": "2026-12-01",
    "minutes": 60,
    "memo": "x",
    "worker_amount": 1,
    "note": "x",
    # the second press of a step that moves money, so an outsider's POST reaches the action itself
    "confirmed": "yes",
    "idempotency_key": "outsider-key",
}


def _snapshot(w):
    from hataraku.contracts.models import (
        ChangeRequest,
        Contract,
        Dispute,
        Milestone,
        TimeCorrection,
        TimeEntry,
    )

    contracts = [w["fixed"].pk, w["hourly"].pk]
    return {
        "contracts": sorted(Contract.objects.filter(pk__in=contracts).values_list("pk", "status")),
        "milestones": sorted(
            Milestone.objects.filter(contract_id__in=contracts).values_list(
                "pk", "status", "due_date", "amount"
            )
        ),
        "accommodations": sorted(AccommodationRequest.objects.values_list("pk", "status")),
        "weeks": sorted(
            HourlyWeek.objects.values_list(
                "pk", "status", "billed_minutes", "submitted_at", "correction_count"
            )
        ),
        "time_entries": TimeEntry.objects.count(),
        "time_corrections": TimeCorrection.objects.count(),
        "changes": sorted(ChangeRequest.objects.values_list("pk", "status")),
        "disputes": sorted(Dispute.objects.values_list("pk", "status")),
        "deliveries": Delivery.objects.count(),
        "settlements": sorted(Settlement.objects.values_list("pk", "worker_gross", "client_amount")),
        "cancellations": sorted(MilestoneCancellation.objects.values_list("pk", "status")),
        "bonuses": sorted(Bonus.objects.values_list("pk", "status")),
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix_get(client, world, role):
    # given a user of `role`
    if role != "anonymous":
        login_as(client, world["people"][role])
    for url, allowed in _urls(world):
        # when they open each URL
        response = client.get(url)
        # then parties see it, everyone else gets 404 (anonymous: log-in redirect)
        if role == "anonymous":
            assert response.status_code == 302, url
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == allowed.get(role, 404), (url, role)


@pytest.mark.parametrize("role", ["other_worker", "other_client", "municipal", "staff"])
def test_outsiders_cannot_post_anything(client, world, role):
    # given someone who is not a party
    login_as(client, world["people"][role])
    before = _snapshot(world)
    # when they post to every action
    for url in _post_urls(world):
        assert client.post(url, POST_DATA).status_code == 404, url
    # then nothing changed: contracts, milestones, accommodations, weeks, change requests, money
    assert _snapshot(world) == before


def test_anonymous_posts_are_sent_to_log_in_and_change_nothing(client, world):
    # given someone who is not logged in
    before = _snapshot(world)
    # when they post to every action
    for url in _post_urls(world):
        response = client.post(url, POST_DATA)
        # then each one sends them to log in
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url
    # and nothing changed
    assert _snapshot(world) == before


def test_terms_pdf_contains_the_required_items(client):
    from pypdf import PdfReader

    # given an offered contract with withholding
    contract = offered_contract(category_slug="writing-proofread", milestones=2, amount=40_000)
    client.force_login(contract.worker)
    # when the worker downloads the PDF
    response = client.get(reverse("contracts:terms_pdf", args=[contract.pk]))
    # then it is a PDF whose text has every item
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for item in (
        "業務の内容",
        "報酬の額",
        "消費税",
        "源泉徴収税額",
        "支払期日",
        "委託をした日",
        "給付を受領する期日",
        "Hataraku 上の納品機能",
        "検査を完了する期日",
        "エスクロー(仮払い)経由の振込",
        contract.worker.name_for_display,
        "株式会社テスト",
    ):
        assert item in text, item


def test_terms_page_shows_items_and_agreement_through_http(client):
    # given an offered contract
    contract = offered_contract()
    client.force_login(contract.worker)
    page = client.get(reverse("contracts:terms", args=[contract.pk])).content.decode()
    for item in (
        "業務の内容",
        "報酬の額",
        "支払期日",
        "委託をした日",
        "給付を受領する場所",
        "検査完了日",
        "報酬の支払方法",
    ):
        assert item in page
    # when both agree through the page
    client.post(reverse("contracts:agree", args=[contract.pk]), {"terms_version": 1})
    client.force_login(contract.client)
    client.post(reverse("contracts:agree", args=[contract.pk]), {"terms_version": 1})
    contract.refresh_from_db()
    # then it is active
    assert contract.status == ContractStatus.ACTIVE


def test_deliver_unfunded_through_http_shows_error_and_saves_nothing(client):
    contract = active_contract()
    m = contract.milestones.get()
    client.force_login(contract.worker)
    response = client.post(
        reverse("contracts:milestone_deliver", args=[contract.pk, m.pk]), {"message": "できました"}
    )
    assert response.status_code == 200
    assert "仮払いされていないため" in response.content.decode()
    assert Delivery.objects.count() == 0


def test_deliver_and_accept_through_http(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    m = funded_milestone(amount=10_000)
    contract = m.contract
    client.force_login(contract.worker)
    upload = SimpleUploadedFile("memo.txt", "完成しました".encode(), content_type="text/plain")
    response = client.post(
        reverse("contracts:milestone_deliver", args=[contract.pk, m.pk]),
        {"message": "納品します", "files": [upload]},
    )
    assert response.status_code == 302
    client.force_login(contract.client)
    confirm = {"confirmed": "yes", "idempotency_key": key("accept")}
    client.post(reverse("contracts:milestone_accept", args=[contract.pk, m.pk]), confirm)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED
    # a second press answers like the first (the same request sent twice), not a second payment
    response = client.post(
        reverse("contracts:milestone_accept", args=[contract.pk, m.pk]), confirm, follow=True
    )
    assert "検収しました" in response.content.decode()
    assert "すでに検収済み" not in response.content.decode()
    assert Settlement.objects.filter(escrow=m.escrow).count() == 1


def test_accommodation_in_three_presses_with_a_preview(client):
    # given a worker on the contract page
    contract = active_contract()
    client.force_login(contract.worker)
    detail = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    url = reverse("contracts:accommodation_new", args=[contract.pk])
    assert url in detail  # press 1
    form_page = client.get(url)
    initial = form_page.context["form"].initial
    fields = {
        "kind": initial["kind"],
        "milestone": initial["milestone"],
        "requested_due_date": initial["requested_due_date"].isoformat(),
    }
    # when they press 確認 on the prefilled form, giving no reason (press 2)
    preview = client.post(url, {**fields, "action": "preview"})
    # then the preview shows what the client will see, and nothing is stored yet
    html = preview.content.decode()
    assert preview.status_code == 200 and "延長の希望" in html
    assert preview.context["preview"].notification_body in html
    assert AccommodationRequest.objects.count() == 0
    # when they press 送る (press 3)
    response = client.post(url, {**fields, "action": "send"})
    # then the request is recorded, with no reason and no consent asked for
    assert response.status_code == 302
    req = AccommodationRequest.objects.get()
    assert req.kind == "extension" and req.sensitive_reason is None


def test_contract_list_query_count_does_not_grow(client):
    worker = UserFactory()
    active_contract(worker=worker)
    client.force_login(worker)
    url = reverse("contracts:list")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        active_contract(worker=worker)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    assert len(five) == len(one)


def test_staff_decides_a_dispute_through_the_page(client):
    m = funded_milestone(amount=10_000)
    services.milestone_deliver(milestone=m, actor=m.contract.worker, message="納品")
    dispute = services.dispute_open(
        contract=m.contract, actor=m.contract.worker, reason="返事がない", milestone=m
    )
    login_as(client, StaffFactory())
    url = reverse("contracts:staff_dispute", args=[dispute.pk])
    response = client.post(
        url, {"worker_amount": 10_000, "note": "納品は契約どおり", "idempotency_key": key()}
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == MilestoneStatus.RELEASED


# --- navigation between the loop's pages and funding by bank transfer -------------------------------------


def _html(client, user, url: str) -> str:
    login_as(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_contract_page_links_each_party_to_the_thread_terms_pdf_and_proposal(client):
    # given an active contract made from a proposal
    contract = active_contract(milestones=2)
    url = reverse("contracts:detail", args=[contract.pk])
    thread = reverse("messaging:contract_thread", args=[contract.pk])
    # when each party opens the contract page
    for user, label in (
        (contract.client, "ワーカーにメッセージを送る"),
        (contract.worker, "クライアントにメッセージを送る"),
    ):
        html = _html(client, user, url)
        # then both reach the message thread, the terms page and PDF and the original proposal
        assert f'href="{thread}"' in html and label in html
        assert f'href="{reverse("contracts:terms", args=[contract.pk])}"' in html
        assert f'href="{reverse("contracts:terms_pdf", args=[contract.pk])}"' in html
        assert f'href="{reverse("jobs:proposal_detail", args=[contract.proposal_id])}"' in html
    # and only the worker is offered the accommodation request (配慮の申し出)
    accommodation = f'href="{reverse("contracts:accommodation_new", args=[contract.pk])}"'
    assert accommodation in _html(client, contract.worker, url)
    assert accommodation not in _html(client, contract.client, url)


def test_contract_page_offers_a_dispute_only_on_milestones_that_can_be_disputed(client):
    # given a contract whose first milestone is funded and whose second is not
    contract = active_contract(milestones=2)
    first = funded_milestone(contract)
    second = contract.milestones.exclude(pk=first.pk).get()
    url = reverse("contracts:detail", args=[contract.pk])
    dispute = reverse("contracts:dispute_new", args=[contract.pk])
    for user in (contract.client, contract.worker):
        html = _html(client, user, url)
        # then both parties can ask staff to mediate the funded one, not the unfunded one
        assert f'href="{dispute}?milestone={first.pk}"' in html
        assert f'href="{dispute}?milestone={second.pk}"' not in html


def test_review_link_appears_only_once_the_contract_is_completed(client):
    # given an active contract with one milestone
    contract = active_contract(milestones=1)
    url = reverse("contracts:detail", args=[contract.pk])
    review = f'href="{reverse("reviews:contract", args=[contract.pk])}"'
    # then neither party is offered a review while it runs
    assert review not in _html(client, contract.client, url)
    assert review not in _html(client, contract.worker, url)
    # when the milestone is funded, delivered and accepted
    m = funded_milestone(contract)
    services.milestone_deliver(milestone=m, actor=contract.worker, message="納品します")
    services.milestone_accept(milestone=m, actor=contract.client)
    # then both are offered the review form, and the worker a link to her earnings
    for user in (contract.client, contract.worker):
        assert review in _html(client, user, url)
    assert reverse("payments:earnings") in _html(client, contract.worker, url)
    assert reverse("payments:earnings") not in _html(client, contract.client, url)


def test_bank_transfer_funding_links_the_client_to_the_transfer_details_and_not_the_worker(client):
    from hataraku.payments.models import ProviderFunding

    # given an active contract and a client who asks to fund the first milestone
    contract = active_contract(milestones=2)
    m = contract.milestones.get(order=1)
    client.force_login(contract.client)
    client.post(
        reverse("contracts:milestone_fund", args=[contract.pk, m.pk]),
        {"idempotency_key": key("fund"), "confirmed": "yes"},
    )
    # then the transfer waits for the money with a reference code
    m.refresh_from_db()
    pf = ProviderFunding.objects.get(escrow=m.escrow)
    assert pf.funding.status == "pending" and pf.amount == m.amount and pf.reference_code
    assert m.status == MilestoneStatus.FUNDING_REQUESTED
    url = reverse("contracts:detail", args=[contract.pk])
    details = f'href="{reverse("payments:funding_detail", args=[pf.pk])}"'
    # when the client opens the contract page, then it says the money is awaited and links to the details
    client_html = _html(client, contract.client, url)
    assert "入金の確認待ち" in client_html and details in client_html and pf.reference_code in client_html
    # and the worker sees that it is awaited, without the client's payment page
    worker_html = _html(client, contract.worker, url)
    assert "入金の確認待ち" in worker_html and details not in worker_html
    assert "作業を始められます" not in worker_html
    # and the transfer is in the staff's queue, where it can be confirmed
    assert pf.reference_code in _html(client, StaffFactory(), reverse("payments:staff_transfer_queue"))


@override_settings(HATARAKU_PAYMENT_PROVIDER="stripe", STRIPE_SECRET_KEY="sk_test_recorded")
def test_a_milestone_paid_by_card_goes_to_checkout_and_is_funded_when_stripe_says_paid(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from hataraku.payments import providers
    from hataraku.payments.models import ProviderFunding
    from hataraku.payments.tests.stripe_fakes import client_with, fixture

    # given an active contract, card payment switched on, and Stripe answering with recorded responses
    contract = active_contract(milestones=2)
    m = contract.milestones.get(order=1)
    created = fixture("checkout_session_created.json")
    paid = fixture("checkout_session_paid.json")
    created["amount_total"] = paid["amount_total"] = m.amount
    stripe_client, http = client_with((200, created), (200, paid))
    monkeypatch.setattr(providers, "make_stripe_client", lambda _key: stripe_client)
    url = reverse("contracts:detail", args=[contract.pk])
    # when the client opens the milestone's summary, both ways of paying are offered for it
    assert "1を仮払いする" in _html(client, contract.client, url)
    page = _html(client, contract.client, reverse("contracts:milestone_fund", args=[contract.pk, m.pk]))
    assert "銀行振込で仮払いする" in page and "カードで仮払いする" in page
    # when the client chooses the card (Stripe is asked once the pending funding has committed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("contracts:milestone_fund", args=[contract.pk, m.pk]),
            {"idempotency_key": key("fund"), "provider": "stripe", "confirmed": "yes"},
        )
    # then they land on the page leading to Stripe Checkout for exactly the milestone's amount
    pf = ProviderFunding.objects.get(escrow__isnull=False)
    assert response.status_code == 302 and response["Location"] == reverse(
        "payments:funding_detail", args=[pf.pk]
    )
    assert (pf.provider, pf.amount) == ("stripe", m.amount)
    assert http.calls[0]["params"]["line_items[0][price_data][unit_amount]"] == [str(m.amount)]
    # and the worker is not told to start yet
    m.refresh_from_db()
    assert m.status == MilestoneStatus.FUNDING_REQUESTED
    # when the client comes back from a paid Checkout and asks for the result (the clock would too),
    # then the milestone is funded by the ledger's event, before any contract page is opened
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:funding_check", args=[pf.pk]))
    m.refresh_from_db()
    assert m.status == MilestoneStatus.FUNDED


def test_a_provider_that_is_not_switched_on_is_refused(client):
    from hataraku.payments.models import ProviderFunding

    # given card payment is off (the default) / when a crafted form asks for it
    contract = active_contract(milestones=1)
    m = contract.milestones.get(order=1)
    client.force_login(contract.client)
    client.post(
        reverse("contracts:milestone_fund", args=[contract.pk, m.pk]),
        {"idempotency_key": key("fund"), "provider": "stripe", "confirmed": "yes"},
    )
    # then nothing is started and the milestone waits as before
    m.refresh_from_db()
    assert m.escrow_id is None and not ProviderFunding.objects.exists()


def test_confirmed_transfer_shows_funded_to_the_worker_at_once(client, django_capture_on_commit_callbacks):
    from hataraku.contracts.models import Milestone
    from hataraku.payments.models import ProviderFunding

    # given a milestone whose bank transfer awaits staff confirmation
    contract = active_contract(milestones=2)
    m = contract.milestones.get(order=1)
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key("fund"))
    pf = ProviderFunding.objects.get(escrow=Milestone.objects.get(pk=m.pk).escrow)
    # when staff confirm the transfer in their queue (no periodic task runs afterwards), and the
    # confirmation commits (its `FundingPosted` event reaches the contracts app)
    login_as(client, StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:staff_transfer_confirm", args=[pf.pk]))
    # then the milestone is funded before anyone opens a page
    assert Milestone.objects.get(pk=m.pk).status == MilestoneStatus.FUNDED
    # and the worker opening the contract page sees it and may start
    html = _html(client, contract.worker, reverse("contracts:detail", args=[contract.pk]))
    assert "作業を始められます" in html
    assert f'href="{reverse("contracts:milestone_deliver", args=[contract.pk, m.pk])}"' in html
    # and the tick's reconciliation finds nothing left to do
    assert services.milestones_sync_funding() == 0


def test_a_posted_funding_that_never_reached_its_handler_waits_for_the_tick(client):
    from hataraku.contracts.models import Milestone
    from hataraku.ledger.models import Funding
    from hataraku.ledger.services import funding_post

    # given a milestone whose funding was posted, but whose after-commit handler never ran (it failed,
    # or the process died right after the commit)
    contract = active_contract(milestones=1)
    m = contract.milestones.get()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key("fund"))
    m = Milestone.objects.get(pk=m.pk)
    funding_post(funding=Funding.objects.get(escrow=m.escrow), actor=None, idempotency_key=key("post"))
    # when the worker opens the contract and milestone pages, then they only read: still pending
    _html(client, contract.worker, reverse("contracts:detail", args=[contract.pk]))
    _html(client, contract.worker, reverse("contracts:milestone", args=[contract.pk, m.pk]))
    assert Milestone.objects.get(pk=m.pk).status == MilestoneStatus.FUNDING_REQUESTED
    # and the tick's reconciliation funds it
    assert services.milestones_sync_funding() == 1
    assert Milestone.objects.get(pk=m.pk).status == MilestoneStatus.FUNDED


def test_confirmed_transfer_shows_funded_on_the_milestone_page_too(
    client, django_capture_on_commit_callbacks
):
    from hataraku.contracts.models import Milestone
    from hataraku.ledger.models import Funding
    from hataraku.ledger.services import funding_post

    # given a milestone whose funding was just posted (and committed)
    contract = active_contract(milestones=1)
    m = contract.milestones.get()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key("fund"))
    m = Milestone.objects.get(pk=m.pk)
    with django_capture_on_commit_callbacks(execute=True):
        funding_post(funding=Funding.objects.get(escrow=m.escrow), actor=None, idempotency_key=key("post"))
    # when the worker opens the milestone page, then it already shows the milestone funded
    html = _html(client, contract.worker, reverse("contracts:milestone", args=[contract.pk, m.pk]))
    assert "入金の確認待ち" not in html and str(MilestoneStatus.FUNDED.label) in html
    assert Milestone.objects.get(pk=m.pk).status == MilestoneStatus.FUNDED


def test_approved_hourly_week_waits_for_the_transfer_then_pays_the_worker_at_once(
    client, frozen_clock, django_capture_on_commit_callbacks
):
    from hataraku.contracts.models import HourlyWeek
    from hataraku.ledger.selectors import worker_balances
    from hataraku.payments.models import ProviderFunding

    # given an hourly week of 90 minutes at ¥1,200/h, approved by the client after it ended
    contract = active_contract(hourly=True, amount=1_200, weekly_hour_cap=10)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=90, memo="入力"
    )
    frozen_clock.advance(dt.timedelta(days=6))
    week = HourlyWeek.objects.get()
    services.week_submit(week=week, actor=contract.worker)
    services.week_approve(week=week, actor=contract.client, idempotency_key=key())
    week.refresh_from_db()
    pf = ProviderFunding.objects.get(escrow=week.escrow)
    url = reverse("contracts:detail", args=[contract.pk])
    details = f'href="{reverse("payments:funding_detail", args=[pf.pk])}"'
    # then the client is sent to the transfer details, the worker sees the money is awaited
    assert details in _html(client, contract.client, url)
    worker_html = _html(client, contract.worker, url)
    assert "入金の確認待ち" in worker_html and details not in worker_html
    # when staff confirm the transfer, then the ledger's event pays the week at once
    login_as(client, StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:staff_transfer_confirm", args=[pf.pk]))
    assert "入金の確認待ち" not in _html(client, contract.worker, url)
    week.refresh_from_db()
    assert week.released_at is not None and worker_balances(contract.worker).available > 0


def test_after_staff_void_a_transfer_the_client_is_offered_to_pay_again(client):
    from hataraku.contracts.models import Milestone
    from hataraku.payments.models import ProviderFunding

    # given a milestone whose bank transfer staff voided (the money never came)
    contract = active_contract(milestones=1)
    m = contract.milestones.get()
    services.milestone_fund(milestone=m, actor=contract.client, idempotency_key=key("fund"))
    m = Milestone.objects.get(pk=m.pk)
    pf = ProviderFunding.objects.get(escrow=m.escrow)
    login_as(client, StaffFactory())
    client.post(reverse("payments:staff_transfer_void", args=[pf.pk]))
    # when the client opens the contract page
    html = _html(client, contract.client, reverse("contracts:detail", args=[contract.pk]))
    # then they are sent to choose how to pay this milestone's amount again, not to the voided transfer
    again = f'href="{reverse("payments:funding_start", args=[m.escrow_id])}?amount={m.amount}"'
    assert again in html
    assert reverse("payments:funding_detail", args=[pf.pk]) not in html
    # and the worker is not offered that page
    assert again not in _html(client, contract.worker, reverse("contracts:detail", args=[contract.pk]))

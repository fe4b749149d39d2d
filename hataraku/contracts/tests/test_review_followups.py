"""Follow-ups to issue 7 found in review: the change form's summary tells the truth, one pending extension per
milestone (dated at acceptance), the client's words never hint at a special reason, and a week-page action
by the wrong party says why it did nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from hataraku.contracts import services
from hataraku.contracts.constants import AccommodationKind, AccommodationStatus, WeekStatus
from hataraku.contracts.models import AccommodationRequest, ChangeRequest, HourlyWeek
from hataraku.core.errors import Conflict, InvalidTransition
from hataraku.messaging.models import Notification
from hataraku.payments import services as payments
from hataraku.payments.models import ProviderFunding

from .factories import active_contract, funded_milestone, key

pytestmark = pytest.mark.django_db

EITHER = "新しい納期か金額のどちらかを入力してください"


# --- item 4: the change form's error summary ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [{"due_date": "9999-12-31"}, {"amount": "0"}, {"amount": "-1"}, {"amount": "100000001"}],
)
def test_a_wrong_value_is_reported_at_its_field_and_not_as_both_empty(client, typed):
    # given a client on the change-request form of an active contract
    contract = active_contract()
    milestone = contract.milestones.get()
    client.force_login(contract.client)
    data = {"milestone": str(milestone.pk), "reason": "資料の到着が遅れたため", **typed}
    # when she sends a value that is out of range
    response = client.post(reverse("contracts:change_new", args=[contract.pk]), data)
    # then the form comes back with the error at that field only, and no claim that nothing was entered
    assert response.status_code == 200
    form = response.context["form"]
    (field,) = typed
    assert form.errors[field]
    assert EITHER not in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_leaving_both_empty_still_asks_for_one_of_the_two(client):
    # given a client on the change-request form / when she enters neither a date nor an amount
    contract = active_contract()
    client.force_login(contract.client)
    data = {"milestone": str(contract.milestones.get().pk), "reason": "資料の到着が遅れたため"}
    response = client.post(reverse("contracts:change_new", args=[contract.pk]), data)
    # then the summary asks for one of the two
    assert EITHER in response.content.decode()
    assert not ChangeRequest.objects.exists()


# --- item 5: one pending extension per milestone --------------------------------------------------------


def _extend(contract, days: int) -> AccommodationRequest:
    milestone = contract.milestones.get()
    return services.accommodation_request(
        contract=contract,
        actor=contract.worker,
        kind=AccommodationKind.EXTENSION,
        milestone=milestone,
        requested_due_date=milestone.due_date + dt.timedelta(days=days),
    )


def test_a_second_pending_extension_of_the_same_milestone_is_refused(client):
    # given a worker who asked to move the milestone a week later, not yet answered
    contract = active_contract()
    first = _extend(contract, 7)
    # when she asks again for one more day on the same milestone
    with pytest.raises(Conflict) as exc:
        _extend(contract, 8)
    # then it is refused kindly, pointing at the pending request, and nothing more is stored
    assert "回答待ちのお願い" in exc.value.message
    assert exc.value.data["pending_url"].endswith(f"#accommodation-{first.pk}")
    assert AccommodationRequest.objects.count() == 1
    # and through the page the form says so and links to the pending request on the contract page
    client.force_login(contract.worker)
    milestone = contract.milestones.get()
    response = client.post(
        reverse("contracts:accommodation_new", args=[contract.pk]),
        {
            "kind": AccommodationKind.EXTENSION,
            "milestone": str(milestone.pk),
            "requested_due_date": (milestone.due_date + dt.timedelta(days=8)).isoformat(),
            "action": "preview",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "回答待ちのお願い" in html
    assert f'href="/contracts/{contract.pk}/#accommodation-{first.pk}"' in html
    assert f'id="accommodation-{first.pk}"' in client.get(contract.get_absolute_url()).content.decode()


def test_once_answered_she_may_ask_again(client):
    # given a pending extension the client declines
    contract = active_contract()
    first = _extend(contract, 7)
    services.accommodation_answer(request=first, actor=contract.client, accept=False, message="難しいです")
    # when she asks again, then it is stored
    second = _extend(contract, 3)
    assert second.status == AccommodationStatus.PENDING


def test_the_previous_due_date_is_the_one_the_milestone_had_when_accepted():
    # given a pending extension to +7 days, and meanwhile an accepted change moved the date +3 days
    contract = active_contract()
    milestone = contract.milestones.get()
    asked = _extend(contract, 7)
    moved_to = milestone.due_date + dt.timedelta(days=3)
    cr = services.change_request_propose(
        contract=contract,
        actor=contract.client,
        changes={"milestones": {str(milestone.pk): {"due_date": moved_to.isoformat()}}},
        reason="日程の調整",
    )
    services.change_request_answer(change_request=cr, actor=contract.worker, accept=True)
    # when the client accepts the extension
    services.accommodation_answer(request=asked, actor=contract.client, accept=True)
    # then the history records the date it really moved from
    asked.refresh_from_db()
    milestone.refresh_from_db()
    assert asked.previous_due_date == moved_to
    assert milestone.due_date == asked.requested_due_date


def test_an_extension_the_terms_already_passed_cannot_be_accepted():
    # given a pending extension to +3 days, and an accepted change that moved the date to +10 days
    contract = active_contract()
    milestone = contract.milestones.get()
    asked = _extend(contract, 3)
    later = milestone.due_date + dt.timedelta(days=10)
    cr = services.change_request_propose(
        contract=contract,
        actor=contract.client,
        changes={"milestones": {str(milestone.pk): {"due_date": later.isoformat()}}},
        reason="日程の調整",
    )
    services.change_request_answer(change_request=cr, actor=contract.worker, accept=True)
    # when the client accepts the extension, then it is refused and the later date stays
    with pytest.raises(InvalidTransition):
        services.accommodation_answer(request=asked, actor=contract.client, accept=True)
    milestone.refresh_from_db()
    asked.refresh_from_db()
    assert milestone.due_date == later and asked.status == AccommodationStatus.PENDING


# --- item 6: what the client reads ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        (AccommodationKind.EXTENSION, "納期の延長の希望が届きました"),
        (AccommodationKind.PAUSE, "一時停止の希望が届きました"),
    ],
)
def test_the_client_reads_only_more_time_or_a_pause(
    client, settings, kind, title, django_capture_on_commit_callbacks
):
    # given a worker's request of each kind, and the client's e-mail sent at once
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    contract = active_contract()
    milestone = contract.milestones.get()
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.accommodation_request(
            contract=contract,
            actor=contract.worker,
            kind=kind,
            milestone=milestone,
            requested_due_date=milestone.due_date + dt.timedelta(days=7)
            if kind == AccommodationKind.EXTENSION
            else None,
        )
    # then her notification says only that more time or a pause is asked for
    notice = Notification.objects.get(user=contract.client, code__startswith="contracts.accommodation_")
    assert notice.display_title == title
    # when she accepts and looks at the contract page and the terms history
    with django_capture_on_commit_callbacks(execute=True):
        services.accommodation_answer(request=asked, actor=contract.client, accept=True)
    client.force_login(contract.client)
    pages = [
        client.get(contract.get_absolute_url()).content.decode(),
        client.get(reverse("contracts:terms", args=[contract.pk])).content.decode(),
        f"{notice.display_title} {notice.display_body}",
        *(f"{m.subject} {m.body}" for m in mail.outbox if contract.client.email in m.to),
        *ChangeRequest.objects.values_list("reason", flat=True),
    ]
    # then no word anywhere hints at a special reason
    for text in pages:
        assert "配慮" not in text


# --- item 9: a week-page action by the wrong party --------------------------------------------------------


def test_a_worker_asking_for_a_correction_is_told_why_nothing_happened(client):
    # given a submitted week of an hourly contract
    contract = active_contract(hourly=True, amount=1_200)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=60, memo="入力"
    )
    week = HourlyWeek.objects.get()
    services.week_submit(week=week, actor=contract.worker)
    client.force_login(contract.worker)
    # when the worker posts the client-only "ask for a correction"
    response = client.post(
        reverse("contracts:week_request_correction", args=[contract.pk, week.pk]), {"note": "直して"}
    )
    # then the week page says it is for the client, and the week is unchanged
    assert "この操作はクライアントだけができます" in response.content.decode()
    week.refresh_from_db()
    assert week.status == WeekStatus.SUBMITTED


def test_a_stale_correction_request_on_an_approved_week_says_why(client):
    # given a client whose week page is stale: the week was approved meanwhile
    contract = active_contract(hourly=True, amount=1_200)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=dt.date(2026, 12, 1), minutes=60, memo="入力"
    )
    week = HourlyWeek.objects.get()
    services.week_submit(week=week, actor=contract.worker)
    services.week_request_correction(week=week, actor=contract.client, note="1日の分を確認させてください")
    client.force_login(contract.client)
    # when she asks for a correction again while the worker is correcting it
    response = client.post(
        reverse("contracts:week_request_correction", args=[contract.pk, week.pk]), {"note": "もう一度"}
    )
    # then a message explains the refusal instead of an invisible form error
    assert response.status_code == 200
    assert list(response.context["messages"])
    week.refresh_from_db()
    assert week.status == WeekStatus.CORRECTION and week.correction_count == 1


# --- item 11: the funding pages name what is paid for -----------------------------------------------------


def _names_the_milestone(html: str, milestone, amount: int) -> None:
    assert milestone.contract.title in html and milestone.title in html
    assert f"¥{amount:,}" in html
    # (the random CSRF tokens are left out: "E1" may stand in one by chance)
    shown = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    assert not re.search(rf"(?<![A-Za-z0-9])E{milestone.escrow_id}(?![0-9])", shown)


def test_the_funding_pages_name_the_contract_milestone_and_amount(client):
    # given a milestone of ¥30,000 whose client chose bank transfer (the transfer is awaited)
    contract = active_contract(milestones=1, amount=30_000)
    milestone = contract.milestones.get()
    services.milestone_fund(milestone=milestone, actor=contract.client, idempotency_key=key("fund"))
    milestone.refresh_from_db()
    pf = ProviderFunding.objects.get(escrow=milestone.escrow)
    client.force_login(contract.client)
    # when she opens the funding page and the transfer's page
    start = client.get(reverse("payments:funding_start", args=[milestone.escrow_id])).content.decode()
    detail = client.get(reverse("payments:funding_detail", args=[pf.pk])).content.decode()
    # then both name the contract, the milestone and the amount, never the escrow's internal code
    _names_the_milestone(start, milestone, 30_000)
    _names_the_milestone(detail, milestone, 30_000)
    # when the transfer is voided, the page asking again names them too
    payments.funding_cancel(provider_funding=pf, actor=None)
    again = client.get(reverse("payments:funding_start", args=[milestone.escrow_id])).content.decode()
    _names_the_milestone(again, milestone, 30_000)


def test_a_funded_milestone_page_says_what_is_held(client):
    # given a funded milestone / when its client opens the funding page
    milestone = funded_milestone()
    client.force_login(milestone.contract.client)
    html = client.get(reverse("payments:funding_start", args=[milestone.escrow_id])).content.decode()
    # then it names the milestone and the amount held, and asks nothing
    _names_the_milestone(html, milestone, milestone.amount)
    assert "いまお支払いいただく金額はありません" in html

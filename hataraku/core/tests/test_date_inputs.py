"""Issue 7 item 8 through the pages: every form with a date, tried with year 1, year 9999, yesterday, today
and two years and a day ahead. Never a server error; a bad date re-renders the form with the rule's message
and saves nothing; today (where a date today makes sense) is accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse

from hataraku.accounts.tests.factories import ClientFactory, StaffFactory, UserFactory
from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts.models import AccommodationRequest, ChangeRequest, Contract, TimeEntry
from hataraku.contracts.tests.factories import active_contract, offered_contract
from hataraku.jobs.models import Job, Proposal
from hataraku.jobs.tests.factories import JobFactory, ProposalFactory
from hataraku.jobs.tests.test_views import job_post
from hataraku.payments.models import PayoutBatch
from hataraku.payments.tests.factories import BankAccountFactory, give_balance
from hataraku.payments.tests.factories import key as payment_key
from hataraku.profiles.models import DateException
from hataraku.profiles.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

# frozen_clock: Tuesday 2026-12-01 10:00 in Tokyo.
TODAY = dt.date(2026, 12, 1)
PAST = "今日以降の日付にしてください"
FAR = "2028年12月1日まで(今日から2年以内)の日付にしてください"
BAD = {
    "year 1": ("0001-01-01", PAST),
    "year 9999": ("9999-12-31", FAR),
    "yesterday": ("2026-11-30", PAST),
    "two years and a day": ("2028-12-02", FAR),
}


@dataclass
class DateForm:
    """One form with a date: who posts it where, with which data, and which rows it would add."""

    url: str
    data: Callable[[str], dict[str, Any]]
    model: type[Model]
    label: str


def _job_form(client: Any) -> dict[str, DateForm]:
    login_as(client, ClientFactory())
    return {
        "deadline": DateForm(
            reverse("jobs:create"),
            lambda d: job_post(deadline=d, proposal_deadline=TODAY.isoformat()),
            Job,
            "納期",
        ),
        "proposal_deadline": DateForm(
            reverse("jobs:create"),
            lambda d: job_post(proposal_deadline=d, deadline="2027-01-31"),
            Job,
            "応募締切",
        ),
    }


def _proposal_form(client: Any) -> dict[str, DateForm]:
    job = JobFactory(deadline=dt.date(2027, 1, 31))
    login_as(client, UserFactory())
    url = reverse("jobs:propose", args=[job.pk])

    def data(d: str, milestones: str = "") -> dict[str, Any]:
        return {
            "amount": "15000",
            "delivery_date": d,
            "message": "よろしくお願いします。",
            "milestones": milestones,
        }

    return {
        "delivery_date": DateForm(url, data, Proposal, "納品予定日"),
        "milestone due date": DateForm(
            url, lambda d: data("2026-12-20", f"前半 / 15000 / {d}"), Proposal, "マイルストーンの期日"
        ),
    }


def _contract_forms(client: Any) -> dict[str, DateForm]:
    contract = active_contract(milestones=1)
    milestone = contract.milestones.get()
    login_as(client, contract.worker)
    return {
        "change request": DateForm(
            reverse("contracts:change_new", args=[contract.pk]),
            lambda d: {"milestone": milestone.pk, "due_date": d, "reason": "資料の到着が遅れたため"},
            ChangeRequest,
            "新しい納期",
        ),
        "accommodation": DateForm(
            reverse("contracts:accommodation_new", args=[contract.pk]),
            lambda d: {
                "kind": "extension",
                "milestone": milestone.pk,
                "requested_due_date": d,
                "action": "send",
            },
            AccommodationRequest,
            "希望する納期",
        ),
    }


def _exception_form(client: Any) -> dict[str, DateForm]:
    login_as(client, WorkerFactory())
    return {
        "date exception": DateForm(
            reverse("profiles:exceptions"), lambda d: {"date": d, "kind": "day_off"}, DateException, "日付"
        )
    }


def _batch_form(client: Any) -> dict[str, DateForm]:
    from hataraku.payments import services as payments

    worker = WorkerFactory()
    BankAccountFactory(worker=worker)
    give_balance(worker, 30_000)
    payments.payout_request(worker=worker, amount=3_000, idempotency_key=payment_key())
    login_as(client, StaffFactory())
    return {
        "transfer date": DateForm(
            reverse("payments:staff_batches"),
            lambda d: {"transfer_date": d, "idempotency_key": payment_key()},
            PayoutBatch,
            "振込日",
        )
    }


FORMS: dict[str, Callable[[Any], dict[str, DateForm]]] = {
    "deadline": _job_form,
    "proposal_deadline": _job_form,
    "delivery_date": _proposal_form,
    "milestone due date": _proposal_form,
    "change request": _contract_forms,
    "accommodation": _contract_forms,
    "date exception": _exception_form,
    "transfer date": _batch_form,
}


@pytest.mark.parametrize("which", list(BAD))
@pytest.mark.parametrize("form_name", list(FORMS))
def test_a_bad_date_is_refused_kindly_on_every_form(client, frozen_clock, form_name, which):
    # given the page of a form with a date, opened by the person who uses it
    form = FORMS[form_name](client)[form_name]
    typed, message = BAD[which]
    before = form.model._default_manager.count()

    # when the date is year 1, year 9999, yesterday or more than two years ahead
    response = client.post(form.url, form.data(typed))

    # then the form comes back (no server error) with the rule's message, and nothing is saved
    assert response.status_code == 200, response.status_code
    assert f"{form.label}は" in response.content.decode()
    assert message in response.content.decode()
    assert form.model._default_manager.count() == before


@pytest.mark.parametrize("form_name", ["deadline", "proposal_deadline", "delivery_date", "transfer date"])
def test_today_is_accepted_where_today_makes_sense(client, frozen_clock, form_name):
    # given a form whose date may be today
    form = FORMS[form_name](client)[form_name]
    before = form.model._default_manager.count()

    # when today is typed
    response = client.post(form.url, form.data(TODAY.isoformat()))

    # then it is saved
    assert response.status_code == 302
    assert form.model._default_manager.count() == before + 1


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "9999-12-31T23:59", "2026-12-01T09:00"])
def test_meeting_times_from_year_1_to_9999_are_refused_kindly(client, frozen_clock, typed):
    # given a client writing a job with a call
    login_as(client, ClientFactory())

    # when the call's time is year 1, year 9999 or an hour ago
    response = client.post(reverse("jobs:create"), job_post(meeting_1=typed))

    # then the form comes back with the rule's message and no job is saved
    assert response.status_code == 200
    assert "通話の日時(1)は" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "2026-11-30"])
def test_time_entries_never_fail_on_far_dates(client, frozen_clock, typed):
    # given a worker on an hourly contract (the rules for which days can be logged are hourly's own)
    contract = active_contract(hourly=True)
    login_as(client, contract.worker)

    # when she logs time on year 1, year 9999 or an old day
    response = client.post(
        reverse("contracts:time", args=[contract.pk]), {"work_date": typed, "minutes": "60", "memo": "入力"}
    )

    # then the page answers without a server error and nothing is logged
    assert response.status_code == 200
    assert not TimeEntry.objects.exists()


def test_an_offer_on_a_proposal_stored_with_year_9999_is_refused_kindly(client, frozen_clock):
    # given a proposal saved before the date rule, delivering on 9999-12-31
    job = JobFactory()
    proposal = ProposalFactory(job=job, delivery_date=dt.date(9999, 12, 31))
    login_as(client, job.client)

    # when the client offers a contract on it
    response = client.post(
        reverse("jobs:proposal_offer", args=[proposal.pk]),
        {"idempotency_key": "offer-key", "confirmed": "yes"},
        follow=True,
    )

    # then no contract is made and the page says why
    assert response.status_code == 200
    assert not Contract.objects.exists()
    assert "応募の納品予定日は" in response.content.decode()


def test_accepting_an_extension_stored_with_year_9999_is_refused_kindly(client, frozen_clock):
    # given an extension request saved before the date rule, asking for 9999-12-31
    contract = active_contract(milestones=1)
    milestone = contract.milestones.get()
    request = AccommodationRequest.objects.create(
        contract=contract,
        milestone=milestone,
        requested_by=contract.worker,
        kind="extension",
        requested_due_date=dt.date(9999, 12, 31),
        previous_due_date=milestone.due_date,
        answer_due_at=frozen_clock.now() + dt.timedelta(days=7),
    )
    login_as(client, contract.client)

    # when the client accepts it
    response = client.post(
        reverse("contracts:accommodation_answer", args=[contract.pk, request.pk]),
        {"answer": "accept"},
        follow=True,
    )

    # then nothing changes and the page says why
    assert response.status_code == 200
    assert "希望する納期は" in response.content.decode()
    request.refresh_from_db()
    milestone.refresh_from_db()
    assert request.status == "pending"
    assert milestone.due_date != dt.date(9999, 12, 31)


def test_an_offer_copies_sane_dates(frozen_clock):
    # given an ordinary proposal (the factory's dates are within the rule)
    contract = offered_contract(milestones=2)

    # then the offer goes through as before
    assert contract.milestones.count() == 2


@pytest.mark.parametrize("year", ["1", "9999"])
def test_the_api_answers_far_years_in_its_error_shape(client, frozen_clock, year):
    # given a worker asking the API for payment records
    login_as(client, UserFactory())

    # when the year is 1 or 9999
    response = client.get("/api/money/payment-records", {"year": year})

    # then the answer is a 422 in the API's error shape, not a server error
    assert response.status_code == 422
    assert set(response.json()) == {"detail", "code"}

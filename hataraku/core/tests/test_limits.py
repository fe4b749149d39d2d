"""Every free-text field is capped (issue 7): forms refuse one character over with the limit and the count
(and give the browser `maxlength`), and so do the services, so the API and every other caller are capped
alike."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.conf import settings

from hataraku.core import clock, limits
from hataraku.core.errors import DomainError
from hataraku.core.limits import LimitedCharField

FORM_MODULES = [
    f"{app}.forms"
    for app in settings.INSTALLED_APPS
    if app.startswith("hataraku.") and importlib.util.find_spec(f"{app}.forms") is not None
]


def _form_classes() -> list[Any]:
    found: list[Any] = []
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == name:
                found.append(obj)
    return found


def _text_fields() -> list[tuple[str, forms.CharField]]:
    """(Form.field, field) for every field people type text into, in every form of ours."""
    return [
        (f"{form.__name__}.{name}", field)
        for form in _form_classes()
        for name, field in form.base_fields.items()
        if type(field) in (forms.CharField, LimitedCharField)
        # A password is checked against its hash, never stored or shown; allauth sets its own rules.
        # Hidden fields carry values the page itself set (keys, amounts), each parsed strictly.
        and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)
    ]


def _limited_fields() -> list[tuple[str, LimitedCharField]]:
    return [(label, f) for label, f in _text_fields() if isinstance(f, LimitedCharField)]


def test_the_forms_were_found():
    names = {label for label, _f in _text_fields()}
    assert {
        "JobForm.description_md",
        "ProposalForm.message",
        "MessageForm.body",
        "ReviewForm.comment",
    } <= names
    assert {"DisputeForm.reason", "ProfileForm.bio", "DeliveryForm.message"} <= names


@pytest.mark.parametrize(("label", "field"), _text_fields(), ids=[label for label, _f in _text_fields()])
def test_every_text_field_in_every_form_has_a_limit(label, field):
    assert field.max_length is not None, f"{label} has no max_length: add one from hataraku.core.limits"


@pytest.mark.parametrize(
    ("label", "field"), _limited_fields(), ids=[label for label, _f in _limited_fields()]
)
def test_a_capped_form_field_refuses_one_character_over_and_says_the_limit(label, field):
    limit = field.max_length
    assert limit is not None
    # given text exactly at the limit, and one character more
    at_limit, over = "あ" * limit, "あ" * (limit + 1)
    # then the browser is told the limit
    assert field.widget_attrs(field.widget)["maxlength"] == str(limit)
    # and the server takes the first and refuses the second, saying the limit and the count
    assert field.clean(at_limit) == at_limit
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(over)
    assert refused.value.messages == [f"{limit:,}文字以内で入力してください(いま{limit + 1:,}文字)。"]


def test_a_long_text_field_says_its_limit_before_anyone_types():
    from hataraku.jobs.forms import JobForm

    # a browser cuts a longer paste at maxlength silently, so the help text (read with the field) says it
    assert str(JobForm.base_fields["description_md"].help_text).endswith("(10,000文字まで)")


def test_line_breaks_count_once_as_the_browser_counts_them():
    # given a textarea filled to its limit with line breaks, which the browser sends as CR LF
    field = LimitedCharField(max_length=10, widget=forms.Textarea)
    typed = "あいう\r\nえお\r\nかきく"  # 10 characters on screen, 12 on the wire
    # then it is accepted, and stored with LF line breaks
    assert field.clean(typed) == "あいう\nえお\nかきく"


def test_the_message_states_the_limit_and_the_count_with_separators():
    assert (
        limits.too_long_message(limit=4_000, length=4_120)
        == "4,000文字以内で入力してください(いま4,120文字)。"
    )


# --- the services refuse the same text, with the same message, on the same field -------------------------


@pytest.fixture(autouse=True)
def _clock(frozen_clock):  # type: ignore[no-untyped-def]
    return frozen_clock


def _job_create(text: str, field: str) -> None:
    from hataraku.jobs import services
    from hataraku.jobs.tests.factories import ClientFactory
    from hataraku.jobs.tests.test_services import job_input

    services.job_create(client=ClientFactory(), data=job_input(**{field: text}))


def _proposal_submit(text: str) -> None:
    from hataraku.jobs import services
    from hataraku.jobs.tests.factories import JobFactory, UserFactory

    services.proposal_submit(
        job=JobFactory(),
        worker=UserFactory(),
        amount=10_000,
        delivery_date=clock.today() + dt.timedelta(days=10),
        message=text,
    )


def _proposal_decline(text: str) -> None:
    from hataraku.jobs import services
    from hataraku.jobs.tests.factories import ProposalFactory

    proposal = ProposalFactory()
    services.proposal_decline(proposal=proposal, actor=proposal.job.client, message=text)


def _invitation_send(text: str) -> None:
    from hataraku.jobs import services
    from hataraku.jobs.tests.factories import JobFactory, UserFactory

    job = JobFactory()
    services.invitation_send(job=job, client=job.client, worker=UserFactory(), message=text)


def _verification_review(text: str) -> None:
    from hataraku.accounts import services
    from hataraku.accounts.constants import VerificationStatus
    from hataraku.accounts.tests.factories import StaffFactory, VerificationFactory

    verification = VerificationFactory(status=VerificationStatus.PENDING)
    services.verification_review(verification=verification, actor=StaffFactory(), approve=False, reason=text)


def _message_send(text: str) -> None:
    from hataraku.messaging import services
    from hataraku.messaging.tests.factories import ThreadFactory, WorkerFactory

    sender = WorkerFactory()
    thread: Any = ThreadFactory(participants=[sender])
    services.message_send(thread=thread, sender=sender, body=text)


def _review_submit(text: str) -> None:
    from hataraku.reviews.services import review_submit
    from hataraku.reviews.tests.factories import CompletedContractFactory

    contract: Any = CompletedContractFactory()
    ratings = dict.fromkeys(("skill", "quality", "schedule", "communication", "partnership"), 5)
    review_submit(contract=contract, reviewer=contract.client, comment=text, **ratings)


def _profile_update(text: str, field: str) -> None:
    from hataraku.accounts.tests.factories import UserFactory
    from hataraku.profiles import services

    values: dict[str, Any] = {
        "display_name": "さくら",
        "prefecture": "",
        "municipality": "",
        "skills": [],
        "bio": "",
        "portfolio_links": [],
        "qualifications": [],
        "invoice_number": "",
    }
    values[field] = text if isinstance(values[field], str) else [text]
    services.profile_update(user=UserFactory(), **values)


def _date_exception_add(text: str) -> None:
    from hataraku.accounts.tests.factories import UserFactory
    from hataraku.profiles import services
    from hataraku.profiles.constants import ExceptionKind

    services.date_exception_add(
        user=UserFactory(), date=clock.today() + dt.timedelta(days=3), kind=ExceptionKind.DAY_OFF, note=text
    )


def _sensitive_reasons_save(text: str) -> None:
    from hataraku.accounts.tests.factories import UserFactory
    from hataraku.profiles import services
    from hataraku.profiles.constants import SensitiveCategory

    services.sensitive_reasons_save(
        user=UserFactory(), categories=[SensitiveCategory.CHILDCARE], note=text, consent_given=True
    )


def _account_settings(text: str) -> None:
    from hataraku.accounts import services
    from hataraku.accounts.tests.factories import UserFactory

    user = UserFactory()
    services.account_update_settings(user=user, actor=user, display_name=text, preferred_language="ja")


def _account_add_role(text: str) -> None:
    from hataraku.accounts import services
    from hataraku.accounts.constants import ClientKind, Role
    from hataraku.accounts.tests.factories import UserFactory

    user = UserFactory()
    services.account_add_role(
        user=user, actor=user, role=Role.CLIENT, client_kind=ClientKind.COMPANY, company_name=text
    )


def _payout_failed(text: str) -> None:
    from hataraku.accounts.tests.factories import StaffFactory
    from hataraku.payments import services
    from hataraku.payments.models import Payout

    services.payout_mark_failed(payout=Payout(), actor=StaffFactory(), idempotency_key="k-1", reason=text)


def _funded() -> Any:
    from hataraku.contracts.tests.factories import funded_milestone

    return funded_milestone(milestones=1)


def _deliver(text: str) -> None:
    from hataraku.contracts import services

    milestone = _funded()
    services.milestone_deliver(milestone=milestone, actor=milestone.contract.worker, message=text)


def _return(text: str) -> None:
    from hataraku.contracts import services
    from hataraku.contracts.tests.factories import deliver

    milestone = deliver(_funded())
    services.milestone_return(milestone=milestone, actor=milestone.contract.client, reason=text)


def _change_request(text: str) -> None:
    from hataraku.contracts import services

    milestone = _funded()
    services.change_request_propose(
        contract=milestone.contract,
        actor=milestone.contract.client,
        changes={"milestone": milestone.pk, "due_date": milestone.due_date + dt.timedelta(days=7)},
        reason=text,
    )


def _time_entry(text: str) -> None:
    from hataraku.contracts import services
    from hataraku.contracts.tests.factories import active_contract

    contract = active_contract(hourly=True)
    services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=clock.today(), minutes=60, memo=text
    )


def _submitted_week() -> Any:
    from hataraku.contracts import services
    from hataraku.contracts.tests.factories import active_contract

    contract = active_contract(hourly=True)
    entry = services.time_entry_add(
        contract=contract, actor=contract.worker, work_date=clock.today(), minutes=60, memo="入力"
    )
    return services.week_submit(week=entry.week, actor=contract.worker)


def _week_correction_request(text: str) -> None:
    from hataraku.contracts import services

    week = _submitted_week()
    services.week_request_correction(week=week, actor=week.contract.client, note=text)


def _time_correction(text: str) -> None:
    from hataraku.contracts import services

    week = _submitted_week()
    services.time_correction_propose(week=week, actor=week.contract.worker, reason=text)


def _accommodation_request(text: str) -> None:
    from hataraku.contracts import services
    from hataraku.contracts.constants import AccommodationKind

    milestone = _funded()
    services.accommodation_request(
        contract=milestone.contract,
        actor=milestone.contract.worker,
        kind=AccommodationKind.PAUSE,
        note=text,
    )


def _accommodation_answer(text: str) -> None:
    from hataraku.contracts import services
    from hataraku.contracts.constants import AccommodationKind

    milestone = _funded()
    request = services.accommodation_request(
        contract=milestone.contract, actor=milestone.contract.worker, kind=AccommodationKind.PAUSE
    )
    services.accommodation_answer(
        request=request, actor=milestone.contract.client, accept=False, message=text
    )


def _dispute_open(text: str) -> None:
    from hataraku.contracts import services

    milestone = _funded()
    services.dispute_open(
        contract=milestone.contract, actor=milestone.contract.client, reason=text, milestone=milestone
    )


def _dispute_decide(text: str) -> None:
    from hataraku.contracts import services
    from hataraku.contracts.tests.factories import StaffFactory, key

    milestone = _funded()
    dispute = services.dispute_open(
        contract=milestone.contract, actor=milestone.contract.client, reason="確認したい", milestone=milestone
    )
    services.dispute_decide(
        dispute=dispute, actor=StaffFactory(), worker_amount=0, note=text, idempotency_key=key("decide")
    )


SERVICE_CASES: list[tuple[str, int, str, Callable[[str], None]]] = [
    ("job title", limits.JOB_TITLE, "title", lambda t: _job_create(t, "title")),
    ("job description", limits.JOB_DESCRIPTION, "description_md", lambda t: _job_create(t, "description_md")),
    (
        "job accessibility notes",
        limits.JOB_ACCESSIBILITY_NOTES,
        "accessibility_notes",
        lambda t: _job_create(t, "accessibility_notes"),
    ),
    ("proposal message", limits.PROPOSAL_MESSAGE, "message", _proposal_submit),
    ("decline message", limits.DECLINE_MESSAGE, "message", _proposal_decline),
    ("invitation message", limits.INVITATION_MESSAGE, "message", _invitation_send),
    ("verification reason", limits.VERIFICATION_REASON, "reason", _verification_review),
    ("message body", limits.MESSAGE_BODY, "body", _message_send),
    ("review comment", limits.REVIEW_COMMENT, "comment", _review_submit),
    (
        "display name (profile)",
        limits.DISPLAY_NAME,
        "display_name",
        lambda t: _profile_update(t, "display_name"),
    ),
    ("municipality", limits.MUNICIPALITY, "municipality", lambda t: _profile_update(t, "municipality")),
    ("bio", limits.BIO, "bio", lambda t: _profile_update(t, "bio")),
    (
        "qualifications",
        limits.QUALIFICATIONS,
        "qualifications",
        lambda t: _profile_update(t, "qualifications"),
    ),
    ("date exception note", limits.DATE_EXCEPTION_NOTE, "note", _date_exception_add),
    ("sensitive note", limits.SENSITIVE_NOTE, "note", _sensitive_reasons_save),
    ("display name (settings)", limits.DISPLAY_NAME, "display_name", _account_settings),
    ("company name", limits.COMPANY_NAME, "company_name", _account_add_role),
    ("payout failure reason", limits.PAYOUT_FAILURE_REASON, "reason", _payout_failed),
    ("delivery message", limits.DELIVERY_MESSAGE, "message", _deliver),
    ("return reason", limits.RETURN_REASON, "reason", _return),
    ("change request reason", limits.CHANGE_REASON, "reason", _change_request),
    ("time entry memo", limits.TIME_ENTRY_MEMO, "memo", _time_entry),
    ("week correction request", limits.RETURN_REASON, "note", _week_correction_request),
    ("time correction reason", limits.CHANGE_REASON, "reason", _time_correction),
    ("accommodation note", limits.ACCOMMODATION_NOTE, "note", _accommodation_request),
    ("accommodation answer", limits.ACCOMMODATION_ANSWER, "message", _accommodation_answer),
    ("dispute reason", limits.DISPUTE_REASON, "reason", _dispute_open),
    ("dispute decision note", limits.DISPUTE_DECISION_NOTE, "note", _dispute_decide),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limit", "field", "call"), [c[1:] for c in SERVICE_CASES], ids=[c[0] for c in SERVICE_CASES]
)
def test_a_service_refuses_one_character_over_the_limit_with_the_form_message(limit, field, call):
    # when any caller (a form, the API, a script) passes text one character over the limit
    with pytest.raises(DomainError) as refused:
        call("あ" * (limit + 1))
    # then the service refuses it on that field, with the message the form shows
    assert refused.value.field == field
    assert refused.value.message == f"{limit:,}文字以内で入力してください(いま{limit + 1:,}文字)。"


@pytest.mark.django_db
def test_a_message_exactly_at_the_limit_is_sent():
    from hataraku.messaging.models import Message

    _message_send("あ" * limits.MESSAGE_BODY)
    assert Message.objects.get().body == "あ" * limits.MESSAGE_BODY


@pytest.mark.django_db
def test_a_skill_tag_over_its_limit_is_refused_in_a_profile_and_a_job():
    too_long = "あ" * (limits.SKILL + 1)
    with pytest.raises(DomainError) as in_profile:
        _profile_update(too_long, "skills")
    with pytest.raises(DomainError) as in_job:
        _job_create([too_long], "skills")  # type: ignore[arg-type]
    for refused in (in_profile, in_job):
        assert refused.value.field == "skills"
        assert f"スキルは1つ{limits.SKILL}文字以内" in refused.value.message

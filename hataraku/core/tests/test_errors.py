"""One error model (issue 8, item 6): every domain error carries an `ErrorCode` and a translatable
message; selectors raise the one `NotFound`, which pages answer with 404 in one place (the middleware)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from hataraku.accounts.tests.mfa import login_as
from hataraku.contracts import selectors as contract_selectors
from hataraku.core.errors import (
    Conflict,
    DomainError,
    ErrorCode,
    InvalidTransition,
    NotFound,
    PermissionDenied,
)
from hataraku.core.middleware import NotFoundMiddleware
from hataraku.jobs import selectors as job_selectors
from hataraku.jobs.tests.factories import JobFactory
from hataraku.messaging import selectors as messaging_selectors
from hataraku.profiles import selectors as profile_selectors
from hataraku.profiles.tests.factories import WorkerFactory

DOMAIN_ERRORS = {
    "DomainError",
    "NotFound",
    "PermissionDenied",
    "InvalidTransition",
    "Conflict",
    "DateOutOfRange",
}


def test_a_domain_error_carries_an_enum_code_and_its_message() -> None:
    # when a service raises with a code and a message
    error = DomainError(ErrorCode.INVALID_AMOUNT, "金額を確かめてください。", field="amount")
    # then both are kept; the code is the enum and still compares with its plain string
    assert error.code is ErrorCode.INVALID_AMOUNT and error.code == "invalid_amount"
    assert (error.message, str(error), error.field) == (
        "金額を確かめてください。",
        "金額を確かめてください。",
        "amount",
    )


def test_the_older_spelling_and_the_subclasses_keep_working() -> None:
    # given the older message-first spelling and each subclass with only a message
    legacy = DomainError("同じ処理が実行中です。", code="conflict")
    # then each has its enum code
    assert legacy.code is ErrorCode.CONFLICT and legacy.message == "同じ処理が実行中です。"
    assert DomainError("x").code is ErrorCode.DOMAIN_ERROR
    assert NotFound("x").code is ErrorCode.NOT_FOUND
    assert PermissionDenied("x").code is ErrorCode.PERMISSION_DENIED
    assert InvalidTransition("x").code is ErrorCode.INVALID_TRANSITION
    assert Conflict("x").code is ErrorCode.CONFLICT
    # and a subclass may carry a more exact code of its meaning
    assert Conflict(ErrorCode.IDEMPOTENCY_MISMATCH, "x").code is ErrorCode.IDEMPOTENCY_MISMATCH
    # and NotFound needs no message (one kind sentence for missing and forbidden alike)
    assert NotFound().message == "見つかりませんでした。"


def test_every_code_raised_in_the_code_base_is_an_error_code() -> None:
    # given every domain error raised in the apps with a literal code
    used: set[str] = set()
    for path in (Path(settings.BASE_DIR) / "hataraku").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name in DOMAIN_ERRORS:
                used |= {
                    k.value.value
                    for k in node.keywords
                    if k.arg == "code"
                    and isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                }
    # then each is a member of ErrorCode (one list of codes, one code per meaning)
    assert sorted(used - {c.value for c in ErrorCode}) == []
    assert "key_missing" not in {c.value for c in ErrorCode}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fetch",
    [
        lambda user: job_selectors.access_job(user, 999_999),
        lambda user: contract_selectors.access_contract(user, "not-a-number"),
        lambda user: messaging_selectors.access_thread(user, 999_999),
        lambda user: profile_selectors.access_public_profile(user, 999_999),
    ],
    ids=["jobs", "contracts", "messaging", "profiles"],
)
def test_selectors_raise_the_one_not_found(fetch: Any) -> None:
    # when a selector is asked for something missing / then it raises NotFound (not Django's Http404)
    with pytest.raises(NotFound):
        fetch(WorkerFactory())


def test_the_middleware_turns_not_found_into_the_404_page() -> None:
    # given a request whose view raised NotFound
    request = RequestFactory().get("/somewhere/")
    middleware = NotFoundMiddleware(lambda r: HttpResponse())
    # when the middleware sees it / then a 404 page; any other exception is left alone
    response = middleware.process_exception(request, NotFound())
    assert response is not None and response.status_code == 404
    assert middleware.process_exception(request, DomainError("x")) is None
    assert "hataraku.core.middleware.NotFoundMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_missing_job_answers_404_through_the_page(client: Any) -> None:
    # given a logged-in person and a job that exists only as a draft of someone else
    job = JobFactory(status="draft")
    login_as(client, WorkerFactory())
    # when they open it / then 404, the same as for a job that does not exist
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get("/jobs/999999/").status_code == 404

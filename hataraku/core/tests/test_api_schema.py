"""Property-based test of the whole JSON API against its own OpenAPI schema (schemathesis).

For every operation, schemathesis generates requests (valid and invalid) and checks each answer: no 5xx,
a status code the schema documents, a body that matches the documented schema, a content type that
matches. Run twice: as an anonymous visitor (every money operation must answer 401) and as a worker
with a bank account and a balance, who sends the session and CSRF cookies like a page of ours would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.auths import AuthStorage
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import positive_data_acceptance

from hataraku.payments.tests.factories import BankAccountFactory, ClientFactory, WorkerFactory, give_balance

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
PUBLIC = {("GET", "/api/health"), ("GET", "/api/openapi.json")}


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes "old" database connections when a request starts and ends; inside the
    test's transaction that would close the connection holding it (PostgreSQL). Django's own test
    Client disconnects the same signal handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations() -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()  # an operation the schema cannot describe is itself a failure
        operations.append(result.ok())
    return operations


class SessionCookie:
    """Gives each generated case the worker's session cookie as *its* credentials, so that
    schemathesis knows the auth is real (and can check that removing it gets a 401)."""

    def __init__(self, sessionid: str) -> None:
        self.sessionid = sessionid

    def get(self, case: Any, ctx: Any) -> str:
        return self.sessionid

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.cookies = {**(case.cookies or {}), "sessionid": data}


def _for_every_operation(check: Callable[[Any], None], sessionid: str | None = None) -> list[str]:
    """Run `check(case)` on valid and invalid cases of every operation; return what was exercised.

    Hypothesis is driven directly (`operation.as_strategy`): schemathesis' own pytest loader does not
    work with pytest 9 yet (it sets `node._nodeid`)."""
    auth: AuthStorage[Any] | None = AuthStorage(providers=[SessionCookie(sessionid)]) if sessionid else None
    seen = []
    for operation in _operations():
        raw = operation.definition.raw
        has_input = bool(raw.get("parameters") or raw.get("requestBody"))
        # Without parameters or a body there is no invalid request to make.
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if has_input else [])
        for mode in modes:

            @SETTINGS
            @given(case=operation.as_strategy(generation_mode=mode, auth_storage=auth))
            def run(case: Any) -> None:
                check(case)

            run()
            seen.append(f"{operation.method.upper()} {operation.path} {mode}")
    return seen


def _csrf() -> tuple[dict[str, str], dict[str, str]]:
    """A CSRF cookie and the matching header, as Django's own JavaScript helper would send them."""
    request = RequestFactory().get("/")
    token = get_token(request)
    return {"csrftoken": request.META["CSRF_COOKIE"]}, {"X-CSRFToken": token}


@pytest.fixture
def worker_session(db: Any) -> str:
    # given a worker who can pay out (bank account, ¥50,000 released to them) and is also a client
    worker = WorkerFactory(display_name="中村 さくら", is_client=True)
    BankAccountFactory(worker=worker)
    give_balance(worker, 50_000, client=ClientFactory())
    browser = Client()
    browser.force_login(worker)
    return str(browser.cookies["sessionid"].value)


def test_anonymous_gets_401_or_a_documented_answer() -> None:
    # given no session, but a valid CSRF pair so that POST reaches the log-in check
    cookies, headers = _csrf()

    def check(case: Any) -> None:
        # when schemathesis calls the operation with generated data
        response = case.call(cookies=cookies, headers=headers)
        # then the answer is documented, never a 5xx, and every money operation asks to log in
        case.validate_response(response, headers=headers)
        if (case.method.upper(), case.path) not in PUBLIC:
            # ninja checks the session before it reads any input, so even malformed input gets 401.
            assert response.status_code == 401, response.text
            assert response.json()["code"] == "not_authenticated"

    seen = _for_every_operation(check)
    assert "POST /api/money/payouts negative" in seen


def test_worker_gets_documented_answers(worker_session: str) -> None:
    # given the worker's session (as the schema's SessionAuth) and CSRF cookies
    cookies, headers = _csrf()
    statuses: set[int] = set()

    def check(case: Any) -> None:
        # when schemathesis calls the operation with generated data
        response = case.call(cookies=cookies, headers=headers)
        # then the answer is documented and matches its schema, and the session was honoured
        # A well-formed payout can still break a rule that depends on state (more than the balance,
        # a key already used): those are documented 409/422, so "valid data must be accepted" is
        # not a property of that operation.
        # The same holds for every write (a saved search's name the page's form refuses, a limit reached)
        # and for the job list's filters on recommendations (categories come from the database, a deadline
        # must be within two years of today): a schema-valid value may be refused with a documented 422.
        state_dependent = case.method.upper() != "GET" or case.path == "/api/me/recommendations"
        excluded = [positive_data_acceptance] if state_dependent else []
        case.validate_response(response, headers=headers, excluded_checks=excluded)
        if "sessionid" in (case.cookies or {}):
            assert response.status_code not in (401, 403), response.text
        statuses.add(response.status_code)

    seen = _for_every_operation(check, sessionid=worker_session)
    assert {200, 201} <= statuses
    # the saved searches and bookmarks are exercised too (issue 11)
    assert {"POST /api/me/saved-searches negative", "DELETE /api/me/bookmarks/{job_id} positive"} <= set(seen)

"""Domain errors. Services raise these; views turn them into a kind Japanese message or a 4xx.

One model: every error carries a code from `ErrorCode` (stable, for the API and for tests) and a message
that went through gettext (for the person, in their language). Raise `DomainError(ErrorCode.X, _("…"))`;
the subclasses below fix the code for their meaning (`NotFound("…")` is `ErrorCode.NOT_FOUND`). The older
`DomainError(_("…"), code="x")` spelling still works while the apps move over.

`NotFound` is the one not-found error: selectors raise it alike for missing and forbidden, and
`hataraku.core.middleware.NotFoundMiddleware` turns it into the 404 page (the JSON API into a 404 body)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext


class ErrorCode(StrEnum):
    """Every code a domain error may carry. A StrEnum, so `exc.code == "invalid_amount"` keeps working and the
    API writes the plain string. Add a member here before raising a new code (a test checks)."""

    DOMAIN_ERROR = "domain_error"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    INVALID_TRANSITION = "invalid_transition"
    CONFLICT = "conflict"
    # idempotency (ledger.idempotent)
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    IDEMPOTENCY_MISMATCH = "idempotency_mismatch"
    # input
    INVALID_AMOUNT = "invalid_amount"
    TOO_LONG = "too_long"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    BAD_FILE = "bad_file"
    BAD_TYPE = "bad_type"
    TOO_MANY_FILES = "too_many_files"
    INVALID_JOB = "invalid_job"
    INVALID_PROPOSAL = "invalid_proposal"
    INVALID_FILTER = "invalid_filter"  # a job-list filter the form refused (API, issue 11)
    # ledger
    INVALID_PROVIDER = "invalid_provider"
    INVALID_SOURCE = "invalid_source"
    INVALID_FEE_PLAN = "invalid_fee_plan"
    INVALID_REFERENCE = "invalid_reference"
    INVALID_REVERSAL = "invalid_reversal"
    ALREADY_REVERSED = "already_reversed"
    ESCROW_EXISTS = "escrow_exists"
    WRONG_WORKER = "wrong_worker"
    FEE_EXCEEDS_AMOUNT = "fee_exceeds_amount"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    PAYOUT_TOO_SMALL = "payout_too_small"
    # payments
    NOT_WORKER = "not_worker"
    NO_BANK_ACCOUNT = "no_bank_account"
    NOTHING_TO_BATCH = "nothing_to_batch"
    REFERENCE_EXHAUSTED = "reference_exhausted"
    FUNDING_AMOUNT_MISMATCH = "funding_amount_mismatch"
    FUNDING_NOT_ASKED = "funding_not_asked"
    FUNDING_PENDING = "funding_pending"
    NOT_POSTED = "not_posted"
    NO_FEE = "no_fee"
    UNKNOWN_PROVIDER = "unknown_provider"
    PROVIDER_OFF = "provider_off"
    # accounts, profiles
    ALREADY_DELETED = "already_deleted"
    MONEY_OUTSTANDING = "money_outstanding"
    ROLE_NOT_SELF_SERVICE = "role_not_self_service"
    ACCOUNT_SUSPENDED = "account_suspended"
    NOT_ON_ONESELF = "not_on_oneself"
    INVALID_MUNICIPALITY = "invalid_municipality"
    NOTHING_TO_WITHDRAW = "nothing_to_withdraw"
    # jobs, contracts, reviews
    ALREADY_PROPOSED = "already_proposed"
    JOB_FULL = "job_full"
    VERIFICATION_REQUIRED = "verification_required"
    WRONG_PARTY = "wrong_party"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_ANSWERED = "already_answered"
    ALREADY_DECIDED = "already_decided"
    ALREADY_REVIEWED = "already_reviewed"
    CHANGED_SINCE_PROPOSAL = "changed_since_proposal"
    CORRECTION_PENDING = "correction_pending"
    MILESTONE_NOT_FUNDED = "milestone_not_funded"
    NOT_COMPLETED = "not_completed"
    OVER_CAP = "over_cap"
    TOO_MANY_CORRECTIONS = "too_many_corrections"
    TOO_MANY_RETURNS = "too_many_returns"
    WEEK_EMPTY = "week_empty"
    WEEK_NOT_CORRECTABLE = "week_not_correctable"
    WEEK_NOT_SUBMITTED = "week_not_submitted"
    WEEK_SUBMITTED = "week_submitted"
    WORK_DATE_NOT_LOGGABLE = "work_date_not_loggable"


def _as_code(code: str) -> ErrorCode | str:
    try:
        return ErrorCode(code)
    except ValueError:
        return code  # a code another engineer has not added yet; test_errors lists it


class DomainError(Exception):
    """A rule of the product was broken. `message` is shown to the person, so write it kindly, through
    gettext. `DomainError(ErrorCode.X, _("…"))`, or `DomainError(_("…"), code=...)` (older spelling)."""

    code: ErrorCode | str = ErrorCode.DOMAIN_ERROR

    def __init__(self, *args: Any, code: str | None = None, field: str | None = None, **data: Any):
        if len(args) == 2 and isinstance(args[0], ErrorCode):
            code, message = args[0], args[1]
        elif len(args) == 1:
            message = args[0]
        else:
            raise TypeError("DomainError(code, message) or DomainError(message, code=...)")
        super().__init__(message)
        self.message = message
        if code:
            self.code = _as_code(code)
        self.field = field
        self.data = data

    def __str__(self) -> str:
        return str(self.message)


class NotFound(DomainError):
    """Missing *or* forbidden: callers must not be able to tell the two apart. The one not-found error;
    pages answer it with 404 (NotFoundMiddleware), the API with a 404 body."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, message: Any = None, **kwargs: Any):
        if message is None:
            message = gettext("見つかりませんでした。")
        super().__init__(message, **kwargs)


class PermissionDenied(DomainError):
    code = ErrorCode.PERMISSION_DENIED


class InvalidTransition(DomainError):
    code = ErrorCode.INVALID_TRANSITION


class Conflict(DomainError):
    code = ErrorCode.CONFLICT

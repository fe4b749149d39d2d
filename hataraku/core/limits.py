"""How much text a person may type into each free-text field: one table, used by the forms (`max_length`,
which Django also gives the browser as `maxlength`) and by the services (so the API, the admin and every
other caller are capped alike, with the same message).

Why caps at all: text is parsed (Markdown), rendered, mailed, searched and exported; a field without a limit
lets one person make every one of those slow for everyone (issue 7). Each limit is meant to be generous for
its purpose (a job description may run to 10,000 characters, a message to 10,000, a proposal to 4,000), so
that only runaway text is refused.

Lengths count characters as a person sees them, with a line break as one character: browsers send line
breaks as CR LF but count them as one for `maxlength`, so a textarea filled to its limit must not be refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext

from .errors import DomainError

# --- the table (characters) ------------------------------------------------------------------------------
# People and accounts
DISPLAY_NAME = 80
COMPANY_NAME = 120
# Worker profile
MUNICIPALITY = 80
PROFILE_SKILLS = 1_000  # the whole comma-separated list as typed
BIO = 2_000
PORTFOLIO_LINKS = 3_000  # up to 30 URLs, one a line
QUALIFICATIONS = 2_000
DATE_EXCEPTION_NOTE = 200
SENSITIVE_NOTE = 1_000
# Jobs (the description is the one Markdown field)
JOB_TITLE = 120
JOB_DESCRIPTION = 10_000
JOB_SKILLS = 1_000
JOB_ACCESSIBILITY_NOTES = 2_000
JOB_SEARCH = 200
SAVED_SEARCH_NAME = 60  # the name a worker gives a saved search of the job list
SKILL = 50  # one skill tag, in a profile or a job
# Proposals, invitations, identity checks
PROPOSAL_MESSAGE = 4_000
PROPOSAL_MILESTONES = 4_000  # up to 20 lines of "内容 / 金額 / 期日"
MILESTONE_TITLE = 120
DECLINE_MESSAGE = 2_000
INVITATION_MESSAGE = 2_000
VERIFICATION_REASON = 1_000
# Contracts
DELIVERY_MESSAGE = 4_000
RETURN_REASON = 2_000
CHANGE_REASON = 1_000
ACCOMMODATION_NOTE = 1_000
ACCOMMODATION_ANSWER = 1_000
TIME_ENTRY_MEMO = 500
DISPUTE_REASON = 4_000
DISPUTE_DECISION_NOTE = 2_000
# Messages, reviews, payouts
MESSAGE_BODY = 10_000
REVIEW_COMMENT = 2_000
PAYOUT_FAILURE_REASON = 200
# Staff managing people, and reports to staff (accounts)
PEOPLE_SEARCH = 200
MUNICIPAL_DEPARTMENT = 120
SUSPENSION_REASON = 1_000  # shown to the person on the suspension page and in the e-mail
IDENTITY_CHECK_NOTE = 1_000
REPORT_BODY = 2_000
REPORT_RESOLUTION_NOTE = 2_000
# Bank accounts: payments/validators.py holds the exact rules (4-digit bank code, 30 half-width characters
# of holder name, …); these only stop a runaway paste before them.
BANK_NAME = 60
ACCOUNT_HOLDER = 60
BANK_DIGITS = 10  # codes and account numbers as typed, with room for spaces or hyphens


def text_length(value: str | None) -> int:
    return len((value or "").replace("\r\n", "\n"))


def too_long_message(*, limit: int, length: int) -> str:
    return gettext("%(max)s文字以内で入力してください(いま%(count)s文字)。") % {
        "max": f"{limit:,}",
        "count": f"{length:,}",
    }


def length_error(value: str | None, *, limit: int) -> str | None:
    """The Japanese message when `value` is over `limit`, else None (for services that collect errors)."""
    length = text_length(value)
    return too_long_message(limit=limit, length=length) if length > limit else None


def check_length(value: str | None, *, limit: int, field: str) -> None:
    """Refuse text over its limit with the same message the form shows, on the same field."""
    message = length_error(value, limit=limit)
    if message:
        raise DomainError(message, code="too_long", field=field, limit=limit)


def skills_error(skills: Sequence[str]) -> str | None:
    """Each skill tag (profiles and jobs) is a short word or phrase; one over SKILL characters is refused."""
    too_long = next((s.strip() for s in skills if text_length(s.strip()) > SKILL), None)
    if too_long is None:
        return None
    return gettext("スキルは1つ%(max)s文字以内で入力してください(「%(start)s…」が長すぎます)。") % {
        "max": SKILL,
        "start": too_long[:10],
    }


def _limit_note_text(limit: int) -> str:
    return gettext("(%(max)s文字まで)") % {"max": f"{limit:,}"}


_limit_note = lazy(_limit_note_text, str)


@deconstructible
class MaxTextLengthValidator:
    """Django's own max-length check, with a message that states the limit and the count in Japanese."""

    code = "max_length"

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: Any) -> None:
        message = length_error(value, limit=self.limit)
        if message:
            raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxTextLengthValidator) and other.limit == self.limit

    def __hash__(self) -> int:
        return hash(self.limit)


class LimitedCharField(forms.CharField):
    """A text field capped at a limit from the table above: the browser gets `maxlength`, the server
    refuses more with 「4,000文字以内で入力してください(いま4,120文字)。」, and line breaks are stored as
    LF (the length the browser counted)."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)
        if isinstance(self.widget, forms.Textarea):
            # Say the limit before anyone types: a browser cuts a longer paste at `maxlength` without a
            # word, and the help text is what a screen reader reads with the field.
            self.help_text = format_lazy("{}{}", self.help_text, _limit_note(max_length))
        self.validators = [v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)] + [
            MaxTextLengthValidator(max_length)
        ]

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

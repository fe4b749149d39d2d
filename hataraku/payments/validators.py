"""Bank account input rules, shared by the form (to show errors) and the service (to refuse bad data
from any other caller). Each rule says in Japanese how to fix the input."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .constants import AccountType
from .kana import invalid_characters, normalise_holder_name, to_zengin_half

HOLDER_NAME_MAX_HALF = 30  # the Zengin recipient-name field is 30 half-width characters
_DIGITS = re.compile(r"^\d+$")


def _digits(value: Any) -> str:
    # People type full-width digits and hyphens from a passbook; both are fine to accept.
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", str(value or "")))


def clean_bank_code(value: Any) -> str:
    text = _digits(value)
    if not (len(text) == 4 and _DIGITS.match(text)):
        raise ValidationError(_("銀行コードは4桁の数字で入力してください。"), code="bank_code")
    return text


def clean_branch_code(value: Any) -> str:
    text = _digits(value)
    if not (len(text) == 3 and _DIGITS.match(text)):
        raise ValidationError(_("支店コードは3桁の数字で入力してください。"), code="branch_code")
    return text


def clean_account_type(value: Any) -> str:
    if value not in AccountType.values:
        raise ValidationError(
            _("預金種目を「普通」「当座」「貯蓄」から選んでください。"), code="account_type"
        )
    return str(value)


def clean_account_number(value: Any) -> str:
    text = _digits(value)
    if not (1 <= len(text) <= 7 and _DIGITS.match(text)):
        raise ValidationError(_("口座番号は7桁までの数字で入力してください。"), code="account_number")
    # Passbooks print some numbers with fewer digits; the bank's 7-digit form pads with zeros on the left.
    return text.rjust(7, "0")


def clean_holder_name(value: Any) -> str:
    name = normalise_holder_name(str(value or ""))
    if not name:
        raise ValidationError(_("口座名義を全角カタカナで入力してください。"), code="holder_name_required")
    bad = invalid_characters(name)
    if bad:
        raise ValidationError(
            _("口座名義は全角カタカナで入力してください(使えない文字: %(chars)s)。")
            % {"chars": "、".join(bad)},
            code="holder_name_chars",
        )
    if len(to_zengin_half(name)) > HOLDER_NAME_MAX_HALF:
        raise ValidationError(
            _(
                "口座名義が長すぎます。半角にして30文字まで(濁点・半濁点も1文字と数えます)で入力してください。"
            ),
            code="holder_name_length",
        )
    return name


def clean_bank_name(value: Any, *, label: str) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not text:
        raise ValidationError(_("%(label)sを入力してください。") % {"label": label}, code="required")
    if len(text) > 60:
        raise ValidationError(
            _("%(label)sは60文字までで入力してください。") % {"label": label}, code="length"
        )
    return text


def clean_bank_account(data: dict[str, Any]) -> dict[str, str]:
    """Every field cleaned, or a ValidationError that names each bad field."""
    cleaners = {
        "bank_code": clean_bank_code,
        "bank_name": lambda v: clean_bank_name(v, label=_("銀行名")),
        "branch_code": clean_branch_code,
        "branch_name": lambda v: clean_bank_name(v, label=_("支店名")),
        "account_type": clean_account_type,
        "account_number": clean_account_number,
        "holder_name": clean_holder_name,
    }
    cleaned: dict[str, str] = {}
    errors: dict[str, list[ValidationError]] = {}
    for field, cleaner in cleaners.items():
        try:
            cleaned[field] = cleaner(data.get(field))
        except ValidationError as exc:
            errors[field] = [exc]
    if errors:
        raise ValidationError(errors)
    return cleaned

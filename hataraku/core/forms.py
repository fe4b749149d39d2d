from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from .errors import DomainError
from .money import YEN_INPUT_MAX

# Shown when a form that moves money arrives without its key (an old tab, a hand-made request): the key is
# never made up on the server, or a double submit would act twice. The same words as
# `hataraku.ledger.idempotency.require_key`.
KEY_MISSING_MESSAGE = _("処理の識別キーがありません。ページを開き直してからお試しください。")


def _interpolate(message: Any, values: dict[str, Any]) -> str:
    return str(message) % values


# `_("…%(n)s…") % {...}` at class level translates once, at import, in whatever language is active then;
# this keeps a help text or label lazy, so each request shows it in its own language.
interpolate_lazy = lazy(_interpolate, str)


class HatarakuFormRenderer(TemplatesSetting):
    """Every form gets an error summary at the top, with links to the fields (WCAG 3.3.1 / 3.3.3)."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def add_domain_error(form: Any, exc: DomainError) -> None:
    """Show a service's refusal on the form: on the field it names when the form has that field, else at the
    top (the error summary). A service may report several at once as `errors=[(field, message), …]`."""
    for field, message in exc.data.get("errors") or [(exc.field, exc.message)]:
        form.add_error(field if field in form.fields else None, message)


def new_idempotency_key() -> str:
    """A fresh key for a form that is being drawn (never for one that arrived without its key)."""
    return secrets.token_urlsafe(24)


class IdempotentForm(forms.Form):
    """A hidden key made when the form is drawn: a double submit or a retry sends the same key, and the
    service does the work once (`hataraku.ledger.idempotency`). A form that arrives without its key is
    invalid, with a kind error at the top; no key is made up for that submit, but the page re-drawn with the
    error carries a fresh key, so pressing again works (a replay with a valid key still replays)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_idempotency_key())

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if (
            not (self.cleaned_data.get("idempotency_key") or "").strip()
            and "idempotency_key" not in self.errors
        ):
            self.add_error(None, KEY_MISSING_MESSAGE)
        if "idempotency_key" in self.errors or not (self.cleaned_data.get("idempotency_key") or "").strip():
            self._draw_fresh_key()
        return cleaned

    def _draw_fresh_key(self) -> None:
        """The form is re-drawn with the typed data and the error, and a fresh key in the hidden field, so
        the next press can succeed. The key is only for the next submit: this one is still refused."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
        data[self.add_prefix("idempotency_key")] = new_idempotency_key()
        self.data = data


class ConfirmForm(IdempotentForm):
    """The second press before money moves (accepting a delivery, funding, offering a contract, asking for a
    payout). The first press, or a link, shows a summary page; only a POST from that page carries
    `confirmed=yes` and acts. A POST without it changes nothing and shows the summary, so an old button or
    a hand-made request can never skip the step. The key is drawn when the summary is shown, so a double
    press on the summary's button still acts once."""

    # `confirmed` is read from the data, never a field: a form drawn again (with an error) must not carry
    # it, or its next press would skip the summary.
    def is_confirmed(self) -> bool:
        return self.is_bound and self.data.get(self.add_prefix("confirmed")) == "yes"

    def summary_key(self) -> str:
        """The key the summary page's button carries: the one this form came with, or a fresh one."""
        if self.is_bound:
            return str(self.data.get(self.add_prefix("idempotency_key")) or "") or new_idempotency_key()
        return str(self.initial["idempotency_key"])


class _YenLimit:
    """Refuses an amount past `limit`, saying the limit the way every page writes money (¥100,000,000),
    not Django's bare 「100000000以下の数を…」."""

    def __init__(self, limit: int, *, below: bool) -> None:
        self.limit = limit
        self.below = below

    def __call__(self, value: int | None) -> None:
        if value is None:
            return
        if (value > self.limit) if self.below else (value < self.limit):
            message = (
                _("¥%(limit)s以下の金額を入力してください。")
                if self.below
                else _("¥%(limit)s以上の金額を入力してください。")
            )
            raise ValidationError(
                message,
                code="max_value" if self.below else "min_value",
                params={"limit": f"{self.limit:,}", "limit_value": self.limit},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _YenLimit) and (other.limit, other.below) == (self.limit, self.below)


class YenField(forms.IntegerField):
    """An amount of money as a person types it: whole yen, from `min_value` (0) to `max_value`
    (`money.YEN_INPUT_MAX`), with messages in money's words (docs/COPY.md). A form may still pass its own
    `error_messages` ("max_value", "min_value", "invalid", "required") for a limit that needs a reason."""

    def __init__(
        self, *, min_value: int | None = 0, max_value: int | None = YEN_INPUT_MAX, **kwargs: Any
    ) -> None:
        kwargs["error_messages"] = {
            "invalid": _("金額は数字だけで入力してください(カンマや「円」は付けずに。例: 12000)。"),
            **kwargs.get("error_messages", {}),
        }
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, MaxValueValidator | MinValueValidator)
        ]
        if max_value is not None:
            self.validators.append(_YenLimit(max_value, below=True))
        if min_value is not None:
            self.validators.append(_YenLimit(min_value, below=False))


class FastSelect(forms.Select):
    """A `<select>` whose options are written in Python instead of one widget template per option: a select
    with 48 prefectures or the category tree cost more to render through Django's templates than the rest
    of the job list (bench/pages.py, issue 9). The markup is the same as Django's select.html and
    select_option.html (attributes through `flatatt`, option groups included)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts: list[str] = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>', str(o["value"]), flatatt(o["attrs"]), o["label"]
                )
                for o in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every part is format_html's escaped output)

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.http import QueryDict
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

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

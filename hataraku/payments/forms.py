from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock, dates, limits
from hataraku.core.forms import ConfirmForm, IdempotentForm, YenField, interpolate_lazy
from hataraku.core.money import YEN_INPUT_MAX

from . import validators
from .constants import PAYOUT_MINIMUM, PAYOUT_TRANSFER_FEE, AccountType, Provider, WithdrawalDestination


def _digits_widget(size: int) -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": size})


def _required(message: Any) -> dict[str, Any]:
    return {"required": message}


class BankAccountForm(forms.Form):
    bank_code = limits.LimitedCharField(
        label=_("銀行コード(4桁)"),
        max_length=limits.BANK_DIGITS,
        help_text=_("通帳やキャッシュカードに書かれている4桁の数字です。例: 0143"),
        widget=_digits_widget(6),
        error_messages=_required(_("銀行コードは4桁の数字で入力してください。")),
    )
    bank_name = limits.LimitedCharField(
        label=_("銀行名"),
        max_length=limits.BANK_NAME,
        help_text=_("例: 八十二銀行"),
        error_messages=_required(_("銀行名を入力してください。")),
    )
    branch_code = limits.LimitedCharField(
        label=_("支店コード(3桁)"),
        max_length=limits.BANK_DIGITS,
        help_text=_("例: 001"),
        widget=_digits_widget(5),
        error_messages=_required(_("支店コードは3桁の数字で入力してください。")),
    )
    branch_name = limits.LimitedCharField(
        label=_("支店名"),
        max_length=limits.BANK_NAME,
        help_text=_("例: 本店営業部"),
        error_messages=_required(_("支店名を入力してください。")),
    )
    account_type = forms.ChoiceField(
        label=_("預金種目"),
        choices=AccountType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("預金種目を「普通」「当座」「貯蓄」から選んでください。"),
            "invalid_choice": _("預金種目を「普通」「当座」「貯蓄」から選んでください。"),
        },
    )
    account_number = limits.LimitedCharField(
        label=_("口座番号(7桁)"),
        max_length=limits.BANK_DIGITS,
        help_text=_("7桁に満たない番号は、前に0を付けて7桁にして登録します(例: 12345 → 0012345)。"),
        widget=_digits_widget(9),
        error_messages=_required(_("口座番号は7桁までの数字で入力してください。")),
    )
    holder_name = limits.LimitedCharField(
        label=_("口座名義(全角カタカナ)"),
        max_length=limits.ACCOUNT_HOLDER,
        help_text=_("通帳と同じ名義をカタカナで入力してください。姓と名の間は空白です。例: ナカムラ サクラ"),
        error_messages=_required(_("口座名義を全角カタカナで入力してください。")),
    )

    def clean_bank_code(self) -> str:
        return validators.clean_bank_code(self.cleaned_data["bank_code"])

    def clean_bank_name(self) -> str:
        return validators.clean_bank_name(self.cleaned_data["bank_name"], label=str(_("銀行名")))

    def clean_branch_code(self) -> str:
        return validators.clean_branch_code(self.cleaned_data["branch_code"])

    def clean_branch_name(self) -> str:
        return validators.clean_bank_name(self.cleaned_data["branch_name"], label=str(_("支店名")))

    def clean_account_number(self) -> str:
        return validators.clean_account_number(self.cleaned_data["account_number"])

    def clean_holder_name(self) -> str:
        return validators.clean_holder_name(self.cleaned_data["holder_name"])


class PayoutRequestForm(ConfirmForm):
    """The amount first; then a summary (transfer fee, what reaches the bank) whose button confirms it."""

    amount = YenField(
        label=_("出金額(円)"),
        min_value=None,
        help_text=interpolate_lazy(
            _("振込手数料(%(fee)s円)を含む金額です。%(min)s円から、出金できる残高まで申し込めます。"),
            {"fee": f"{PAYOUT_TRANSFER_FEE:,}", "min": f"{PAYOUT_MINIMUM:,}"},
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": PAYOUT_MINIMUM, "step": 1}),
        error_messages={
            "required": _("出金額を入力してください。"),
            "invalid": _("出金額は数字で入力してください(例: 5000)。"),
        },
    )


class FundingStartForm(IdempotentForm):
    """How to pay what an escrow asks for. The amount is not the client's to choose: it is the one the
    page showed (a hidden field), and the service refuses it if the ask has changed since."""

    provider = forms.ChoiceField(label=_("お支払い方法"), widget=forms.RadioSelect)
    # Read in clean(): an error on a hidden field would be shown with Django's English "(Hidden field …)".
    amount = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, providers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p, Provider(p).label) for p in providers]
        field.error_messages["required"] = _("お支払い方法を選んでください。")
        field.error_messages["invalid_choice"] = _("お支払い方法を選び直してください。")
        self.initial.setdefault("provider", providers[0])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = str(cleaned.get("amount") or "").strip()
        if raw.isascii() and raw.isdigit() and len(raw) <= 12 and 0 < int(raw) <= YEN_INPUT_MAX:
            cleaned["amount"] = int(raw)
        else:
            cleaned["amount"] = None
            self.add_error(
                None,
                _("お支払いいただく金額が確かめられませんでした。ページを開き直してからお進みください。"),
            )
        return cleaned


class ClientWithdrawalForm(IdempotentForm):
    """How much of her refundable balance a client wants back, and where: her bank account, or — when she
    paid by card and that payment can still take a refund — the card."""

    amount = YenField(
        label=_("出金額(円)"),
        min_value=1,
        help_text=_("振込手数料はかかりません。1円から、返金可能残高まで申し込めます。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "step": 1}),
        error_messages={
            "required": _("出金額を入力してください。"),
            "invalid": _("出金額は数字で入力してください(例: 5000)。"),
            "min_value": _("出金額は1円以上で入力してください。"),
        },
    )
    destination = forms.ChoiceField(
        label=_("返金先"),
        choices=WithdrawalDestination.choices,
        initial=WithdrawalDestination.BANK,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, card_most: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["destination"]
        assert isinstance(field, forms.ChoiceField)
        if card_most <= 0:  # no card payment to refund to: her bank account only, nothing to choose
            field.widget = forms.HiddenInput()
            field.choices = [(WithdrawalDestination.BANK, WithdrawalDestination.BANK.label)]
        else:
            field.help_text = interpolate_lazy(
                _(
                    "カードへの返金は、1回のカード払いにつき¥%(most)sまでです。"
                    "カードの明細に載るまで、カード会社によっては数日から1か月ほどかかります。"
                ),
                {"most": f"{card_most:,}"},
            )

    def clean_destination(self) -> str:
        return str(self.cleaned_data.get("destination") or WithdrawalDestination.BANK)


class BalanceFundingForm(IdempotentForm):
    """Pay what an escrow asks for from the refundable balance. The amount is the one the page showed (a
    hidden field); the service refuses it if the ask has changed since."""

    amount = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = str(cleaned.get("amount") or "").strip()
        if raw.isascii() and raw.isdigit() and len(raw) <= 12 and 0 < int(raw) <= YEN_INPUT_MAX:
            cleaned["amount"] = int(raw)
        else:
            cleaned["amount"] = None
            self.add_error(
                None,
                _("お支払いいただく金額が確かめられませんでした。ページを開き直してからお進みください。"),
            )
        return cleaned


class BatchCreateForm(IdempotentForm):
    transfer_date = dates.DateField(
        label=_("振込日"),
        error_messages={
            "required": _("振込日を入力してください。"),
            "invalid": _("振込日は日付で入力してください。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("transfer_date", clock.today().isoformat())


class PayoutDecisionForm(IdempotentForm):
    reason = limits.LimitedCharField(
        label=_("理由(振込できなかったとき)"), max_length=limits.PAYOUT_FAILURE_REASON, required=False
    )


class PaymentRecordYearForm(forms.Form):
    """Which year of 支払調書 figures to show (a GET form; years with payments, this year first)."""

    year = forms.TypedChoiceField(label=_("年"), coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(y, _("%(year)s年") % {"year": y}) for y in years]

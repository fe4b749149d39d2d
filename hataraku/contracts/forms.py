from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock, dates, limits
from hataraku.core.forms import IdempotentForm, YenField, interpolate_lazy
from hataraku.core.money import YEN_INPUT_MAX

from . import hourly
from .constants import DELIVERY_MAX_FILES, AccommodationKind, AccommodationReason

DATE = forms.DateInput(attrs={"type": "date"})


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DeliveryForm(forms.Form):
    message = limits.LimitedCharField(
        label=_("納品のメッセージ"),
        max_length=limits.DELIVERY_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("何を納品したか、確認してほしい点などを書いてください。"),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("ファイル(任意)"),
        required=False,
        help_text=interpolate_lazy(
            _("PDF・画像・Office文書・テキスト・ZIP。1ファイル20MBまで、一度に%(n)sつまで。"),
            {"n": DELIVERY_MAX_FILES},
        ),
    )


class ReturnForm(forms.Form):
    reason = limits.LimitedCharField(
        label=_("差し戻しの理由"),
        max_length=limits.RETURN_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("どこをどう直してほしいかを具体的に書いてください。差し戻しは2回までです。"),
    )


class ChangeRequestForm(forms.Form):
    milestone = forms.TypedChoiceField(label=_("変更するマイルストーン"), coerce=int)
    due_date = dates.DateField(label=_("新しい納期"), required=False)
    amount = YenField(label=_("新しい金額(円・税込、仮払い前のみ)"), min_value=1, required=False)
    reason = limits.LimitedCharField(
        label=_("変更の理由"), max_length=limits.CHANGE_REASON, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [(m.pk, f"{m.order}. {m.title}") for m in milestones]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A value that failed its own field check was entered: say "one of the two" only when both
        # fields really were left empty, or the summary would contradict the error at the field.
        if self.has_error("due_date") or self.has_error("amount"):
            return data
        if not data.get("due_date") and not data.get("amount"):
            raise forms.ValidationError(_("新しい納期か金額のどちらかを入力してください。"))
        return data


class AccommodationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("お願いの種類"),
        choices=AccommodationKind.choices,
        widget=forms.RadioSelect,
        initial=AccommodationKind.EXTENSION,
    )
    milestone = forms.TypedChoiceField(label=_("対象のマイルストーン"), coerce=int, required=False)
    requested_due_date = dates.DateField(
        label=_("希望する納期"),
        required=False,
        help_text=_("延長をお願いする場合に入力します。"),
    )
    reason = forms.ChoiceField(
        label=_("理由の区分(任意・クライアントには伝わりません)"),
        choices=[("", _("選ばない")), *AccommodationReason.choices],
        required=False,
        help_text=_(
            "選ばなくても送れます。選んだ場合は暗号化して保存し、お願いが断られたときなどに"
            "運営スタッフが事情に配慮して対応するためだけに使います。"
        ),
        error_messages={"invalid_choice": _("理由の区分は一覧から選んでください(選ばなくても送れます)。")},
    )
    note = forms.CharField(
        label=_("運営スタッフへの補足(任意・クライアントには伝わりません)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("事情の詳しい説明は必要ありません。1000文字まで。"),
        error_messages={"max_length": _("補足は1000文字以内にしてください。")},
    )
    consent = forms.BooleanField(
        label=_("理由や補足を、要配慮個人情報として暗号化して保存することに同意します"),
        required=False,
        help_text=_(
            "理由や補足を書くときだけ必要です。同意はいつでも「配慮が必要な理由」のページで撤回でき、"
            "撤回すると保存した理由はすぐに削除されます(お願い自体は残ります)。"
        ),
    )

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", _("選ばない"))] + [  # type: ignore[attr-defined]
            (
                m.pk,
                _("%(order)s. %(title)s(納期 %(due)s)")
                % {"order": m.order, "title": m.title, "due": date_format(m.due_date, "DATE_FORMAT")},
            )
            for m in milestones
        ]


class AnswerForm(forms.Form):
    message = limits.LimitedCharField(
        label=_("ワーカーへのメッセージ"),
        required=False,
        max_length=limits.ACCOMMODATION_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("お断りする場合は、理由や代わりの案を書いてください。"),
    )


class TimeEntryForm(forms.Form):
    # Not `dates.DateField`: hourly time has its own, narrower window (`hourly.work_date_error`).
    work_date = forms.DateField(label=_("作業日"), widget=DATE)
    minutes = forms.IntegerField(label=_("作業時間(分)"), min_value=1, max_value=24 * 60)
    memo = limits.LimitedCharField(label=_("作業メモ"), max_length=limits.TIME_ENTRY_MEMO)

    def __init__(
        self, *args: Any, activated_on: dt.date | None = None, today: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.activated_on = activated_on
        self.today = today or clock.today()
        first = hourly.first_loggable_day(activated_on=activated_on, today=self.today)
        # The browser's date picker offers only the days the service accepts; the service decides.
        field = self.fields["work_date"]
        field.widget = forms.DateInput(
            attrs={"type": "date", "min": first.isoformat(), "max": self.today.isoformat()}
        )
        field.help_text = _("記録できるのは今週と先週の作業です(%(from)sから今日まで)。") % {
            "from": date_format(first, "DATE_FORMAT")
        }

    def clean_work_date(self) -> dt.date:
        day: dt.date = self.cleaned_data["work_date"]
        refusal = hourly.work_date_error(work_date=day, activated_on=self.activated_on, today=self.today)
        if refusal:
            raise forms.ValidationError(refusal, code="work_date_not_loggable")
        return day


class WeekCorrectionRequestForm(forms.Form):
    note = limits.LimitedCharField(
        label=_("直してほしいところ"),
        max_length=limits.RETURN_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "どの日の記録を、どう直してほしいかを具体的に書いてください。修正の依頼は1つの週につき2回までです。"
        ),
    )


class TimeCorrectionForm(forms.Form):
    """One minutes field per logged entry (0 removes it) and one optional new entry, with a reason."""

    reason = limits.LimitedCharField(
        label=_("修正の理由"),
        max_length=limits.CHANGE_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("クライアントが承諾すると、この内容に変わります。"),
    )
    add_work_date = forms.DateField(label=_("追加する作業日(任意)"), widget=DATE, required=False)
    add_minutes = forms.IntegerField(
        label=_("追加する作業時間(分)"), min_value=1, max_value=24 * 60, required=False
    )
    add_memo = limits.LimitedCharField(
        label=_("追加する作業のメモ"), max_length=limits.TIME_ENTRY_MEMO, required=False
    )

    def __init__(self, *args: Any, entries: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = list(entries)
        fields: dict[str, forms.Field] = {}
        for e in self.entries:
            fields[f"entry_{e.pk}"] = forms.IntegerField(
                label=_("%(day)sの「%(memo)s」(分)")
                % {"day": date_format(e.work_date, "MONTH_DAY_FORMAT"), "memo": e.memo[:40]},
                min_value=0,
                max_value=24 * 60,
                initial=e.minutes,
                help_text=_("0にすると、この記録を取り消します。"),
            )
        # The entries first, in the order they were worked; the new entry and the reason after them.
        reason = self.fields.pop("reason")
        self.fields = {**fields, **self.fields, "reason": reason}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        add = [data.get("add_work_date"), data.get("add_minutes"), (data.get("add_memo") or "").strip()]
        if any(add) and not all(add):
            raise forms.ValidationError(
                _("作業を追加するときは、作業日・作業時間・メモをすべて入力してください。")
            )
        return data

    def entry_minutes(self) -> dict[int, int]:
        return {e.pk: self.cleaned_data[f"entry_{e.pk}"] for e in self.entries}

    def additions(self) -> list[dict[str, Any]]:
        if not self.cleaned_data.get("add_work_date"):
            return []
        return [
            {
                "work_date": self.cleaned_data["add_work_date"],
                "minutes": self.cleaned_data["add_minutes"],
                "memo": self.cleaned_data["add_memo"],
            }
        ]


class DisputeForm(forms.Form):
    reason = limits.LimitedCharField(
        label=_("仲介をお願いする理由"),
        max_length=limits.DISPUTE_REASON,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("運営スタッフが双方のお話を伺い、公平に判断します。"),
    )


class DisputeDecisionForm(IdempotentForm):
    worker_amount = YenField(label=_("ワーカーへの支払額(円)"))
    note = limits.LimitedCharField(
        label=_("決定の理由"),
        max_length=limits.DISPUTE_DECISION_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CancellationForm(IdempotentForm):
    """How a funded milestone's money is split if both agree to end it early."""

    worker_amount = forms.IntegerField(
        label=_("ワーカーへの支払額(円・税込)"),
        min_value=0,
        help_text=_("0円にすると全額がクライアントに返金されます。残りはクライアントへの返金になります。"),
    )
    reason = limits.LimitedCharField(
        label=_("取りやめたい理由"),
        max_length=limits.CHANGE_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("どこまで作業が進んだか、なぜこの金額にしたいかを書いてください。相手に伝わります。"),
    )

    def __init__(self, *args: Any, milestone_amount: int = YEN_INPUT_MAX, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker_amount"]
        field.max_value = milestone_amount  # type: ignore[attr-defined]
        field.validators.append(_max_yen(milestone_amount))
        field.widget.attrs.update({"min": 0, "max": milestone_amount, "inputmode": "numeric"})


def _max_yen(limit: int) -> MaxValueValidator:
    return MaxValueValidator(
        limit,
        message=interpolate_lazy(
            _("マイルストーンの金額(%(limit)s円)以下にしてください。"), {"limit": f"{limit:,}"}
        ),
    )


class BonusForm(IdempotentForm):
    amount = YenField(label=_("ボーナスの金額(円・税込)"), min_value=1)
    message = limits.LimitedCharField(
        label=_("ワーカーへのメッセージ(任意)"),
        max_length=limits.CHANGE_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MilestoneAddForm(forms.Form):
    title = limits.LimitedCharField(
        label=_("追加するマイルストーンの名前"), max_length=limits.MILESTONE_TITLE
    )
    amount = YenField(label=_("金額(円・税込)"), min_value=1)
    due_date = dates.DateField(label=_("納期"))
    reason = limits.LimitedCharField(
        label=_("ワーカーへの説明(任意)"),
        max_length=limits.CHANGE_REASON,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

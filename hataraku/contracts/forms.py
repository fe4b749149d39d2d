from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hataraku.core.money import YEN_INPUT_MAX

from .constants import DELIVERY_MAX_FILES, AccommodationKind

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
    message = forms.CharField(
        label=_("納品のメッセージ"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("何を納品したか、確認してほしい点などを書いてください。"),
    )
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("ファイル(任意)"),
        required=False,
        help_text=_("PDF・画像・Office文書・テキスト・ZIP。1ファイル20MBまで、一度に%(n)sつまで。")
        % {"n": DELIVERY_MAX_FILES},
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("差し戻しの理由"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("どこをどう直してほしいかを具体的に書いてください。差し戻しは2回までです。"),
    )


class ChangeRequestForm(forms.Form):
    milestone = forms.TypedChoiceField(label=_("変更するマイルストーン"), coerce=int)
    due_date = forms.DateField(label=_("新しい納期"), widget=DATE, required=False)
    amount = forms.IntegerField(
        label=_("新しい金額(円・税込、仮払い前のみ)"), min_value=1, max_value=YEN_INPUT_MAX, required=False
    )
    reason = forms.CharField(label=_("変更の理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [(m.pk, f"{m.order}. {m.title}") for m in milestones]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
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
    requested_due_date = forms.DateField(
        label=_("希望する納期"),
        widget=DATE,
        required=False,
        help_text=_("延長をお願いする場合に入力します。"),
    )
    note = forms.CharField(
        label=_("補足(任意)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("事情の詳しい説明は必要ありません。"),
    )

    def __init__(self, *args: Any, milestones: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", _("選ばない"))] + [  # type: ignore[attr-defined]
            (m.pk, f"{m.order}. {m.title}({m.due_date:%Y-%m-%d})") for m in milestones
        ]


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("ワーカーへのメッセージ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("お断りする場合は、理由や代わりの案を書いてください。"),
    )


class TimeEntryForm(forms.Form):
    work_date = forms.DateField(label=_("作業日"), widget=DATE)
    minutes = forms.IntegerField(label=_("作業時間(分)"), min_value=1, max_value=24 * 60)
    memo = forms.CharField(label=_("作業メモ"), max_length=500)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("仲介をお願いする理由"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("運営スタッフが双方のお話を伺い、公平に判断します。"),
    )


class DisputeDecisionForm(forms.Form):
    worker_amount = forms.IntegerField(
        label=_("ワーカーへの支払額(円)"), min_value=0, max_value=YEN_INPUT_MAX
    )
    note = forms.CharField(label=_("決定の理由"), widget=forms.Textarea(attrs={"rows": 4}))

"""Forms parse and give field-level Japanese errors; the rules themselves live in services/availability."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hataraku.core import dates, limits
from hataraku.core.prefectures import CHOICES as PREFECTURE_CHOICES
from hataraku.core.validators import normalise_invoice_number, validate_invoice_number

from .availability import Window, week_errors, window_errors
from .constants import (
    MAX_HOURS_PER_WEEK,
    AccessibilityNeed,
    ExceptionKind,
    SensitiveCategory,
    StaffReadPurpose,
    Weekday,
)

_SPLIT_TAGS = re.compile(r"[,、,\n]+")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def split_tags(value: str) -> list[str]:
    return [t.strip() for t in _SPLIT_TAGS.split(value or "") if t.strip()]


def split_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ProfileForm(forms.Form):
    display_name = limits.LimitedCharField(
        label=_("表示名"),
        max_length=limits.DISPLAY_NAME,
        help_text=_("ほかの利用者に表示される名前です。本名でなくてもかまいません。"),
        error_messages={"required": _("表示名を入力してください。")},
    )
    prefecture = forms.ChoiceField(
        label=_("都道府県"),
        choices=[("", _("選んでください")), *PREFECTURE_CHOICES],
        required=False,
        error_messages={"invalid_choice": _("都道府県の選び方が正しくありません。一覧から選んでください。")},
    )
    municipality = limits.LimitedCharField(
        label=_("市区町村"), max_length=limits.MUNICIPALITY, required=False
    )
    skills = limits.LimitedCharField(
        label=_("スキル"),
        required=False,
        max_length=limits.PROFILE_SKILLS,
        help_text=_("読点(、)かカンマで区切ってください。例: データ入力、ライティング、Excel"),
    )
    bio = limits.LimitedCharField(
        label=_("自己紹介"), required=False, max_length=limits.BIO, widget=forms.Textarea
    )
    portfolio_links = limits.LimitedCharField(
        label=_("ポートフォリオのURL"),
        required=False,
        max_length=limits.PORTFOLIO_LINKS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("1行に1つずつ、https:// から始まるURLを入力してください。"),
    )
    qualifications = limits.LimitedCharField(
        label=_("資格・検定"),
        required=False,
        max_length=limits.QUALIFICATIONS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("1行に1つずつ入力してください。例: 日商簿記2級"),
    )
    invoice_number = forms.CharField(
        label=_("適格請求書発行事業者の登録番号(インボイス)"),
        required=False,
        max_length=40,
        help_text=_("登録している方だけ入力してください。「T」と13桁の数字です。例: T1234567890123"),
    )

    def clean_invoice_number(self) -> str:
        number = normalise_invoice_number(self.cleaned_data.get("invoice_number", ""))
        if number:
            validate_invoice_number(number)
        return number


class PreferencesForm(forms.Form):
    max_hours_per_week = forms.IntegerField(
        label=_("1週間に働ける時間の上限(時間)"),
        required=False,
        min_value=0,
        max_value=MAX_HOURS_PER_WEEK,
        help_text=_("空のままなら上限なしとして扱います。"),
        error_messages={
            "min_value": _("0時間以上で入力してください。"),
            "max_value": _("1週間は168時間です。168以下の数で入力してください。"),
            "invalid": _("半角の整数で入力してください。"),
        },
    )
    min_block_minutes = forms.IntegerField(
        label=_("続けて作業できる最短の時間(分)"),
        required=False,
        min_value=1,
        max_value=24 * 60,
        help_text=_("この長さより短い細切れの作業でも大丈夫、という目安です。例: 30"),
        error_messages={
            "min_value": _("1分以上で入力してください。"),
            "max_value": _("1440分(24時間)以下で入力してください。"),
            "invalid": _("半角の整数で入力してください。"),
        },
    )
    accepts_voice = forms.BooleanField(label=_("音声通話もできます"), required=False)
    accepts_video = forms.BooleanField(label=_("ビデオ通話もできます"), required=False)
    no_meetings = forms.BooleanField(label=_("打ち合わせ(会議)には参加できません"), required=False)
    quiet_start = forms.TimeField(
        label=_("通知を控える時間(開始)"),
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": _("時刻を「22:00」のように入力してください。")},
    )
    quiet_end = forms.TimeField(
        label=_("通知を控える時間(終了)"),
        required=False,
        widget=TIME_WIDGET,
        help_text=_("夜中の0時をまたいでもかまいません(例: 21:00〜7:00)。"),
        error_messages={"invalid": _("時刻を「7:00」のように入力してください。")},
    )
    accessibility = forms.MultipleChoiceField(
        label=_("アクセシビリティ(使い方に合わせた配慮)"),
        required=False,
        choices=AccessibilityNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "当てはまるものを選んでください。暗号化して保存し、あなたに合う仕事を探すためだけに使います。"
            "依頼者や運営スタッフには見せません。"
        ),
        error_messages={"invalid_choice": _("アクセシビリティの項目は一覧から選んでください。")},
    )
    show_accessibility_publicly = forms.BooleanField(
        label=_("アクセシビリティの情報を公開プロフィールに表示する"),
        required=False,
        help_text=_(
            "オンにすると、あなたの公開プロフィールを開いた人(ログインしている依頼者やワーカー)に、"
            "上で選んだ項目が表示されます。初めはオフです。いつでもオフに戻せます。"
        ),
    )
    consent = forms.BooleanField(
        label=_("アクセシビリティの情報を、要配慮個人情報として保存することに同意します"),
        required=False,
        help_text=_("項目を選ぶときに必要です。同意はいつでも「配慮が必要な理由」のページで撤回できます。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error(
                "quiet_end" if end is None else "quiet_start",
                _("通知を控える時間は、開始と終了の両方を入力してください(使わないときは両方とも空に)。"),
            )
        elif start is not None and start == end:
            self.add_error("quiet_end", _("通知を控える時間の開始と終了が同じです。"))
        return data


class WindowForm(forms.Form):
    """One weekly window. A row left completely empty is ignored, so an unused row is harmless; a row
    with only some values gets an error, so a half-typed window is never silently dropped."""

    weekday = forms.TypedChoiceField(
        label=_("曜日"),
        choices=[("", _("曜日を選ぶ")), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("曜日を一覧から選んでください。")},
    )
    start = forms.TimeField(
        label=_("開始"),
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": _("時刻を「13:00」のように入力してください。")},
    )
    end = forms.TimeField(
        label=_("終了"),
        required=False,
        widget=TIME_WIDGET,
        error_messages={"invalid": _("時刻を「14:30」のように入力してください。")},
    )
    crosses_midnight = forms.BooleanField(label=_("日付をまたぐ"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        start, end, weekday = data.get("start"), data.get("end"), data.get("weekday")
        if start is None and end is None and weekday is None:
            data["blank"] = True
            return data
        if start is None:
            self.add_error("start", _("開始の時刻を入力してください。"))
        if end is None:
            self.add_error("end", _("終了の時刻を入力してください。"))
        if weekday is None:
            self.add_error("weekday", _("曜日を選んでください。"))
        if self.errors:
            return data
        for message in window_errors(self.window(data)):
            self.add_error("end", message)
        return data

    @staticmethod
    def window(data: dict[str, Any]) -> Window:
        return Window(
            weekday=int(data["weekday"]),
            start=data["start"],
            end=data["end"],
            crosses_midnight=bool(data.get("crosses_midnight")),
        )


class BaseWindowFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        errors = week_errors(self.windows())
        if errors:
            raise ValidationError(errors)

    def windows(self) -> list[Window]:
        return [
            WindowForm.window(f.cleaned_data)
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("blank")
        ]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=0, max_num=50, validate_max=True, absolute_max=60
)


class DateExceptionForm(forms.Form):
    date = dates.DateField(
        label=_("日付"),
        error_messages={
            "required": _("日付を入力してください。"),
            "invalid": _("日付を「2026-12-24」のように入力してください。"),
        },
    )
    kind = forms.ChoiceField(
        label=_("種類"),
        choices=ExceptionKind.choices,
        widget=forms.RadioSelect,
        initial=ExceptionKind.DAY_OFF,
        error_messages={
            "required": _("種類を選んでください。"),
            "invalid_choice": _("種類を一覧から選んでください。"),
        },
    )
    note = forms.CharField(
        label=_("メモ(任意)"),
        required=False,
        max_length=200,
        help_text=_("暗号化して保存し、あなただけが見られます。200文字まで。"),
        error_messages={"max_length": _("メモは200文字以内にしてください。")},
    )


class SensitiveReasonsForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("時間や働き方に配慮が必要な理由"),
        choices=SensitiveCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("理由は一覧から選んでください。")},
    )
    note = limits.LimitedCharField(
        label=_("補足(任意)"),
        required=False,
        max_length=limits.SENSITIVE_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("運営スタッフに知っておいてほしいことがあれば書いてください。"),
    )
    consent = forms.BooleanField(
        label=_("上の説明を読み、この情報を保存することに同意します"),
        required=False,
    )


class StaffRevealForm(forms.Form):
    """Staff say why before special-care information is shown; the purpose goes into the audit row."""

    purpose = forms.ChoiceField(
        label=_("閲覧する目的"),
        choices=[("", _("目的を選ぶ")), *StaffReadPurpose.choices],
        error_messages={
            "required": _("閲覧する目的を選んでください。"),
            "invalid_choice": _("閲覧する目的を一覧から選んでください。"),
        },
    )
    detail = forms.CharField(
        label=_("目的の説明(任意)"),
        required=False,
        max_length=200,
        help_text=_("問い合わせ番号や契約名など、あとで記録を見た人にわかるように書いてください。"),
        error_messages={"max_length": _("目的の説明は200文字以内にしてください。")},
    )


class AvailabilityVisibilityForm(forms.Form):
    availability_hidden = forms.BooleanField(
        label=_("働ける時間の目安(1週間の時間と、朝・昼・夕方・夜)を依頼者に見せない"),
        required=False,
        help_text=_("チェックすると、応募を見た依頼者には「非公開」と表示されます。"),
    )
    directory_hidden = forms.BooleanField(
        label=_("依頼者がスカウトに使うワーカーの一覧に載せない"),
        required=False,
        help_text=_(
            "チェックすると、一覧にあなたは出てきません。応募した仕事の依頼者には、これまでどおり見えます。"
        ),
    )


class DirectoryFilterForm(forms.Form):
    skill = forms.CharField(label=_("スキル"), required=False, max_length=40)
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", _("すべて")), *PREFECTURE_CHOICES], required=False
    )
    band = forms.ChoiceField(
        label=_("働ける時間帯"),
        choices=[
            ("", _("すべて")),
            ("morning", _("朝")),
            ("daytime", _("昼")),
            ("evening", _("夕方")),
            ("night", _("夜")),
        ],
        required=False,
    )
    verified = forms.BooleanField(label=_("本人確認済みの人だけ"), required=False)

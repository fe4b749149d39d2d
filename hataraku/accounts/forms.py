from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hataraku.core import limits

from .constants import ClientKind, IdentityCheck, ReportCategory
from .models import Municipality
from .municipalities import PREFECTURE_CHOICES


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form. allauth calls `signup()` after it has created the user."""

    display_name = limits.LimitedCharField(
        label=_("表示名"),
        max_length=limits.DISPLAY_NAME,
        help_text=_("ほかの利用者に表示される名前です。本名でなくてもかまいません。"),
    )
    want_work = forms.BooleanField(label=_("仕事を受けたい(ワーカー)"), required=False, initial=True)
    want_hire = forms.BooleanField(label=_("仕事を依頼したい(クライアント)"), required=False)
    client_kind = forms.ChoiceField(
        label=_("依頼するときの立場"),
        choices=[("", _("選んでください")), *ClientKind.choices],
        required=False,
        help_text=_("「仕事を依頼したい」を選んだときに選んでください。"),
    )
    company_name = limits.LimitedCharField(
        label=_("会社名・屋号"),
        max_length=limits.COMPANY_NAME,
        required=False,
        help_text=_("法人として依頼する場合に入力してください。"),
    )

    field_order = ["email", "display_name", "password1", "password2", "want_work", "want_hire"]
    # Shown together in one fieldset on the sign-up page (templates/account/signup.html).
    role_fields = ("want_work", "want_hire", "client_kind", "company_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("want_work") and not data.get("want_hire"):
            raise forms.ValidationError(
                _("「仕事を受けたい」か「仕事を依頼したい」の少なくとも一つを選んでください。"),
                code="no_role",
            )
        if data.get("want_hire") and not data.get("client_kind"):
            self.add_error("client_kind", _("個人か法人かを選んでください。"))
        if data.get("client_kind") == ClientKind.COMPANY and not data.get("company_name"):
            self.add_error("company_name", _("法人として依頼する場合は会社名を入力してください。"))
        return data

    def signup(self, request: Any, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.is_worker = bool(self.cleaned_data.get("want_work"))
        user.is_client = bool(self.cleaned_data.get("want_hire"))
        user.client_kind = self.cleaned_data.get("client_kind") or ""
        user.company_name = self.cleaned_data.get("company_name") or ""
        user.save()


class AccountSettingsForm(forms.Form):
    display_name = limits.LimitedCharField(
        label=_("表示名"),
        max_length=limits.DISPLAY_NAME,
        help_text=_("ほかの利用者に表示される名前です。本名でなくてもかまいません。"),
    )
    preferred_language = forms.ChoiceField(label=_("表示言語"), choices=settings.LANGUAGES)


class AddClientRoleForm(forms.Form):
    client_kind = forms.ChoiceField(
        label=_("依頼するときの立場"),
        choices=ClientKind.choices,
        widget=forms.RadioSelect,
    )
    company_name = limits.LimitedCharField(
        label=_("会社名・屋号"),
        max_length=limits.COMPANY_NAME,
        required=False,
        help_text=_("法人として依頼する場合に入力してください。"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("client_kind") == ClientKind.COMPANY and not (data.get("company_name") or "").strip():
            self.add_error("company_name", _("法人として依頼する場合は会社名を入力してください。"))
        return data


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("現在のパスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(
        label=_("退会すると元に戻せないこと、報酬などの取引記録は法律に従って匿名で残ることを理解しました"),
        error_messages={"required": _("退会するには、確認のチェックを入れてください。")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("パスワードが正しくありません。"), code="wrong_password")
        return password


class VerificationForm(forms.Form):
    document = forms.FileField(
        label=_("本人確認書類"),
        help_text=_(
            "運転免許証・マイナンバーカード(表面のみ)などの画像かPDF(10MBまで)。確認が終わると削除します。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class VerificationReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("判断"),
        choices=[("approve", _("承認する")), ("reject", _("承認しない"))],
        widget=forms.RadioSelect,
    )
    reason = limits.LimitedCharField(
        label=_("理由(承認しない場合は必須・ご本人に伝わります)"),
        required=False,
        max_length=limits.VERIFICATION_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- staff manage people, and reports to staff (issue 10, items 7 and 8) -------------------------------


class PeopleSearchForm(forms.Form):
    q = limits.LimitedCharField(
        label=_("メールアドレス・名前・ID"),
        max_length=limits.PEOPLE_SEARCH,
        required=False,
        help_text=_("一部だけでも探せます。数字だけなら、そのIDの方を先に表示します。"),
    )


class MunicipalRoleForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("所属する自治体"),
        queryset=Municipality.objects.none(),
        empty_label=_("選んでください"),
        error_messages={"required": _("所属する自治体を選んでください。")},
    )
    department = limits.LimitedCharField(
        label=_("部署(任意)"),
        max_length=limits.MUNICIPAL_DEPARTMENT,
        required=False,
        help_text=_("例: 商工・マーケティング課"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by(  # type: ignore[attr-defined]
            "prefecture", "jis_code"
        )
        self.fields["municipality"].label_from_instance = lambda m: f"{m}({m.jis_code})"  # type: ignore[attr-defined]


class SuspensionForm(forms.Form):
    reason = limits.LimitedCharField(
        label=_("理由(ご本人に伝わります)"),
        max_length=limits.SUSPENSION_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("理由を入力してください。")},
    )


class ReinstateForm(forms.Form):
    reason = limits.LimitedCharField(
        label=_("解除の理由(記録に残ります)"),
        max_length=limits.SUSPENSION_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("理由を入力してください。")},
    )


class SecondFactorResetForm(forms.Form):
    identity_check = forms.ChoiceField(
        label=_("ご本人であることをどう確かめましたか"),
        choices=IdentityCheck.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("どう確かめたかを選んでください。")},
    )
    note = limits.LimitedCharField(
        label=_("確認した内容"),
        max_length=limits.IDENTITY_CHECK_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("日時、照合した書類や連絡先など、あとで別のスタッフが読んでわかるように書いてください。"),
        error_messages={"required": _("確認した内容を書いてください。")},
    )
    confirmed = forms.BooleanField(
        label=_(
            "ご本人であることを確かめました。リセットすると、この方の認証アプリ・パスキー・リカバリーコードが削除され、ログイン中の端末はすべてログアウトします"
        ),
        error_messages={"required": _("リセットするには、確認のチェックを入れてください。")},
    )


class MunicipalityForm(forms.Form):
    name = limits.LimitedCharField(
        label=_("自治体名"), max_length=limits.MUNICIPALITY, help_text=_("例: 日南市")
    )
    prefecture = forms.ChoiceField(
        label=_("都道府県"), choices=[("", _("選んでください")), *PREFECTURE_CHOICES]
    )
    jis_code = forms.CharField(
        label=_("全国地方公共団体コード(6桁)"),
        max_length=6,
        help_text=_("検査数字を含む6桁の半角数字です(例: 日南市は452041)。総務省の一覧で確かめてください。"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("報告する理由"),
        choices=ReportCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("報告する理由を選んでください。")},
    )
    body = limits.LimitedCharField(
        label=_("くわしい内容(任意・「その他」のときは必須)"),
        max_length=limits.REPORT_BODY,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("運営スタッフだけが読みます。報告したことは相手には伝わりません。"),
    )


class ReportResolveForm(forms.Form):
    note = limits.LimitedCharField(
        label=_("対応のメモ(運営スタッフだけが読みます)"),
        max_length=limits.REPORT_RESOLUTION_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("どう対応したかを書いてください。")},
    )

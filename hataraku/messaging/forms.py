from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hataraku.core import limits
from hataraku.core.forms import interpolate_lazy

from .constants import MAX_ATTACHMENTS_PER_MESSAGE, EmailMode


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one control; the service checks type, size and count (and says why in Japanese)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class MessageForm(forms.Form):
    body = limits.LimitedCharField(
        # The field holds one message; the bare word is the navigation's "Messages" (plural) in English.
        label=pgettext_lazy("message form field", "メッセージ"),
        required=False,
        max_length=limits.MESSAGE_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(
        label=_("添付ファイル(任意)"),
        required=False,
        help_text=interpolate_lazy(
            _("PDF・PNG・JPEG・TXT・CSV・Word(docx)・Excel(xlsx)を、1つ10MBまで、%(max)s個まで送れます。"),
            {"max": MAX_ATTACHMENTS_PER_MESSAGE},
        ),
    )


HOUR_CHOICES = [(h, f"{h}:00") for h in range(24)]


class NotificationPreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(
        label=_("メールでのお知らせ"),
        choices=EmailMode.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "画面のお知らせはいつでも届きます。通知を控える時間のメールは、その時間が終わってから送ります。"
        ),
    )
    digest_hour = forms.TypedChoiceField(
        label=_("まとめて送る時刻"),
        choices=HOUR_CHOICES,
        coerce=int,
        help_text=_("「1日1回まとめて送る」を選んだときに使います。"),
    )

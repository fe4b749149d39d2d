from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hataraku.core import limits

from .constants import MAX_QUERY_LENGTH, Frequency


class SavedSearchForm(forms.Form):
    name = limits.LimitedCharField(
        label=_("名前"),
        max_length=limits.SAVED_SEARCH_NAME,
        help_text=_("あとで見分けやすい名前にしてください(例: 在宅の翻訳)。"),
    )
    alerts_on = forms.BooleanField(label=_("この条件に合う新しい仕事を知らせる"), required=False)
    alert_in_app = forms.BooleanField(label=_("サイト内のお知らせで知らせる"), required=False)
    alert_email = forms.BooleanField(label=_("メールで知らせる"), required=False)
    frequency = forms.ChoiceField(
        label=_("知らせる頻度"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.IMMEDIATE,
        help_text=_("「1日1回まとめて」は、お知らせの設定の時刻(はじめは8時)に1通にまとめます。"),
    )

    @classmethod
    def initial_from(cls, search: object) -> dict[str, object]:
        return {name: getattr(search, name) for name in cls.base_fields if hasattr(search, name)}


class NewSavedSearchForm(SavedSearchForm):
    # The job list's query string, as the page drew it; checked again by the job list's own form on save.
    query = forms.CharField(widget=forms.HiddenInput, max_length=MAX_QUERY_LENGTH, required=False)

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hataraku.core import limits

from .constants import RATING_CHOICES, RATING_FIELDS


class ReviewForm(forms.Form):
    """Five 1–5 radio groups (each a fieldset with a legend) and a comment."""

    comment = limits.LimitedCharField(
        label=_("コメント(任意)"),
        required=False,
        max_length=limits.REVIEW_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("相手に伝えたいことを、事実にもとづいて書いてください。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rating_fields = {
            name: forms.TypedChoiceField(
                label=label,
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("1から5のどれかを選んでください。")},
            )
            for name, label in RATING_FIELDS
        }
        comment = self.fields.pop("comment")
        self.fields = {**rating_fields, "comment": comment}  # type: ignore[assignment]

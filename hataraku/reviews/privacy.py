"""The reviews app's part of the personal-data download and of account deletion.

On deletion, reviews *about* the person are deleted (they only describe them). Reviews they *wrote*
stay, because they belong to the other party's reputation and client stats; the reviewer is the
anonymised user row, shown as 「退会したユーザー」.
"""

from __future__ import annotations

from typing import Any

from .models import Review
from .selectors import visible_reviews_for

FIELDS = (
    ("skill", "スキル"),
    ("quality", "仕事の質"),
    ("schedule", "スケジュール"),
    ("communication", "コミュニケーション"),
    ("partnership", "また一緒に仕事をしたいか"),
)


def _row(review: Review) -> dict[str, Any]:
    return {
        "契約": review.contract.title,
        **{label: getattr(review, name) for name, label in FIELDS},
        "コメント": review.comment,
        "日時": review.submitted_at.isoformat(),
    }


def export_user_data(user: Any) -> dict[str, Any]:
    # Reviews about the person are exported only once visible: a hidden review is not yet theirs to see,
    # and exporting it would defeat the rule that protects the reviewer.
    return {
        "送った評価": [
            _row(r) for r in Review.objects.filter(reviewer=user).select_related("contract").order_by("pk")
        ],
        "受け取った評価(公開済み)": [_row(r) for r in visible_reviews_for(user)],
    }


def erase_user_data(user: Any) -> None:
    Review.objects.filter(reviewee=user).delete()

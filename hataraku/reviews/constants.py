from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hataraku.core import limits

# Reviews stay hidden until both sides have written theirs, or this many days after completion, so that
# neither side writes in fear of (or in answer to) the other's review.
REVIEW_HIDDEN_DAYS = 14
MAX_COMMENT_LENGTH = limits.REVIEW_COMMENT

RATING_FIELDS: tuple[tuple[str, StrOrPromise], ...] = (
    ("skill", _("スキル")),
    ("quality", _("仕事の質")),
    ("schedule", _("スケジュール")),
    ("communication", _("コミュニケーション")),
    ("partnership", _("また一緒に仕事をしたいか")),
)
RATING_NAMES = tuple(name for name, _label in RATING_FIELDS)
RATING_CHOICES = [
    (5, _("5(とても良い)")),
    (4, _("4(良い)")),
    (3, _("3(ふつう)")),
    (2, _("2(あまり良くない)")),
    (1, _("1(良くない)")),
]

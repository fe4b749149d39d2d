"""The words of the trade a newcomer may not know, each with one short explanation (docs/COPY.md § ことばの
説明). Pages say them where they first appear with `{% explain "acceptance" "escrow" %}`
(core/templatetags/glossary.py): a closed 「…とは」 disclosure holding a definition list, so the page stays
short for those who know and the explanation is one press away (keyboard and screen readers included).

Keys are ASCII so that templates hold no Japanese outside `{% translate %}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Term:
    word: str | Promise
    explanation: str | Promise


TERMS: dict[str, Term] = {
    "milestone": Term(
        _("マイルストーン"),
        _(
            "お仕事をいくつかの区切りに分けたものです。区切りごとに仮払い・納品・検収をして、"
            "区切りごとに報酬が支払われます。"
        ),
    ),
    "escrow": Term(
        _("仮払い"),
        _(
            "クライアントが、お仕事の代金を先に Hataraku に預けることです。ワーカーは仮払いが済んでから"
            "作業を始めるので、報酬が支払われないことはありません。"
        ),
    ),
    "acceptance": Term(
        _("検収"),
        _(
            "納品されたものをクライアントが確かめて、受け取ることです。検収すると、仮払いで預けたお金から"
            "ワーカーに報酬が支払われます。クライアントから返事がないまま期限が来ると、自動で検収されます。"
        ),
    ),
    "withholding": Term(
        _("源泉徴収"),
        _(
            "原稿やデザインなど一部のお仕事では、法律(所得税法 第204条)により、報酬から所得税を先に差し引いて"
            "国に納めます。差し引かれた分は、確定申告で精算できます。"
        ),
    ),
    "qualified_invoice": Term(
        _("適格請求書(インボイス)"),
        _(
            "消費税のインボイス制度で使う請求書です。税務署に登録した人(「T」から始まる登録番号がある人)だけが"
            "出せます。登録していなくても、お仕事は受けられます。"
        ),
    ),
}


def terms(*keys: str) -> list[Term]:
    """The terms for `keys`, in that order; an unknown key is a programming error, said at once."""
    return [TERMS[key] for key in keys]

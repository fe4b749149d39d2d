"""The fixed category tree. Withholding flags follow 所得税法204条1項1号 (原稿・デザイン・翻訳 等の報酬).

Loaded by migration 0002 and re-ensured by the demo and the tests: a transactional test flushes every
table, data migrations included, so code that needs the tree calls `ensure_categories()`.

The names are stored in Japanese and shown in the reader's language through the gettext catalogue, keyed
by the stored name (`Category.label`): the tree ships with the code, so its names are product copy like any
other label, translated where translators already work, for every language at once, with no second column
to keep in step by data migrations. `gettext_noop` only marks them for `make messages`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from .labels import category_label

__all__ = ["TREE", "category_label", "ensure_categories"]

# (slug, name, requires_withholding, children[(slug, name, requires_withholding)])
TREE: list[tuple[str, str, bool, list[tuple[str, str, bool]]]] = [
    (
        "dev",
        gettext_noop("システム開発"),
        False,
        [
            ("dev-web-app", gettext_noop("Webアプリ開発"), False),
            ("dev-tools", gettext_noop("業務効率化ツール"), False),
            ("dev-test", gettext_noop("テスト・検証"), False),
        ],
    ),
    (
        "web",
        gettext_noop("Web制作"),
        False,
        [
            ("web-site", gettext_noop("ホームページ制作"), False),
            ("web-update", gettext_noop("サイト更新作業"), False),
            ("web-a11y", gettext_noop("アクセシビリティ改善"), False),
        ],
    ),
    (
        "design",
        gettext_noop("デザイン"),
        True,
        [
            ("design-logo", gettext_noop("ロゴ・名刺"), True),
            ("design-banner", gettext_noop("バナー・チラシ"), True),
            ("design-illust", gettext_noop("イラスト"), True),
        ],
    ),
    (
        "writing",
        gettext_noop("ライティング"),
        True,
        [
            ("writing-article", gettext_noop("記事作成"), True),
            ("writing-proofread", gettext_noop("校正・校閲"), True),
            ("writing-sns", gettext_noop("SNS投稿文"), True),
        ],
    ),
    (
        "translation",
        gettext_noop("翻訳"),
        True,
        [
            ("translation-en", gettext_noop("英語翻訳"), True),
            ("translation-other", gettext_noop("その他の言語"), True),
        ],
    ),
    (
        "office",
        gettext_noop("事務・データ入力"),
        False,
        [
            ("office-entry", gettext_noop("データ入力"), False),
            ("office-bookkeeping", gettext_noop("経理・記帳の確認"), False),
            ("office-research", gettext_noop("リサーチ・リスト作成"), False),
        ],
    ),
    (
        "media",
        gettext_noop("動画・音声"),
        False,
        [
            ("media-transcribe", gettext_noop("文字起こし"), False),
            ("media-edit", gettext_noop("動画編集"), False),
            ("media-narration", gettext_noop("ナレーション"), True),
        ],
    ),
    (
        "marketing",
        gettext_noop("マーケティング"),
        False,
        [
            ("marketing-sns", gettext_noop("SNS運用"), False),
            ("marketing-survey", gettext_noop("アンケート・調査"), False),
        ],
    ),
    ("other", gettext_noop("その他"), False, [("other-misc", gettext_noop("その他の仕事"), False)]),
]


def ensure_categories(Category: Any = None) -> None:
    """Create or correct the tree. Cheap when it is already complete (one query)."""
    if Category is None:
        from .models import Category
    slugs = [slug for slug, _n, _w, children in TREE for slug in [slug, *(c[0] for c in children)]]
    if Category.objects.filter(slug__in=slugs).count() == len(slugs):
        return
    for i, (slug, name, withholding, children) in enumerate(TREE):
        parent, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "order": i * 10, "requires_withholding": withholding, "parent": None},
        )
        for j, (cslug, cname, cwith) in enumerate(children):
            Category.objects.update_or_create(
                slug=cslug,
                defaults={
                    "name": cname,
                    "order": i * 10 + j + 1,
                    "requires_withholding": cwith,
                    "parent": parent,
                },
            )

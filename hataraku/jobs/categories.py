"""The fixed category tree. Withholding flags follow 所得税法204条1項1号 (原稿・デザイン・翻訳 等の報酬).

Loaded by migration 0002 and re-ensured by the demo and the tests: a transactional test flushes every
table, data migrations included, so code that needs the tree calls `ensure_categories()`."""

from __future__ import annotations

from typing import Any

# (slug, name, requires_withholding, children[(slug, name, requires_withholding)])
TREE: list[tuple[str, str, bool, list[tuple[str, str, bool]]]] = [
    (
        "dev",
        "システム開発",
        False,
        [
            ("dev-web-app", "Webアプリ開発", False),
            ("dev-tools", "業務効率化ツール", False),
            ("dev-test", "テスト・検証", False),
        ],
    ),
    (
        "web",
        "Web制作",
        False,
        [
            ("web-site", "ホームページ制作", False),
            ("web-update", "サイト更新作業", False),
            ("web-a11y", "アクセシビリティ改善", False),
        ],
    ),
    (
        "design",
        "デザイン",
        True,
        [
            ("design-logo", "ロゴ・名刺", True),
            ("design-banner", "バナー・チラシ", True),
            ("design-illust", "イラスト", True),
        ],
    ),
    (
        "writing",
        "ライティング",
        True,
        [
            ("writing-article", "記事作成", True),
            ("writing-proofread", "校正・校閲", True),
            ("writing-sns", "SNS投稿文", True),
        ],
    ),
    (
        "translation",
        "翻訳",
        True,
        [("translation-en", "英語翻訳", True), ("translation-other", "その他の言語", True)],
    ),
    (
        "office",
        "事務・データ入力",
        False,
        [
            ("office-entry", "データ入力", False),
            ("office-bookkeeping", "経理・記帳の確認", False),
            ("office-research", "リサーチ・リスト作成", False),
        ],
    ),
    (
        "media",
        "動画・音声",
        False,
        [
            ("media-transcribe", "文字起こし", False),
            ("media-edit", "動画編集", False),
            ("media-narration", "ナレーション", True),
        ],
    ),
    (
        "marketing",
        "マーケティング",
        False,
        [("marketing-sns", "SNS運用", False), ("marketing-survey", "アンケート・調査", False)],
    ),
    ("other", "その他", False, [("other-misc", "その他の仕事", False)]),
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

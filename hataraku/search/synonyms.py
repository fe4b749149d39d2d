"""Words a person would expect to mean the same thing (a small table, measured by the relevance set in
bench/data/). Matching is on whole query words after normalisation (search/text.py), so 「ｴｸｾﾙ」 and
「エクセル」 both expand; a word is never rewritten inside a longer one.

- GROUPS: each word finds what any word of its group finds (spelling in katakana or Latin, a common
  other name for the same work).
- WIDER: one-way: the word also finds jobs holding *all* of the listed words (「英訳」 is 英語 and 翻訳;
  「英語 翻訳」 does not turn into 「英訳」 only).
- FACETS: the word also finds jobs with an attribute (「初心者歓迎」 finds jobs marked beginner welcome
  whatever their text says).
"""

from __future__ import annotations

GROUPS: tuple[tuple[str, ...], ...] = (
    ("excel", "エクセル"),
    ("wordpress", "ワードプレス"),
    ("web", "ウェブ"),
    ("webサイト", "ウェブサイト", "ホームページ"),
    ("instagram", "インスタグラム", "インスタ"),
    ("youtube", "ユーチューブ"),
    ("文字起こし", "テープ起こし"),
    ("データ入力", "入力作業"),
    ("illustrator", "イラストレーター"),
    ("photoshop", "フォトショップ"),
    ("python", "パイソン"),
    ("javascript", "ジャバスクリプト"),
)

WIDER: dict[str, tuple[tuple[str, ...], ...]] = {
    "英訳": (("英語", "翻訳"),),
    "和訳": (("英語", "翻訳"), ("英文", "翻訳")),
    "経理": (("簿記",), ("記帳",), ("会計",)),
    "記帳": (("簿記",), ("帳簿",)),
    "誤字脱字": (("校正",),),
    "市場調査": (("調査", "比較"),),
    "動作テスト": (("テスト", "確認"),),
}

FACETS: dict[str, str] = {
    "初心者": "zbeginner",
    "初心者歓迎": "zbeginner",
    "未経験": "zbeginner",
    "未経験歓迎": "zbeginner",
    "打ち合わせなし": "zmnone",
    "打合せなし": "zmnone",
    "通話なし": "zmnone",
}

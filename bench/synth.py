"""Realistic synthetic Japanese jobs (and workers) for benchmarks and relevance sets.

    uv run python bench/synth.py jobs --n 1000 --seed 1 > jobs.jsonl
    uv run python bench/synth.py workers --n 100 --seed 1 > workers.jsonl

Each job comes from a *topic* (a kind of work a client would post: 「英語の翻訳」「記帳の確認」…) in one of the
platform's leaf categories, so titles, descriptions and skills read like real postings and vary: a title is
a topic title with optional tags (【初心者歓迎】, 【在宅】, 継続…), a description is the topic's own sentences
in a random order followed by sentences that follow from the work-style attributes (meetings, interruption,
shortest block, deadline). Work-style attributes are drawn with plausible correlations (scheduled calls
mostly for web and development; beginner welcome mostly for data entry and simple writing).

Lines follow the formats of `hataraku search eval` and `hataraku match eval` (README): `id`, `title`,
`description`, `category` (leaf slug), `skills`, `pay_type`, `pay_min_yen`, `pay_max_yen`, `effort_hours`,
`deadline_days`, `meetings`, `call_modes`, `meeting_times`, `interruptible`, `min_block_minutes`,
`beginner_welcome`, `accessibility_notes`, `prefecture`, `client`; and `topic` (the topic key, what the
relevance judgements of bench/data/search_queries.jsonl were made from).

Deterministic for a seed; fast enough for a million jobs (plain string joins, no templates engine).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True)
class Topic:
    key: str
    category: str  # leaf category slug (hataraku/jobs/categories.py)
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    skills: tuple[str, ...]
    hours: tuple[int, int]  # effort range
    pay: tuple[int, int]  # hourly-equivalent yen range


T = Topic
TOPICS: tuple[Topic, ...] = (
    # --- システム開発
    T(
        "webapp-django",
        "dev-web-app",
        (
            "Djangoで予約管理アプリの機能追加",
            "社内向けWebアプリの改修(Python/Django)",
            "会員サイトのログイン機能の実装",
        ),
        (
            "既存のDjangoアプリに新しい画面を追加していただきます。",
            "テストコードも書いていただける方を歓迎します。",
            "GitHubでのプルリクエストで進めます。",
            "PythonとSQLの基本がわかる方にお願いしたいです。",
        ),
        ("Python", "Django", "SQL", "Git"),
        (20, 80),
        (2000, 4000),
    ),
    T(
        "webapp-php",
        "dev-web-app",
        (
            "PHPで作られた受注システムの不具合修正",
            "Laravelアプリの機能改修",
            "ECサイトのカート機能の改善(PHP)",
        ),
        (
            "PHP(Laravel)で作られたシステムの保守をお願いします。",
            "不具合の原因調査から修正までお任せします。",
            "本番環境の作業はこちらで行います。",
        ),
        ("PHP", "Laravel", "MySQL"),
        (10, 60),
        (1800, 3500),
    ),
    T(
        "tools-excel-vba",
        "dev-tools",
        (
            "Excelマクロ(VBA)で請求書の自動作成",
            "エクセルVBAで集計作業を自動化",
            "Googleスプレッドシートの関数・GAS作成",
        ),
        (
            "毎月手作業で行っている集計をマクロで自動化したいです。",
            "VBAまたはGoogle Apps Scriptでの作成をお願いします。",
            "完成後に使い方の簡単な説明をお願いします。",
            "Excelの表の構成はこちらで用意しています。",
        ),
        ("Excel", "VBA", "Googleスプレッドシート", "GAS"),
        (5, 30),
        (1500, 3000),
    ),
    T(
        "test-manual",
        "dev-test",
        (
            "スマホアプリの動作テスト",
            "Webサイトの表示確認テスト(複数ブラウザ)",
            "新機能のテスト項目に沿った検証作業",
        ),
        (
            "テスト項目表に沿って操作し、結果を記入していただきます。",
            "iPhoneとAndroidの両方で確認できる方を歓迎します。",
            "不具合を見つけたら画面のスクリーンショットを添えて報告してください。",
        ),
        ("テスト", "スマートフォン", "Excel"),
        (3, 20),
        (1100, 1800),
    ),
    # --- Web制作
    T(
        "site-wordpress",
        "web-site",
        (
            "WordPressでホームページ制作",
            "小さな店舗のホームページ作成(WordPress)",
            "コーポレートサイトのリニューアル",
        ),
        (
            "WordPressで5ページほどのサイトを作っていただきます。",
            "スマホでも見やすいデザインにしてください。",
            "文章と写真はこちらで用意します。",
            "サーバーとドメインは契約済みです。",
        ),
        ("WordPress", "HTML", "CSS"),
        (20, 60),
        (1500, 3000),
    ),
    T(
        "site-lp",
        "web-site",
        (
            "ランディングページのコーディング",
            "LP制作(デザインデータあり)",
            "キャンペーン用の1ページサイト制作",
        ),
        (
            "Figmaのデザインデータをもとにコーディングしてください。",
            "HTMLとCSSで、レスポンシブ対応をお願いします。",
            "簡単なJavaScriptの動きがあります。",
        ),
        ("HTML", "CSS", "JavaScript", "Figma"),
        (8, 30),
        (1500, 3000),
    ),
    T(
        "site-update",
        "web-update",
        ("ホームページの文章・写真の差し替え", "WordPressサイトの更新作業(継続)", "ECサイトの商品登録と更新"),
        (
            "既存のサイトのお知らせや写真を差し替える作業です。",
            "管理画面から更新するだけで、プログラムの知識はいりません。",
            "月に数回の作業を継続してお願いしたいです。",
        ),
        ("WordPress", "HTML"),
        (2, 10),
        (1100, 1600),
    ),
    T(
        "a11y-audit",
        "web-a11y",
        (
            "Webサイトのアクセシビリティ診断",
            "スクリーンリーダーでのサイト確認",
            "JIS X 8341-3に沿ったチェック作業",
        ),
        (
            "スクリーンリーダー(NVDAやVoiceOver)でサイトを操作し、使いにくい点を報告してください。",
            "キーボードだけで操作できるかも確認していただきます。",
            "日常的に支援技術を使っている方の視点を歓迎します。",
        ),
        ("アクセシビリティ", "スクリーンリーダー", "HTML"),
        (5, 20),
        (1500, 3000),
    ),
    # --- デザイン
    T(
        "logo",
        "design-logo",
        ("パン屋のロゴデザイン", "新しいカフェのロゴ制作", "会社のロゴと名刺のデザイン"),
        (
            "お店の雰囲気に合うロゴを考えていただきたいです。",
            "手書き風のやわらかい印象を希望します。",
            "名刺や看板にも使えるデータで納品をお願いします。",
            "Illustratorのデータでの納品をお願いします。",
        ),
        ("Illustrator", "ロゴ", "デザイン"),
        (5, 20),
        (1500, 3000),
    ),
    T(
        "banner",
        "design-banner",
        ("SNS広告用のバナー作成", "セール告知のバナーデザイン(5点)", "イベントのチラシ作成(A4両面)"),
        (
            "サイズ違いで数点のバナーを作っていただきます。",
            "写真と文言はこちらで用意します。",
            "PhotoshopかCanvaでの作成で構いません。",
            "印刷用のデータもお願いします。",
        ),
        ("Photoshop", "Canva", "バナー", "チラシ"),
        (3, 15),
        (1200, 2500),
    ),
    T(
        "illust",
        "design-illust",
        ("ブログ記事の挿絵イラスト", "かわいい動物のイラスト作成", "説明用のシンプルなイラスト(10点)"),
        (
            "記事の内容に合ったイラストを描いていただきます。",
            "やさしいタッチの絵柄を希望します。",
            "商用利用できる形での納品をお願いします。",
        ),
        ("イラスト", "Procreate", "Illustrator"),
        (5, 25),
        (1200, 2500),
    ),
    # --- ライティング
    T(
        "article-seo",
        "writing-article",
        ("子育てに関するブログ記事の執筆", "SEO記事の作成(1記事3000字)", "健康・美容ジャンルのコラム執筆"),
        (
            "指定のキーワードで読みやすい記事を書いていただきます。",
            "構成案はこちらで用意します。",
            "コピペや生成AIの文章そのままの納品はお断りしています。",
            "体験談を交えて書ける方を歓迎します。",
        ),
        ("ライティング", "SEO", "WordPress"),
        (3, 20),
        (1100, 2000),
    ),
    T(
        "article-interview",
        "writing-article",
        ("インタビュー記事の作成", "地域のお店の取材記事", "社員インタビューの文字起こしと記事化"),
        (
            "録音データをもとに、読みやすい記事にまとめていただきます。",
            "取材はオンラインで行います。",
            "地域の魅力が伝わる文章をお願いします。",
        ),
        ("ライティング", "取材", "インタビュー"),
        (5, 20),
        (1200, 2200),
    ),
    T(
        "proofread",
        "writing-proofread",
        ("書籍原稿の校正", "Webメディア記事の校正・校閲", "マニュアルの誤字脱字チェック"),
        (
            "誤字脱字や表記ゆれを確認していただきます。",
            "事実関係の確認もお願いできる方を歓迎します。",
            "Wordの変更履歴で修正を入れてください。",
            "原稿はテキストで読めるデータでお渡しします。",
        ),
        ("校正", "校閲", "Word"),
        (5, 30),
        (1200, 2200),
    ),
    T(
        "proofread-tech",
        "writing-proofread",
        ("技術マニュアルの校正", "取扱説明書の表記チェック", "理工系の専門文書の校閲"),
        (
            "専門用語の統一と、手順の抜け漏れを確認していただきます。",
            "技術系の文書に慣れている方を歓迎します。",
            "短い時間ずつ進めていただいて構いません。",
        ),
        ("校正", "技術文書", "Word"),
        (5, 30),
        (1500, 2500),
    ),
    T(
        "sns-writing",
        "writing-sns",
        ("インスタグラム投稿文の作成", "お店のSNS投稿文を毎週作成", "X(旧Twitter)の投稿文作成"),
        (
            "写真に合わせて短い投稿文を考えていただきます。",
            "ハッシュタグの提案もお願いします。",
            "月に12本程度の継続案件です。",
        ),
        ("SNS", "ライティング", "Instagram"),
        (2, 10),
        (1100, 1800),
    ),
    # --- 翻訳
    T(
        "translate-en-ja",
        "translation-en",
        ("英語から日本語への翻訳(ビジネス文書)", "英文マニュアルの和訳", "英語の記事を日本語に翻訳"),
        (
            "英語の文書を自然な日本語に翻訳していただきます。",
            "専門用語の用語集はこちらで用意します。",
            "翻訳支援ツールの使用は自由です。",
            "原稿はテキストデータでお渡しします。",
        ),
        ("英語", "翻訳", "和訳"),
        (5, 40),
        (1500, 3000),
    ),
    T(
        "translate-ja-en",
        "translation-en",
        ("日本語から英語への翻訳(Webサイト)", "商品説明の英訳", "観光案内パンフレットの英語翻訳"),
        (
            "日本語の文章を英語に翻訳していただきます。",
            "ネイティブチェックはこちらで行います。",
            "海外のお客様向けの自然な英語でお願いします。",
        ),
        ("英語", "翻訳", "英訳"),
        (5, 40),
        (1500, 3500),
    ),
    T(
        "translate-zh",
        "translation-other",
        ("中国語(簡体字)の翻訳", "日本語から中国語への商品説明の翻訳", "中国語の資料を日本語に翻訳"),
        (
            "中国語と日本語の両方が得意な方にお願いしたいです。",
            "観光・小売の分野の文章です。",
            "訳文はExcelに記入してください。",
        ),
        ("中国語", "翻訳"),
        (5, 30),
        (1500, 3000),
    ),
    T(
        "translate-ko",
        "translation-other",
        ("韓国語の翻訳(日本語→韓国語)", "韓国語の口コミを日本語に翻訳"),
        ("韓国語のネイティブ、または同等の方を歓迎します。", "短い文が中心です。"),
        ("韓国語", "翻訳"),
        (3, 20),
        (1500, 3000),
    ),
    # --- 事務・データ入力
    T(
        "entry-survey",
        "office-entry",
        ("アンケート結果のデータ入力", "紙のアンケートをExcelに入力", "手書き伝票のデータ入力"),
        (
            "紙やPDFの内容を、指定のExcelに入力していただきます。",
            "パソコンの基本操作ができれば大丈夫です。",
            "入力のルールはマニュアルでお伝えします。",
            "少しずつ進めていただいて構いません。",
        ),
        ("データ入力", "Excel", "タイピング"),
        (3, 20),
        (1000, 1300),
    ),
    T(
        "entry-ec",
        "office-entry",
        ("ネットショップの商品登録作業", "商品情報の入力と画像の登録", "ECサイトの在庫データ更新"),
        (
            "商品名や価格、説明文を管理画面に入力していただきます。",
            "マニュアルがあるので初めての方でも安心です。",
            "1件あたり5分ほどの作業です。",
        ),
        ("データ入力", "Excel", "ネットショップ"),
        (3, 20),
        (1000, 1300),
    ),
    T(
        "entry-card",
        "office-entry",
        ("名刺のデータ化作業", "顧客名簿の入力と整理", "住所録のデータ入力"),
        (
            "名刺の画像を見て、氏名や会社名を入力していただきます。",
            "個人情報を扱うため、秘密保持契約を結びます。",
            "正確に入力できる方を歓迎します。",
        ),
        ("データ入力", "タイピング", "Excel"),
        (2, 15),
        (1000, 1300),
    ),
    T(
        "bookkeeping",
        "office-bookkeeping",
        ("個人事業主の記帳代行", "会計ソフトへの仕訳入力", "領収書の整理と帳簿付け"),
        (
            "領収書や通帳をもとに、会計ソフト(freee・マネーフォワード)に入力していただきます。",
            "簿記の知識がある方にお願いしたいです。",
            "月末にまとめて作業していただきます。",
        ),
        ("簿記", "会計ソフト", "freee", "経理"),
        (5, 20),
        (1200, 2200),
    ),
    T(
        "invoice-check",
        "office-bookkeeping",
        ("請求書と入金の照合作業", "経理補助(請求書の作成・確認)", "売掛金の消込作業"),
        (
            "請求書の金額と入金の記録を照らし合わせていただきます。",
            "経理の実務経験がある方を歓迎します。",
            "日商簿記2級程度の知識があると安心です。",
        ),
        ("経理", "簿記", "Excel"),
        (5, 20),
        (1200, 2200),
    ),
    T(
        "payroll-check",
        "office-bookkeeping",
        ("給与計算のダブルチェック", "勤怠データと給与明細の確認", "社会保険料の計算チェック"),
        (
            "勤怠の記録と給与計算の結果を確認していただきます。",
            "給与計算の経験がある方を歓迎します。",
            "締切に余裕のあるスケジュールです。",
        ),
        ("給与計算", "経理", "Excel"),
        (5, 15),
        (1300, 2200),
    ),
    T(
        "research-list",
        "office-research",
        ("営業リストの作成", "飲食店の情報収集とリスト化", "Webでの企業情報リサーチ"),
        (
            "インターネットで会社の情報を調べ、Excelにまとめていただきます。",
            "検索して入力するだけの作業です。",
            "1件あたりの単価制です。",
        ),
        ("リサーチ", "Excel", "リスト作成"),
        (3, 20),
        (1000, 1400),
    ),
    T(
        "research-market",
        "office-research",
        ("競合サービスの調査とレポート作成", "市場調査(子育てアプリ)", "商品の価格調査"),
        (
            "指定のサービスを調べて、比較表とレポートにまとめていただきます。",
            "調べた結果の出典も記載してください。",
        ),
        ("リサーチ", "レポート", "Excel"),
        (5, 20),
        (1200, 2000),
    ),
    # --- 動画・音声
    T(
        "transcribe",
        "media-transcribe",
        ("インタビュー音声の文字起こし", "会議の録音のテープ起こし", "セミナー動画の文字起こし(60分)"),
        (
            "音声を聞いて、話している内容を文字にしていただきます。",
            "ケバ取り(えー、あのー等の削除)をお願いします。",
            "途中で作業を止めても大丈夫です。",
            "話者は2〜3名です。",
        ),
        ("文字起こし", "タイピング"),
        (3, 15),
        (1000, 1600),
    ),
    T(
        "video-edit",
        "media-edit",
        ("YouTube動画の編集", "ショート動画の編集(縦型)", "セミナー動画のカット編集とテロップ入れ"),
        (
            "素材の動画をカットし、テロップとBGMを入れていただきます。",
            "Premiere ProかDaVinci Resolveで作業できる方。",
            "1本10分程度の動画です。",
        ),
        ("動画編集", "Premiere Pro", "YouTube"),
        (5, 20),
        (1300, 2500),
    ),
    T(
        "narration",
        "media-narration",
        ("商品紹介動画のナレーション収録", "eラーニング教材の音声ナレーション", "ボイスサンプルの収録"),
        (
            "原稿を読み上げて、音声データで納品していただきます。",
            "ご自宅で録音できる環境がある方。",
            "落ち着いた声の方を歓迎します。",
        ),
        ("ナレーション", "録音"),
        (2, 10),
        (1500, 3000),
    ),
    # --- マーケティング
    T(
        "sns-ops",
        "marketing-sns",
        ("InstagramのSNS運用代行", "お店のSNSアカウント運用", "TikTokの運用サポート"),
        (
            "投稿の作成から、コメントへの返信までお願いします。",
            "毎月の反応をまとめて報告していただきます。",
            "SNSの運用経験がある方を歓迎します。",
        ),
        ("SNS", "Instagram", "マーケティング"),
        (10, 40),
        (1200, 2500),
    ),
    T(
        "survey",
        "marketing-survey",
        ("商品についてのアンケート回答", "子育て世帯向けアンケート調査への協力", "Webアンケートの集計と分析"),
        (
            "アンケートの結果をExcelで集計し、グラフにまとめていただきます。",
            "設問の作成から手伝える方を歓迎します。",
        ),
        ("アンケート", "Excel", "集計"),
        (2, 15),
        (1000, 1800),
    ),
    # --- その他
    T(
        "misc-check",
        "other-misc",
        ("手書き書類のチェック作業", "写真の仕分け作業", "簡単なモニター調査"),
        ("指示に沿って確認し、結果を記入していただきます。", "特別なスキルは必要ありません。"),
        ("チェック作業",),
        (1, 10),
        (1000, 1300),
    ),
)

TITLE_TAGS = ("【初心者歓迎】", "【在宅】", "【継続案件】", "【急募】", "【スキマ時間】", "【単発】", "")
CLIENTS = (
    "株式会社ひだまり出版",
    "鈴木ベーカリー",
    "有限会社みどり商事",
    "合同会社さくらデザイン",
    "株式会社たけのこ書房",
    "山田会計事務所",
    "株式会社ひまわりネット",
    "こもれび保育園",
    "株式会社アオゾラ",
    "Kitchen YUMI",
    "株式会社ナミキ技研",
    "まちかど不動産",
    "株式会社ことのは翻訳",
    "佐藤商店",
    "株式会社フロンティア",
)
PREFECTURES = ("東京都", "大阪府", "福岡県", "北海道", "長野県", "宮崎県", "埼玉県", "高知県")
MEETING_CALL_CATEGORIES = {"dev-web-app", "web-site", "marketing-sns", "writing-article", "design-logo"}
BEGINNER_CATEGORIES = {
    "office-entry",
    "office-research",
    "media-transcribe",
    "writing-sns",
    "other-misc",
    "marketing-survey",
    "dev-test",
}


def _meeting_times(rng: random.Random) -> list[dict[str, Any]]:
    weekday = rng.randrange(5) if rng.random() < 0.85 else rng.randrange(7)
    hour = rng.choice((10, 10, 11, 13, 14, 15, 16, 19, 20))
    return [
        {
            "weekday": weekday,
            "start": f"{hour:02d}:{rng.choice(('00', '30'))}",
            "minutes": rng.choice((30, 30, 60)),
        }
    ]


def job(i: int, rng: random.Random, topic: Topic | None = None) -> dict[str, Any]:
    topic = topic or rng.choice(TOPICS)
    tag = rng.choice(TITLE_TAGS) if rng.random() < 0.4 else ""
    title = tag + rng.choice(topic.titles)
    hours = rng.randint(*topic.hours)
    beginner = rng.random() < (0.6 if topic.category in BEGINNER_CATEGORIES else 0.1)
    calls_likely = topic.category in MEETING_CALL_CATEGORIES
    r = rng.random()
    meetings = "scheduled_call" if r < (0.45 if calls_likely else 0.1) else "text_chat" if r < 0.7 else "none"
    interruptible = rng.random() < (0.4 if meetings == "scheduled_call" else 0.85)
    min_block = rng.choice((15, 30, 30, 60)) if interruptible else rng.choice((60, 90, 120, 180))
    deadline_days = max(1, int(hours / rng.uniform(1.0, 6.0)) + rng.randint(1, 14))
    hourly = rng.randint(*topic.pay) // 50 * 50
    pay_type = "hourly" if rng.random() < 0.3 else "fixed"
    if pay_type == "hourly":
        pay_min, pay_max = hourly, hourly + rng.choice((0, 200, 500))
    else:
        pay_min = max(1000, hourly * hours // 1000 * 1000)
        pay_max = pay_min + rng.choice((0, 5000, 10000))
    sentences = list(topic.sentences)
    rng.shuffle(sentences)
    body = sentences[: rng.randint(2, len(sentences))]
    if meetings == "none":
        body.append("打ち合わせはありません。やりとりはメッセージのみです。")
    elif meetings == "text_chat":
        body.append("やりとりはチャットで行います。通話はありません。")
    if interruptible:
        body.append(f"{min_block}分ほどのスキマ時間から作業できます。")
    else:
        body.append(f"一度に{min_block}分ほど続けて作業できる方にお願いします。")
    body.append(f"作業時間の目安は{hours}時間、納期は{deadline_days}日後です。")
    if beginner:
        body.append("初めての方も歓迎します。わからないことは丁寧にお答えします。")
    accessibility = ""
    if rng.random() < 0.25:
        accessibility = "資料はすべてテキストで読めます。画像だけの指示はありません。"
        body.append(accessibility)
    row: dict[str, Any] = {
        "id": i,
        "title": title,
        "description": "\n".join(body),
        "category": topic.category,
        "skills": list(rng.sample(topic.skills, k=min(len(topic.skills), rng.randint(1, 3)))),
        "pay_type": pay_type,
        "pay_min_yen": pay_min,
        "pay_max_yen": pay_max,
        "effort_hours": hours,
        "deadline_days": deadline_days,
        "meetings": meetings,
        "interruptible": interruptible,
        "min_block_minutes": min_block,
        "beginner_welcome": beginner,
        "accessibility_notes": accessibility,
        "client": rng.choice(CLIENTS),
        "topic": topic.key,
    }
    if meetings == "scheduled_call":
        row["meeting_times"] = _meeting_times(rng)
        if rng.random() < 0.5:
            row["call_modes"] = [rng.choice(("voice", "video"))]
    if rng.random() < 0.05:
        row["prefecture"] = rng.choice(PREFECTURES)
    return row


def generate_jobs(n: int, *, seed: int = 1, start_id: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(start_id, start_id + n):
        yield job(i, rng)


# --- workers ------------------------------------------------------------------------------------------

PATTERNS: tuple[tuple[str, list[tuple[int, str, str]]], ...] = (
    ("nap-and-night", [(d, s, e) for d in range(5) for s, e in (("13:00", "14:30"), ("21:00", "22:30"))]),
    ("day-care", [(d, "10:00", "15:00") for d in (0, 2, 4)]),
    ("evenings-saturday", [*((d, "19:00", "22:00") for d in range(5)), (5, "09:00", "12:00")]),
    ("weekday-office-hours", [(d, "09:00", "17:00") for d in range(5)]),
    ("late-night", [(d, "22:00", "01:00") for d in range(7)]),  # across midnight
    ("weekends", [(d, "09:00", "18:00") for d in (5, 6)]),
)


def worker(i: int, rng: random.Random) -> dict[str, Any]:
    name, windows = rng.choice(PATTERNS)
    topic = rng.choice(TOPICS)
    comm = ["text"] + [m for m in ("voice", "video") if rng.random() < 0.5]
    return {
        "id": f"w{i}",
        "pattern": name,
        "prefecture": rng.choice(PREFECTURES),
        "windows": [{"weekday": d, "start": s, "end": e} for d, s, e in windows],
        "exceptions": [],
        "max_hours_per_week": rng.choice((5, 10, 15, 20, 30)),
        "min_block_minutes": rng.choice((15, 30, 60)),
        "communication": comm,
        "accepts_meetings": len(comm) > 1,
        "skills": list(topic.skills[:2]),
        "accessibility": ["screen_reader", "keyboard_only"] if rng.random() < 0.05 else [],
        "committed_hours_per_week": rng.choice((0, 0, 2, 5)),
    }


def generate_workers(n: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for i in range(1, n + 1):
        yield worker(i, rng)


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> None:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=("jobs", "workers"))
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows = (
        generate_jobs(args.n, seed=args.seed)
        if args.kind == "jobs"
        else generate_workers(args.n, seed=args.seed)
    )
    write_jsonl(rows, sys.stdout)


if __name__ == "__main__":
    main()

"""Demo jobs and proposals: every category and work style, from 株式会社ひだまり出版 and 鈴木 直子.
Idempotent: jobs are found by (client, title) and proposals by (job, worker)."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from hataraku.accounts import services as account_services
from hataraku.accounts.constants import VerificationStatus
from hataraku.accounts.models import IdentityVerification
from hataraku.core import clock

from .categories import ensure_categories
from .constants import JobStatus, MeetingStyle, PayType, ProposalStatus
from .models import Category, Job, JobMeeting, Proposal, ProposalMilestone
from .rendering import render_markdown

D = dt.timedelta

JOBS: list[dict[str, Any]] = [
    {
        "client": "hidamari",
        "category": "office-entry",
        "title": "読者アンケートの入力(30分単位で中断できます)",
        "description_md": "## お願いしたいこと\n紙の読者アンケート約300枚を、スプレッドシートに入力してください。\n\n- 1枚あたり2〜3分\n- 途中で止めても、次の行から再開できます",
        "skills": ["スプレッドシート", "タイピング"],
        "pay_type": PayType.FIXED,
        "budget_min": 12000,
        "budget_max": 18000,
        "estimated_hours": 12,
        "deadline": 28,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 30,
        "beginner_welcome": True,
        "accessibility_notes": "アンケートは画像とテキストの両方でお渡しします。",
    },
    {
        "client": "hidamari",
        "category": "writing-proofread",
        "title": "児童書の原稿校正(テキストのみでやりとり)",
        "description_md": "## 内容\n児童書1冊分(約4万字)の誤字脱字・表記ゆれの確認です。\n\n原稿はテキストファイル(読み上げソフトで読めます)でお渡しします。",
        "skills": ["校正", "日本語"],
        "pay_type": PayType.FIXED,
        "budget_min": 30000,
        "budget_max": 45000,
        "estimated_hours": 20,
        "deadline": 35,
        "proposal_deadline": 12,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 60,
        "accessibility_notes": "原稿は画面読み上げで読めるプレーンテキストです。指摘は表形式でなく箇条書きで大丈夫です。",
    },
    {
        "client": "hidamari",
        "category": "writing-article",
        "title": "新刊紹介記事の執筆(時給・週10時間まで)",
        "description_md": "新刊の紹介記事を毎週2本ほど書いていただきます。資料はオンラインで共有します。",
        "skills": ["ライティング", "書評"],
        "pay_type": PayType.HOURLY,
        "hourly_rate_min": 1500,
        "hourly_rate_max": 2200,
        "weekly_hour_cap": 10,
        "estimated_hours": 40,
        "deadline": 60,
        "proposal_deadline": 14,
        "meeting_style": MeetingStyle.SCHEDULED_CALLS,
        "meetings": [(5, 10), (19, 10)],
        "interruptible": True,
        "min_block_minutes": 45,
    },
    {
        "client": "hidamari",
        "category": "translation-en",
        "title": "絵本のあらすじの英訳(本人確認済みの方)",
        "description_md": "絵本10冊分のあらすじ(各300字)を英語にしてください。",
        "skills": ["英語", "翻訳"],
        "pay_type": PayType.FIXED,
        "budget_min": 20000,
        "budget_max": 30000,
        "estimated_hours": 10,
        "deadline": 30,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 30,
        "verified_only": True,
    },
    {
        "client": "hidamari",
        "category": "design-banner",
        "title": "イベント告知バナーの制作",
        "description_md": "読書イベントの告知バナーを3サイズ作ってください。",
        "skills": ["デザイン", "Figma"],
        "pay_type": PayType.FIXED,
        "budget_min": 15000,
        "budget_max": 25000,
        "estimated_hours": 8,
        "deadline": 21,
        "proposal_deadline": 7,
        "meeting_style": MeetingStyle.SCHEDULED_CALLS,
        "meetings": [(3, 14)],
        "fixed_hours": False,
        "interruptible": True,
        "min_block_minutes": 60,
    },
    {
        "client": "hidamari",
        "category": "web-a11y",
        "title": "自社サイトのアクセシビリティ点検",
        "description_md": "自社サイト10ページを、画面読み上げとキーボードだけで使えるか点検してください。",
        "skills": ["アクセシビリティ", "スクリーンリーダー"],
        "pay_type": PayType.FIXED,
        "budget_min": 40000,
        "budget_max": 60000,
        "estimated_hours": 16,
        "deadline": 40,
        "proposal_deadline": 14,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 30,
        "accessibility_notes": "報告はテキストで受け取ります。",
    },
    {
        "client": "hidamari",
        "category": "dev-tools",
        "title": "在庫表を集計する簡単なスクリプト",
        "description_md": "毎月の在庫表(CSV)を集計するスクリプトを作ってください。",
        "skills": ["Python"],
        "pay_type": PayType.FIXED,
        "budget_min": 30000,
        "budget_max": 50000,
        "estimated_hours": 12,
        "deadline": 30,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 60,
    },
    {
        "client": "hidamari",
        "category": "media-transcribe",
        "title": "著者インタビューの文字起こし(募集終了)",
        "description_md": "60分の音声を文字にしてください。",
        "skills": ["文字起こし"],
        "pay_type": PayType.FIXED,
        "budget_min": 8000,
        "budget_max": 12000,
        "estimated_hours": 5,
        "deadline": 20,
        "proposal_deadline": 5,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 15,
        "status": JobStatus.CLOSED,
    },
    {
        "client": "naoko",
        "category": "office-bookkeeping",
        "title": "帳簿の確認(締切はゆったり)",
        "description_md": "パン屋の1年分の帳簿に、記入もれがないか見ていただきたいです。急ぎません。",
        "skills": ["簿記", "経理"],
        "pay_type": PayType.FIXED,
        "budget_min": 20000,
        "budget_max": 30000,
        "estimated_hours": 10,
        "deadline": 75,
        "proposal_deadline": 20,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 30,
    },
    {
        "client": "hidamari",
        "category": "office-entry",
        "title": "高知の取引先書店での在庫確認(現地・2日間)",
        "description_md": "高知市内の取引先書店2店で、当社の本の在庫数を数えて表に入力してください。\n\n- 1店あたり半日ほど\n- 交通費は別にお支払いします",
        "skills": ["スプレッドシート"],
        "pay_type": PayType.HOURLY,
        "hourly_rate_min": 1100,
        "hourly_rate_max": 1300,
        "weekly_hour_cap": 8,
        "estimated_hours": 8,
        "deadline": 30,
        "proposal_deadline": 12,
        "meeting_style": MeetingStyle.TEXT_CHAT,
        "interruptible": True,
        "min_block_minutes": 120,
        "onsite_prefecture": "39",
    },
    {
        "client": "naoko",
        "category": "marketing-sns",
        "title": "パン屋のSNS投稿(初心者歓迎)",
        "description_md": "新商品の写真に添える短い投稿文を週3本。写真はこちらで用意します。",
        "skills": ["Instagram", "文章"],
        "pay_type": PayType.FIXED,
        "budget_min": 6000,
        "budget_max": 9000,
        "estimated_hours": 4,
        "deadline": 30,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 15,
        "beginner_welcome": True,
        "accessibility_notes": "写真には説明文を付けてお渡しします。",
    },
    {
        "client": "naoko",
        "category": "other-misc",
        "title": "お店のポップの文言アイデア",
        "description_md": "店頭ポップの言葉を10案ほど考えてください。",
        "skills": [],
        "pay_type": PayType.FIXED,
        "budget_min": 3000,
        "budget_max": 5000,
        "estimated_hours": 2,
        "deadline": 20,
        "proposal_deadline": 7,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 15,
        "beginner_welcome": True,
    },
    {
        "client": "naoko",
        "category": "web-update",
        "title": "お店のホームページの営業時間の更新(下書き)",
        "description_md": "営業時間の変更をホームページに反映してください。",
        "skills": ["HTML"],
        "pay_type": PayType.FIXED,
        "budget_min": 3000,
        "budget_max": 6000,
        "estimated_hours": 1,
        "deadline": 25,
        "proposal_deadline": 10,
        "meeting_style": MeetingStyle.NONE,
        "interruptible": True,
        "min_block_minutes": 30,
        "status": JobStatus.DRAFT,
    },
]

# (job title, worker key, amount, delivery in days, message, status, milestones[(title, amount, days)])
PROPOSALS: list[tuple[str, str, int, int, str, str, list[tuple[str, int, int]]]] = [
    (
        "読者アンケートの入力(30分単位で中断できます)",
        "sakura",
        15000,
        21,
        "子どもが寝ている時間に30分ずつ進めます。毎日どこまで進んだかをお知らせします。",
        ProposalStatus.SHORTLISTED,
        [("前半150枚", 7500, 10), ("後半150枚", 7500, 21)],
    ),
    (
        "読者アンケートの入力(30分単位で中断できます)",
        "shota",
        14000,
        18,
        "データ入力は初めてですが、ていねいに進めます。",
        ProposalStatus.SUBMITTED,
        [],
    ),
    (
        "児童書の原稿校正(テキストのみでやりとり)",
        "misaki",
        40000,
        30,
        "画面読み上げで原稿を読み、指摘を箇条書きでお送りします。",
        ProposalStatus.SUBMITTED,
        [("第1〜3章", 20000, 15), ("第4〜6章", 20000, 30)],
    ),
    (
        "帳簿の確認(締切はゆったり)",
        "kenichi",
        25000,
        60,
        "介護の合間に進めるため、ゆったりした締切はとても助かります。経理の経験が10年あります。",
        ProposalStatus.SUBMITTED,
        [],
    ),
    (
        "パン屋のSNS投稿(初心者歓迎)",
        "shota",
        7000,
        20,
        "地元のお店の発信に関わりたいです。",
        ProposalStatus.DECLINED,
        [],
    ),
    (
        "パン屋のSNS投稿(初心者歓迎)",
        "sakura",
        8000,
        20,
        "写真に合う短い文を考えるのが好きです。",
        ProposalStatus.WITHDRAWN,
        [],
    ),
    (
        "自社サイトのアクセシビリティ点検",
        "misaki",
        50000,
        30,
        "毎日スクリーンリーダーを使っています。つまずいた箇所を手順つきで報告します。",
        ProposalStatus.SHORTLISTED,
        [],
    ),
]


# Verified in the demo (the document is never kept, so only the outcome exists).
VERIFIED = ("hidamari", "misaki", "kenichi")


def load(people: dict[str, Any]) -> None:
    ensure_categories()
    for key in VERIFIED:
        IdentityVerification.objects.get_or_create(
            user=people[key],
            status=VerificationStatus.APPROVED,
            defaults={
                "reviewed_by": people["staff"],
                "reviewed_at": clock.now(),
                "content_type": "image/png",
            },
        )
    _pending_verification(people["shota"])
    today = clock.today()
    jobs: dict[str, Job] = {}
    categories = {c.slug: c for c in Category.objects.all()}
    for spec in JOBS:
        spec = dict(spec)
        client = people[spec.pop("client")]
        meetings = spec.pop("meetings", [])
        status = spec.pop("status", JobStatus.PUBLISHED)
        defaults = {
            **spec,
            "category": categories[spec["category"]],
            "deadline": today + D(days=spec["deadline"]),
            "proposal_deadline": today + D(days=spec["proposal_deadline"]),
            "status": status,
            "published_at": clock.now() if status != JobStatus.DRAFT else None,
            "closed_at": clock.now() if status == JobStatus.CLOSED else None,
        }
        job = Job.objects.filter(client=client, title=spec["title"]).first()
        if job is None:
            job = Job(client=client)
            for key, value in defaults.items():
                setattr(job, key, value)
            job.description_html = render_markdown(job.description_md)
            job.save()
            for days, hour in meetings:
                start = dt.datetime.combine(today + D(days=days), dt.time(hour), tzinfo=clock.TOKYO)
                JobMeeting.objects.create(job=job, starts_at=start, minutes=30)
        jobs[job.title] = job
    for title, worker_key, amount, days, message, status, milestones in PROPOSALS:
        job = jobs[title]
        worker = people[worker_key]
        proposal, created = Proposal.objects.get_or_create(
            job=job,
            worker=worker,
            defaults={
                "amount": amount,
                "delivery_date": today + D(days=days),
                "message": message,
                "status": status,
                "decline_message": "このたびはご応募ありがとうございました。今回は別の方にお願いすることになりました。"
                if status == ProposalStatus.DECLINED
                else "",
            },
        )
        if created:
            for order, (m_title, m_amount, m_days) in enumerate(milestones, start=1):
                ProposalMilestone.objects.create(
                    proposal=proposal,
                    order=order,
                    title=m_title,
                    amount=m_amount,
                    due_date=today + D(days=m_days),
                )


def demo_document_png() -> bytes:
    """A small grey PNG standing in for a photo of an ID card (the demo never holds a real document)."""
    width, height = 64, 40
    rows = b"".join(b"\x00" + b"\xc8" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _pending_verification(user: Any) -> None:
    """田中 翔太 has just sent his document: the staff queue has one to review."""
    if IdentityVerification.objects.filter(user=user).exists():
        return
    document = SimpleUploadedFile("id-card.png", demo_document_png(), content_type="image/png")
    account_services.verification_submit(user=user, document=document)

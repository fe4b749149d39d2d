"""The accounts app's part of the personal-data download and of account deletion. Identity verification:
the outcomes are exported (the document is never kept after review); on deletion the rows go, and a
document still waiting for review is deleted after commit."""

from __future__ import annotations

from functools import partial
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction

from .models import IdentityVerification, Report, Suspension


def export_user_data(user: Any) -> dict[str, Any]:
    # Authenticators are listed by type only: a TOTP secret or recovery-code seed in a download would
    # let whoever finds the file pass the second factor.
    return {
        "アカウント": {
            "id": user.pk,
            "メールアドレス": user.email,
            "表示名": user.display_name,
            "役割": [str(role) for role in user.roles],
            "クライアントの種類": user.client_kind,
            "会社名・屋号": user.company_name,
            "所属自治体・部署": user.municipality_name,
            "所属自治体コード": user.municipality.jis_code if user.municipality_id else "",
            "アカウントの状態": user.get_status_display(),
            "表示言語": user.preferred_language,
            "登録日時": user.date_joined.isoformat() if user.date_joined else None,
            "最終ログイン": user.last_login.isoformat() if user.last_login else None,
        },
        "メールアドレス一覧": [
            {"メールアドレス": e.email, "確認済み": e.verified, "主アドレス": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "2段階認証": [
            {
                "種類": a.type,
                "登録日時": a.created_at.isoformat() if a.created_at else None,
                "最終利用": a.last_used_at.isoformat() if a.last_used_at else None,
            }
            for a in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "ログイン中の端末": [
            {
                "IPアドレス": s.ip,
                "ブラウザ": s.user_agent,
                "開始日時": s.created_at.isoformat() if s.created_at else None,
                "最終アクセス": s.last_seen_at.isoformat() if s.last_seen_at else None,
            }
            for s in UserSession.objects.filter(user=user).order_by("pk")
        ],
        # The document itself is never kept after review, so only the outcome can be exported.
        "本人確認": [
            {"状態": v.get_status_display(), "理由": v.reason, "提出日時": v.created_at.isoformat()}
            for v in IdentityVerification.objects.filter(user=user).order_by("pk")
        ],
        "一時停止": [
            {
                "理由": s.reason,
                "開始日時": s.suspended_at.isoformat(),
                "解除日時": s.lifted_at.isoformat() if s.lifted_at else None,
                "解除の理由": s.lift_reason,
            }
            for s in Suspension.objects.filter(user=user).order_by("pk")
        ],
        # What they told staff. Reports about them are not included: they would name who reported.
        "運営への報告": [
            {
                "対象": r.target_label,
                "理由": r.get_category_display(),
                "内容": r.body,
                "日時": r.created_at.isoformat(),
                "状態": r.get_status_display(),
            }
            for r in Report.objects.filter(reporter=user).order_by("pk")
        ],
    }


def erase_user_data(user: Any) -> None:
    for verification in IdentityVerification.objects.filter(user=user).exclude(document=""):
        transaction.on_commit(partial(verification.document.storage.delete, verification.document.name or ""))
    IdentityVerification.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        # end() deletes the Django session as well, so the browsers still logged in are logged out.
        session.end()

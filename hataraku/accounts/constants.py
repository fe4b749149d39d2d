from django.db import models
from django.utils.translation import gettext_lazy as _

from hataraku.core import state


class Role(models.TextChoices):
    WORKER = "worker", _("ワーカー(仕事を受ける)")
    CLIENT = "client", _("クライアント(仕事を依頼する)")
    MUNICIPAL = "municipal", _("自治体パートナー")
    STAFF = "staff", _("運営スタッフ")


class ClientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("個人")
    COMPANY = "company", _("法人")


# Identity documents: images a phone takes, or a scanned PDF. Checked by content, not by name.
VERIFICATION_MAX_BYTES = 10 * 1024 * 1024


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    APPROVED = "approved", _("本人確認済み")
    REJECTED = "rejected", _("確認できませんでした")


# Staff decide once. A rejected request is never reopened: the person uploads a new document, which is a
# new row, so each decision keeps the reason that was given for it.
VERIFICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    VerificationStatus.PENDING: frozenset({VerificationStatus.APPROVED, VerificationStatus.REJECTED}),
    VerificationStatus.APPROVED: frozenset(),
    VerificationStatus.REJECTED: frozenset(),
}

VERIFICATION_MACHINE = state.StateMachine(
    model="accounts.identityverification",
    choices=VerificationStatus,
    table=VERIFICATION_TRANSITIONS,
    initial=VerificationStatus.PENDING,
)


# --- an account's standing (issue 10, item 8) -------------------------------------------------------------


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("利用中")
    SUSPENDED = "suspended", _("一時停止中")


# Staff suspend and reinstate; nothing else moves an account. A suspended person can still log in, read,
# deliver work already agreed and be paid: suspension stops only what starts something new (jobs, proposals,
# invitations, messages) and holds payouts for staff review. Deletion is a separate mark (`deleted_at`).
ACCOUNT_TRANSITIONS: dict[str, frozenset[str]] = {
    AccountStatus.ACTIVE: frozenset({AccountStatus.SUSPENDED}),
    AccountStatus.SUSPENDED: frozenset({AccountStatus.ACTIVE}),
}

ACCOUNT_MACHINE = state.StateMachine(
    model="accounts.user",
    choices=AccountStatus,
    table=ACCOUNT_TRANSITIONS,
    initial=AccountStatus.ACTIVE,
)

# Roles only staff grant (the person's own roles are in SELF_SERVICE_ROLES of services.py).
STAFF_GRANTED_ROLES = (Role.MUNICIPAL, Role.STAFF)


class IdentityCheck(models.TextChoices):
    """How staff made sure it was the account's owner before removing their second factor. The reset is
    the one door past a password, so the way the person was checked is kept with the audit row."""

    VIDEO_WITH_DOCUMENT = "video_document", _("ビデオ通話で、本人確認書類と顔を照合した")
    CALLBACK = "callback", _("登録済みの連絡先に運営から電話をかけ、登録内容を確認した")
    VERIFIED_DOCUMENT = "verified_document", _("本人確認済みの書類と同じ書類を改めて提出してもらい照合した")
    OTHER = "other", _("その他(メモに具体的に書く)")


# --- reports to staff (issue 10, item 7) -----------------------------------------------------------------


class ReportCategory(models.TextChoices):
    SPAM = "spam", _("迷惑な宣伝・スパム")
    FRAUD = "fraud", _("詐欺・お金のトラブルのおそれ")
    HARASSMENT = "harassment", _("嫌がらせ・差別・攻撃的な言葉")
    OFF_PLATFORM = "off_platform", _("サービス外での取引や連絡先の交換を求められた")
    ILLEGAL = "illegal", _("法律や規約に反する内容")
    PERSONAL_DATA = "personal_data", _("個人情報が載っている")
    OTHER = "other", _("その他")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("未対応")
    RESOLVED = "resolved", _("対応済み")


REPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.OPEN: frozenset({ReportStatus.RESOLVED}),
    ReportStatus.RESOLVED: frozenset(),
}

REPORT_MACHINE = state.StateMachine(
    model="accounts.report",
    choices=ReportStatus,
    table=REPORT_TRANSITIONS,
    initial=ReportStatus.OPEN,
)

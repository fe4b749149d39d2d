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

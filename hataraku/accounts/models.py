from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock
from hataraku.core.models import TimeStampedModel

from .constants import (
    AccountStatus,
    ClientKind,
    ReportCategory,
    ReportStatus,
    Role,
    VerificationStatus,
)
from .municipalities import PREFECTURE_CHOICES, prefecture_name, validate_jis_code


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class Municipality(models.Model):
    """A city, town, village or Tokyo ward that partners with us. Municipal partner staff belong to one;
    the municipal programs (training, reports for 地方創生) build on it."""

    name = models.CharField(_("自治体名"), max_length=40)
    jis_code = models.CharField(
        _("全国地方公共団体コード"),
        max_length=6,
        unique=True,
        validators=[validate_jis_code],
        help_text=_("検査数字を含む6桁(例: 日南市は452041)"),
    )
    prefecture = models.CharField(_("都道府県"), max_length=2, choices=PREFECTURE_CHOICES)

    class Meta:
        ordering = ["jis_code"]
        verbose_name = _("自治体")
        verbose_name_plural = _("自治体")
        constraints = [
            # The code starts with its prefecture's code: one truth, checked by the database too.
            models.CheckConstraint(
                condition=Q(jis_code__startswith=models.F("prefecture")),
                name="municipality_code_in_prefecture",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture_name}{self.name}"

    @property
    def prefecture_name(self) -> str:
        return prefecture_name(self.prefecture)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. One person may be a worker and a client at once; municipal staff and platform staff are
    separate roles. Log-in is by email (allauth); there is no username."""

    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("表示名"), max_length=80, blank=True)
    is_worker = models.BooleanField(_("ワーカー"), default=False)
    is_client = models.BooleanField(_("クライアント"), default=False)
    client_kind = models.CharField(
        _("クライアントの種類"), max_length=20, choices=ClientKind.choices, blank=True
    )
    company_name = models.CharField(_("会社名・屋号"), max_length=120, blank=True)
    is_municipal_staff = models.BooleanField(_("自治体パートナー"), default=False)
    municipality_name = models.CharField(_("所属自治体・部署"), max_length=120, blank=True)
    # The municipality a municipal partner works for (granted by staff with the role).
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("所属自治体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_staff",
    )
    # ACCOUNT_MACHINE: staff suspend and reinstate (accounts.people); the reason is in `Suspension`.
    status = models.CharField(
        _("アカウントの状態"),
        max_length=12,
        choices=AccountStatus.choices,
        default=AccountStatus.ACTIVE,
        db_index=True,
    )
    is_staff = models.BooleanField(_("運営スタッフ"), default=False)
    is_active = models.BooleanField(_("有効"), default=True)
    date_joined = models.DateTimeField(_("登録日時"), default=clock.now)
    preferred_language = models.CharField(_("表示言語"), max_length=8, default="ja")
    # Set when the person deletes their account: the row stays so that money records keep a party,
    # but every personal field is blanked (see accounts.services.account_delete).
    deleted_at = models.DateTimeField(_("退会日時"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("ユーザー")
        verbose_name_plural = _("ユーザー")

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def roles(self) -> list[str]:
        roles: list[str] = []
        if self.is_worker:
            roles.append(Role.WORKER)
        if self.is_client:
            roles.append(Role.CLIENT)
        if self.is_municipal_staff:
            roles.append(Role.MUNICIPAL)
        if self.is_staff:
            roles.append(Role.STAFF)
        return roles

    @property
    def is_suspended(self) -> bool:
        return self.status == AccountStatus.SUSPENDED

    @property
    def name_for_display(self) -> str:
        if self.is_client and self.client_kind == ClientKind.COMPANY and self.company_name:
            return self.company_name
        return self.display_name or self.email.split("@")[0]


def _verification_path(instance: Any, filename: str) -> str:
    # A random name under a private prefix: the original name can contain the person's name, and MEDIA_ROOT
    # is never served by URL (only the staff streaming view reads it).
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"identity/{uuid.uuid4().hex}.{suffix[:5]}"


class IdentityVerification(TimeStampedModel):
    """A person's request to be shown as 本人確認済み: the uploaded document until staff decide, then only the
    outcome. Moved here from the jobs app; the table keeps its first name, so no row had to move."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_verifications"
    )
    document = models.FileField(_("本人確認書類"), upload_to=_verification_path, blank=True, max_length=200)
    content_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("状態"),
        max_length=10,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("理由"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)

    class Meta:
        db_table = "jobs_identityverification"
        ordering = ["created_at", "id"]
        verbose_name = _("本人確認")
        verbose_name_plural = _("本人確認")
        constraints = [
            # One open request per person; a rejected one can be followed by a new upload.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="identity_one_pending_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status}"


class Suspension(models.Model):
    """One suspension of an account, from staff's decision to its end: the reason the person is shown and
    the reason for lifting it. The account's state itself is `User.status`; these rows are its history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField(_("一時停止の理由"))
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suspended_at = models.DateTimeField(_("一時停止した日時"))
    lift_reason = models.TextField(_("再開の理由"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(_("再開した日時"), null=True, blank=True)

    class Meta:
        ordering = ["-suspended_at", "-id"]
        verbose_name = _("アカウントの一時停止")
        verbose_name_plural = _("アカウントの一時停止")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(lifted_at__isnull=True), name="suspension_one_open_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.suspended_at:%Y-%m-%d}"


class Report(TimeStampedModel):
    """Someone told staff about a user, a job or a message.

    The target is generic (content type + id) because accounts sits below the apps whose things are
    reported (jobs, messaging) and may not import them; each of those apps registers how its things are
    found and described (`hataraku.accounts.reports.register`). `target_user` is the person behind the
    target (the user, the job's client, the message's sender), so staff can open their page at once."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    target_kind = models.CharField(_("対象の種類"), max_length=20)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target_label = models.CharField(_("対象"), max_length=200)
    # Where staff look at it, as the owning app said when the report was made (a site path).
    target_url = models.CharField(_("対象の場所"), max_length=300, blank=True)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_about"
    )
    category = models.CharField(_("理由"), max_length=20, choices=ReportCategory.choices)
    body = models.TextField(_("くわしい内容"), blank=True)
    status = models.CharField(
        _("状態"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("対応した日時"), null=True, blank=True)
    resolution_note = models.TextField(_("対応のメモ"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("運営への報告")
        verbose_name_plural = _("運営への報告")
        indexes = [models.Index(fields=["target_type", "target_id"], name="report_target_idx")]
        constraints = [
            # One open report per person per target: a second press adds nothing to staff's queue.
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_reporter_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_kind}:{self.target_id} {self.status}"

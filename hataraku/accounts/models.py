from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hataraku.core import clock
from hataraku.core.models import TimeStampedModel

from .constants import ClientKind, Role, VerificationStatus


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

"""Writes on a person's account: settings, self-service roles, account deletion and identity verification."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, InvalidTransition, NotFound
from hataraku.core.models import AuditEvent
from hataraku.core.privacy import erase_user_data
from hataraku.core.uploads import sniff_type

from . import notices as account_notices
from .constants import VERIFICATION_MAX_BYTES, ClientKind, Role, VerificationStatus
from .models import IdentityVerification, User
from .selectors import deletion_blockers, is_verified

DELETED_DISPLAY_NAME = "退会したユーザー"

# Only these roles can be taken by the person themselves. Municipal partner staff and platform staff
# are granted by staff in the Django admin, after an agreement with the municipality / an employment.
SELF_SERVICE_ROLES = (Role.WORKER, Role.CLIENT)


def account_update_settings(*, user: User, actor: User, display_name: str, preferred_language: str) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise DomainError(_("表示名を入力してください。"), field="display_name")
    limits.check_length(display_name, limit=limits.DISPLAY_NAME, field="display_name")
    languages = {code for code, _name in settings.LANGUAGES}
    if preferred_language not in languages:
        raise DomainError(_("選べる表示言語から選んでください。"), field="preferred_language")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changed = {
            field: value
            for field, value in (("display_name", display_name), ("preferred_language", preferred_language))
            if getattr(locked, field) != value
        }
        for field, value in changed.items():
            setattr(locked, field, value)
        if changed:
            locked.save(update_fields=list(changed))
            audit_record(
                actor=actor,
                action="accounts.settings_updated",
                target=locked,
                data={"fields": sorted(changed)},
            )
    return locked


def account_add_role(
    *, user: User, actor: User, role: str, client_kind: str = "", company_name: str = ""
) -> User:
    """Add the worker or client role to oneself. Adding a role one already has changes nothing."""
    if role not in SELF_SERVICE_ROLES:
        raise DomainError(
            _("この役割は運営スタッフだけが設定できます。"), code="role_not_self_service", field="role"
        )
    company_name = company_name.strip()
    limits.check_length(company_name, limit=limits.COMPANY_NAME, field="company_name")
    if role == Role.CLIENT:
        if client_kind not in ClientKind.values:
            raise DomainError(_("個人か法人かを選んでください。"), field="client_kind")
        if client_kind == ClientKind.COMPANY and not company_name:
            raise DomainError(_("法人として依頼する場合は会社名を入力してください。"), field="company_name")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if role == Role.WORKER:
            if locked.is_worker:
                return locked
            locked.is_worker = True
            locked.save(update_fields=["is_worker"])
        else:
            if locked.is_client:
                return locked
            locked.is_client = True
            locked.client_kind = client_kind
            locked.company_name = company_name if client_kind == ClientKind.COMPANY else ""
            locked.save(update_fields=["is_client", "client_kind", "company_name"])
        audit_record(actor=actor, action="accounts.role_added", target=locked, data={"role": str(role)})
    return locked


def account_delete(*, user: User, actor: User) -> User:
    """Delete a person's account.

    Every app erases its personal data first (`hataraku.core.privacy.erase_user_data`), then the User
    row is anonymised rather than deleted: ledger entries, contracts and invoices point at it, and
    Japanese law (法人税法・所得税法の帳簿保存義務, 7 years) requires keeping transaction records. The row
    keeps no personal data and can never log in again. Refused while money is still theirs or held for
    work in progress (`selectors.deletion_blockers`): a deletion must never strand a yen.
    """
    if user.deleted_at is not None:
        raise DomainError(_("このアカウントはすでに退会済みです。"), code="already_deleted")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        blockers = deletion_blockers(locked)
        if blockers:
            raise DomainError(
                _("まだ退会できません。") + " " + " ".join(blockers),
                code="money_outstanding",
                reasons=blockers,
            )
        erase_user_data(locked)
        locked.email = f"deleted-{locked.pk}@invalid"
        locked.display_name = DELETED_DISPLAY_NAME
        locked.set_unusable_password()
        locked.is_active = False
        locked.deleted_at = clock.now()
        locked.is_worker = False
        locked.is_client = False
        locked.client_kind = ""
        locked.company_name = ""
        locked.is_municipal_staff = False
        locked.municipality_name = ""
        locked.is_staff = False
        locked.is_superuser = False
        locked.preferred_language = "ja"
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
        # The audit trail stays (it is evidence), but the e-mail address written into its labels is
        # personal data: relabel it with the anonymous address.
        AuditEvent.objects.filter(actor=locked).update(actor_label=locked.email)
        audit_record(
            actor=actor if getattr(actor, "pk", None) != locked.pk else locked,
            action="accounts.deleted",
            target=locked,
            data={"self_service": getattr(actor, "pk", None) == locked.pk},
        )
    return locked


# --- identity verification -----------------------------------------------------------------------------


def sniff_document_type(head: bytes) -> str | None:
    """The document's type from its first bytes (JPEG, PNG or PDF). Names and browser-sent types can be
    anything."""
    content_type = sniff_type(head)
    return content_type if content_type in {"image/jpeg", "image/png", "application/pdf"} else None


def verification_submit(*, user: User, document: UploadedFile) -> IdentityVerification:
    if document.size is None or document.size > VERIFICATION_MAX_BYTES:
        raise DomainError(_("ファイルが大きすぎます。10MB以下の画像かPDFにしてください。"), field="document")
    document.seek(0)
    content_type = sniff_document_type(document.read(16))
    document.seek(0)
    if content_type is None:
        raise DomainError(
            _("JPEG・PNGの画像か、PDFのファイルを選んでください。"), field="document", code="bad_type"
        )
    if is_verified(user):
        raise InvalidTransition(_("本人確認はすでに済んでいます。"))
    with transaction.atomic():
        if (
            IdentityVerification.objects.select_for_update()
            .filter(user=user, status=VerificationStatus.PENDING)
            .exists()
        ):
            raise InvalidTransition(_("提出済みの書類を確認中です。結果が出るまでお待ちください。"))
        verification = IdentityVerification(user=user, content_type=content_type)
        verification.document.save(document.name or "document", document, save=False)
        name = verification.document.name or ""
        # If the row cannot be written, the stored file must not be left behind without it.
        try:
            verification.save()
            audit_record(actor=user, action="verification.submit", target=verification)
        except Exception:
            verification.document.storage.delete(name)
            raise
    return verification


def verification_review(
    *, verification: IdentityVerification, actor: User, approve: bool, reason: str = ""
) -> IdentityVerification:
    """Staff decide. The document is deleted after the decision commits: we keep only the outcome, never
    the copy of someone's ID (data minimisation, 個人情報保護法23条の安全管理措置)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("お探しのページは見つかりませんでした。"))
    target = VerificationStatus.APPROVED if approve else VerificationStatus.REJECTED
    if not approve and not (reason or "").strip():
        raise DomainError(_("確認できなかった理由を入力してください。ご本人に伝わります。"), field="reason")
    limits.check_length(reason, limit=limits.VERIFICATION_REASON, field="reason")
    with transaction.atomic():
        locked = (
            IdentityVerification.objects.select_for_update().select_related("user").get(pk=verification.pk)
        )
        stored_name = locked.document.name
        storage = locked.document.storage
        state.transition(
            locked,
            target=target,
            actor=actor,
            action=f"verification.{target}",
            fields={"reason": reason, "reviewed_by": actor, "reviewed_at": clock.now(), "document": ""},
            data={"reason": reason},
            refusal=_("この本人確認はすでに確認済みです。"),
            locked=True,
        )
        if stored_name:
            transaction.on_commit(lambda: storage.delete(stored_name))
        notices.notify(
            user=locked.user,
            code=account_notices.VERIFICATION_APPROVED if approve else account_notices.VERIFICATION_REJECTED,
            params={} if approve else {"reason": reason},
            url=reverse("identity:verification"),
        )
    return locked


def verification_document_open(*, verification: IdentityVerification, actor: User) -> Any:
    """Staff open a pending document. Every look is audited; the caller streams and closes the file."""
    if not getattr(actor, "is_staff", False):
        raise NotFound(_("お探しのページは見つかりませんでした。"))
    with transaction.atomic():
        if verification.status != VerificationStatus.PENDING or not verification.document:
            raise NotFound(_("書類は確認後に削除されています。"))
        audit_record(actor=actor, action="verification.document_view", target=verification)
    return verification.document.open("rb")

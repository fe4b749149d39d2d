"""Reads with rules for accounts, and who is identity-verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from hataraku.core import privacy
from hataraku.core.errors import NotFound

from .constants import VerificationStatus
from .models import IdentityVerification

if TYPE_CHECKING:
    from .models import User


def deletion_blockers(user: User) -> list[str]:
    """Why this account cannot be deleted yet, in words the person can act on; empty when it can.

    Deleting an account also deletes its bank account and ends every log-in, so money that is still
    theirs (or held for work in progress) would become unreachable: balances never expire, and a
    deletion must never be the way money gets stuck. Each app that holds such things says so in its
    `privacy.deletion_blockers` (ledger: money; contracts: open contracts), collected by core.
    """
    return privacy.deletion_blockers(user)


# --- identity verification -----------------------------------------------------------------------------


def is_verified(user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return IdentityVerification.objects.filter(user=user, status=VerificationStatus.APPROVED).exists()


def verified_user_ids(user_ids: list[int] | set[int]) -> set[int]:
    """For lists: which of these people are verified, in one query."""
    return set(
        IdentityVerification.objects.filter(
            user_id__in=user_ids, status=VerificationStatus.APPROVED
        ).values_list("user_id", flat=True)
    )


def latest_verification(user: User) -> IdentityVerification | None:
    return IdentityVerification.objects.filter(user=user).order_by("-created_at", "-id").first()


def access_verification_for_staff(user: User, verification_id: int) -> IdentityVerification:
    if not getattr(user, "is_staff", False):
        raise NotFound()
    verification = IdentityVerification.objects.select_related("user").filter(pk=verification_id).first()
    if verification is None:
        raise NotFound()
    return verification


def pending_verifications() -> QuerySet[IdentityVerification]:
    return IdentityVerification.objects.filter(status=VerificationStatus.PENDING).select_related("user")

"""Reads with rules for accounts, and who is identity-verified."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext as _

from hataraku.core import privacy
from hataraku.core.errors import DomainError, ErrorCode, NotFound
from hataraku.core.models import AuditEvent

from .constants import AccountStatus, ReportStatus, VerificationStatus
from .models import IdentityVerification, Municipality, Report, Suspension
from .models import User as UserModel

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


# --- suspension (issue 10, item 8) ----------------------------------------------------------------------


def check_not_suspended(user: User) -> None:
    """Refuse something new (a job, a proposal, an invitation, a message) from a suspended account.

    Reads the status on the instance the caller holds: a view's `request.user` is loaded fresh for every
    request, so this costs no query on the hot paths (sending a message, proposing)."""
    if getattr(user, "status", AccountStatus.ACTIVE) == AccountStatus.SUSPENDED:
        raise DomainError(
            ErrorCode.ACCOUNT_SUSPENDED,
            _(
                "アカウントが一時停止中のため、新しい仕事の依頼・応募・スカウト・メッセージの送信はできません。"
                "進行中の契約と支払いはそのまま続きます。くわしくは「アカウントの一時停止について」をご覧ください。"
            ),
        )


def open_suspension(user: User) -> Suspension | None:
    return Suspension.objects.filter(user=user, lifted_at__isnull=True).first()


def suspension_history(user: User) -> QuerySet[Suspension]:
    return Suspension.objects.filter(user=user).select_related("suspended_by", "lifted_by")


# --- staff: people --------------------------------------------------------------------------------------

PEOPLE_PAGE = 50


def people_search(query: str) -> list[User]:
    """Staff look someone up by e-mail, name (display, company or department) or id: an exact id first,
    then partial matches, newest accounts first, at most PEOPLE_PAGE."""
    query = (query or "").strip()
    if not query:
        return []
    found: list[User] = []
    if query.isdigit():
        found.extend(UserModel.objects.filter(pk=int(query)).select_related("municipality"))
    matches = (
        UserModel.objects.filter(
            Q(email__icontains=query)
            | Q(display_name__icontains=query)
            | Q(company_name__icontains=query)
            | Q(municipality_name__icontains=query)
        )
        .exclude(pk__in=[u.pk for u in found])
        .select_related("municipality")
        .order_by("-date_joined", "-pk")[: PEOPLE_PAGE - len(found)]
    )
    found.extend(matches)
    return found


def access_person_for_staff(actor: User, person_id: int) -> User:
    """The account for staff's people pages; 404 for everyone else, and for a superuser unless the
    actor is one too (superusers are managed from the command line)."""
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    person = UserModel.objects.select_related("municipality").filter(pk=person_id).first()
    if person is None or (person.is_superuser and not getattr(actor, "is_superuser", False)):
        raise NotFound()
    return person


def person_history(person: User, *, limit: int = 30) -> QuerySet[AuditEvent]:
    """What staff did to this account (roles, suspension, second factor), newest first."""
    return AuditEvent.objects.filter(
        target_type="accounts.user",
        target_id=str(person.pk),
        action__in=[
            "accounts.role_granted",
            "accounts.role_revoked",
            "accounts.suspended",
            "accounts.reinstated",
            "accounts.second_factor_reset",
            "accounts.role_added",
        ],
    ).order_by("-occurred_at", "-pk")[:limit]


def municipalities() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("prefecture", "jis_code")


# --- staff: reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """A staff queue as the dashboard shows it: how many wait, and since when the oldest has."""

    count: int
    oldest: dt.datetime | None


def reports_queue() -> Queue:
    """The open reports' count and the oldest one's time, in one query (for the staff dashboard)."""
    row = Report.objects.filter(status=ReportStatus.OPEN).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    return Queue(count=row["count"] or 0, oldest=row["oldest"])


def open_reports() -> QuerySet[Report]:
    return Report.objects.filter(status=ReportStatus.OPEN).select_related("reporter", "target_user")


def recently_resolved_reports(*, limit: int = 20) -> QuerySet[Report]:
    return (
        Report.objects.filter(status=ReportStatus.RESOLVED)
        .select_related("reporter", "target_user", "resolved_by")
        .order_by("-resolved_at", "-pk")[:limit]
    )


def access_report_for_staff(actor: User, report_id: int) -> Report:
    if not getattr(actor, "is_staff", False):
        raise NotFound()
    report = (
        Report.objects.select_related("reporter", "target_user", "resolved_by").filter(pk=report_id).first()
    )
    if report is None:
        raise NotFound()
    return report


def reports_about(person: User) -> QuerySet[Report]:
    return Report.objects.filter(target_user=person).order_by("-created_at", "-pk")

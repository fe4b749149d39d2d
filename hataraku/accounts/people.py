"""Staff manage people (issue 10, item 8): the roles only staff grant, suspension, and resetting a lost
second factor. Each write is audited and its owner is told (in the app and by e-mail).

Who may act: platform staff, never on their own account (no one grants themselves a role, lifts their own
suspension or removes their own second factor), and never on a superuser unless they are one (the Django
admin's people are managed from the command line or by another superuser). Anything else answers 404 alike,
as the staff pages do, so a wrong party learns nothing.

What suspension does, in one place (the person's page says the same, `templates/accounts/suspension.html`):
- no new jobs, proposals, invitations or messages (`selectors.check_not_suspended`, called by those
  services in jobs and messaging);
- funded escrows, automatic acceptance and the 60-day payment rule keep running (nothing here touches
  contracts or money: a suspension must never strand a yen or delay what a client already owes);
- a payout the person asks for is held until staff review it (payments creates it as "held").
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from hataraku.core import clock, limits, state
from hataraku.core import notifications as notices
from hataraku.core.audit import audit_record
from hataraku.core.errors import DomainError, ErrorCode, InvalidTransition, NotFound

from . import notices as account_notices
from .constants import AccountStatus, IdentityCheck, Role
from .models import Municipality, Suspension, User
from .municipalities import jis_code_error


def _check_staff(actor: User, person: User | None = None) -> None:
    if not getattr(actor, "is_staff", False) or not getattr(actor, "is_active", False):
        raise NotFound()
    if person is None:
        return
    if person.is_superuser and not actor.is_superuser:
        raise NotFound()
    if person.deleted_at is not None:
        raise InvalidTransition(_("退会したアカウントは変更できません。"))


def _not_oneself(actor: User, person: User, message: str) -> None:
    if actor.pk == person.pk:
        raise DomainError(ErrorCode.NOT_ON_ONESELF, message)


def _lock(person: User) -> User:
    return User.objects.select_for_update().get(pk=person.pk)


# --- roles ----------------------------------------------------------------------------------------------


def role_grant(
    *,
    person: User,
    actor: User,
    role: str,
    municipality: Municipality | None = None,
    department: str = "",
) -> User:
    """Give `person` the municipal partner role (for one municipality, with their department) or the
    staff role. Granting the municipal role again with another municipality moves them to it."""
    _check_staff(actor, person)
    _not_oneself(actor, person, _("ご自分の役割は、ほかの運営スタッフに変更してもらってください。"))
    department = (department or "").strip()
    limits.check_length(department, limit=limits.MUNICIPAL_DEPARTMENT, field="department")
    if role == Role.MUNICIPAL and municipality is None:
        raise DomainError(
            ErrorCode.INVALID_MUNICIPALITY,
            _("自治体パートナーの役割には、所属する自治体を選んでください。"),
            field="municipality",
        )
    if role not in (Role.MUNICIPAL, Role.STAFF):
        raise DomainError(
            ErrorCode.ROLE_NOT_SELF_SERVICE, _("この役割はここでは追加できません。"), field="role"
        )
    with transaction.atomic():
        locked = _lock(person)
        if role == Role.MUNICIPAL:
            assert municipality is not None
            label = f"{municipality.name} {department}".strip()
            if (
                locked.is_municipal_staff
                and locked.municipality_id == municipality.pk
                and locked.municipality_name == label
            ):
                return locked
            previous = locked.municipality_id if locked.is_municipal_staff else None
            locked.is_municipal_staff = True
            locked.municipality = municipality
            locked.municipality_name = label
            locked.save(update_fields=["is_municipal_staff", "municipality", "municipality_name"])
            data = {"role": str(role), "municipality": municipality.jis_code, "previous": previous}
            code, params = account_notices.MUNICIPAL_ROLE_GRANTED, {"municipality": municipality.name}
        else:
            if locked.is_staff:
                return locked
            locked.is_staff = True
            locked.save(update_fields=["is_staff"])
            data = {"role": str(role)}
            code, params = account_notices.STAFF_ROLE_GRANTED, {}
        audit_record(actor=actor, action="accounts.role_granted", target=locked, data=data)
        notices.notify(user=locked, code=code, params=params, url=reverse("core:dashboard"))
    return locked


def role_revoke(*, person: User, actor: User, role: str) -> User:
    """Take the municipal or staff role away. Taking away a role they do not have changes nothing."""
    _check_staff(actor, person)
    _not_oneself(actor, person, _("ご自分の役割は、ほかの運営スタッフに変更してもらってください。"))
    if role not in (Role.MUNICIPAL, Role.STAFF):
        raise DomainError(ErrorCode.ROLE_NOT_SELF_SERVICE, _("この役割はここでは外せません。"), field="role")
    with transaction.atomic():
        locked = _lock(person)
        if role == Role.MUNICIPAL:
            if not locked.is_municipal_staff:
                return locked
            data = {"role": str(role), "municipality": getattr(locked.municipality, "jis_code", "")}
            locked.is_municipal_staff = False
            locked.municipality = None
            locked.municipality_name = ""
            locked.save(update_fields=["is_municipal_staff", "municipality", "municipality_name"])
            code = account_notices.MUNICIPAL_ROLE_REVOKED
        else:
            if not locked.is_staff:
                return locked
            locked.is_staff = False
            locked.save(update_fields=["is_staff"])
            data = {"role": str(role)}
            code = account_notices.STAFF_ROLE_REVOKED
        audit_record(actor=actor, action="accounts.role_revoked", target=locked, data=data)
        notices.notify(user=locked, code=code, params={}, url=reverse("core:dashboard"))
    return locked


# --- suspension -----------------------------------------------------------------------------------------


def account_suspend(*, person: User, actor: User, reason: str) -> User:
    """Suspend an account (see the module docstring for what that does). The reason is shown to the
    person, so it must say what happened in words they can answer."""
    _check_staff(actor, person)
    _not_oneself(actor, person, _("ご自分のアカウントは一時停止できません。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("一時停止の理由を入力してください。ご本人に伝わります。"), field="reason")
    limits.check_length(reason, limit=limits.SUSPENSION_REASON, field="reason")
    if person.is_staff:
        raise DomainError(
            _("運営スタッフのアカウントは一時停止できません。先に運営スタッフの役割を外してください。"),
            field="reason",
        )
    with transaction.atomic():
        locked = _lock(person)
        now = clock.now()
        state.transition(
            locked,
            target=AccountStatus.SUSPENDED,
            actor=actor,
            action="accounts.suspended",
            data={"reason": reason},
            refusal=_("このアカウントはすでに一時停止中です。"),
            locked=True,
        )
        Suspension.objects.create(user=locked, reason=reason, suspended_by=actor, suspended_at=now)
        notices.notify(
            user=locked,
            code=account_notices.ACCOUNT_SUSPENDED,
            params={"reason": reason},
            url=reverse("accounts:suspension"),
        )
    return locked


def account_reinstate(*, person: User, actor: User, reason: str) -> User:
    _check_staff(actor, person)
    _not_oneself(actor, person, _("ご自分のアカウントの一時停止は解除できません。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("解除の理由を入力してください(記録に残ります)。"), field="reason")
    limits.check_length(reason, limit=limits.SUSPENSION_REASON, field="reason")
    with transaction.atomic():
        locked = _lock(person)
        now = clock.now()
        state.transition(
            locked,
            target=AccountStatus.ACTIVE,
            actor=actor,
            action="accounts.reinstated",
            data={"reason": reason},
            refusal=_("このアカウントは一時停止されていません。"),
            locked=True,
        )
        Suspension.objects.filter(user=locked, lifted_at__isnull=True).update(
            lifted_at=now, lifted_by=actor, lift_reason=reason
        )
        notices.notify(
            user=locked, code=account_notices.ACCOUNT_REINSTATED, params={}, url=reverse("core:dashboard")
        )
    return locked


# --- second factor --------------------------------------------------------------------------------------


def second_factor_reset(*, person: User, actor: User, identity_check: str, note: str) -> int:
    """Remove every authenticator of someone who lost theirs (TOTP, passkeys, recovery codes) and end
    their sessions, after staff have checked it is really them. How they were checked is required and
    kept with the audit row: this is the one door past a password, and the first thing an attacker asks
    support for. Returns how many authenticators were removed."""
    _check_staff(actor, person)
    _not_oneself(actor, person, _("ご自分の2段階認証は、ほかの運営スタッフにリセットしてもらってください。"))
    if identity_check not in IdentityCheck.values:
        raise DomainError(_("ご本人であることをどう確かめたかを選んでください。"), field="identity_check")
    note = (note or "").strip()
    limits.check_length(note, limit=limits.IDENTITY_CHECK_NOTE, field="note")
    if not note:
        raise DomainError(
            _("確認した内容(日時、照合した書類や連絡先など)をメモに書いてください。"), field="note"
        )
    with transaction.atomic():
        locked = _lock(person)
        authenticators = Authenticator.objects.filter(user_id=locked.pk)
        types = sorted(set(authenticators.values_list("type", flat=True)))
        if not types:
            raise InvalidTransition(_("この方は2段階認証を設定していません。"), field="identity_check")
        removed, _detail = authenticators.delete()
        # A session opened with the lost factor (a stolen phone) must not outlive the reset.
        for session in UserSession.objects.filter(user=locked):
            session.end()
        audit_record(
            actor=actor,
            action="accounts.second_factor_reset",
            target=locked,
            data={"identity_check": identity_check, "note": note, "removed": types},
        )
        notices.notify(
            user=locked, code=account_notices.SECOND_FACTOR_RESET, params={}, url=reverse("mfa_index")
        )
    return removed


# --- municipalities -------------------------------------------------------------------------------------


def municipality_create(*, actor: User, name: str, jis_code: str, prefecture: str) -> Municipality:
    _check_staff(actor)
    name = (name or "").strip()
    jis_code = (jis_code or "").strip()
    if not name:
        raise DomainError(_("自治体名を入力してください。"), field="name")
    limits.check_length(name, limit=limits.MUNICIPALITY, field="name")
    error = jis_code_error(jis_code)
    if error:
        raise DomainError(ErrorCode.INVALID_MUNICIPALITY, error, field="jis_code")
    if jis_code[:2] != prefecture:
        raise DomainError(
            ErrorCode.INVALID_MUNICIPALITY,
            _("コードのはじめの2桁が、選んだ都道府県と合いません。"),
            field="prefecture",
        )
    with transaction.atomic():
        if Municipality.objects.select_for_update().filter(jis_code=jis_code).exists():
            raise DomainError(
                ErrorCode.INVALID_MUNICIPALITY, _("この自治体はすでに登録されています。"), field="jis_code"
            )
        municipality = Municipality.objects.create(name=name, jis_code=jis_code, prefecture=prefecture)
        audit_record(
            actor=actor, action="accounts.municipality_created", target=municipality, data={"code": jis_code}
        )
    return municipality

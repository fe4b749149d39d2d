"""Staff manage people (issue 10, item 8): roles, suspension, second-factor reset, municipalities."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from hataraku.accounts import people, reports
from hataraku.accounts.constants import ACCOUNT_MACHINE, AccountStatus, IdentityCheck, ReportCategory, Role
from hataraku.accounts.models import Municipality, Suspension
from hataraku.accounts.municipalities import jis_check_digit, jis_code_error
from hataraku.accounts.privacy import export_user_data
from hataraku.core.errors import DomainError, ErrorCode, InvalidTransition, NotFound
from hataraku.core.models import AuditEvent
from hataraku.messaging.models import Notification

from .factories import ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from .mfa import ensure_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def nichinan():
    return Municipality.objects.create(name="日南市", jis_code="452041", prefecture="45")


def _audited(action: str, person) -> AuditEvent:
    return AuditEvent.objects.get(action=action, target_type="accounts.user", target_id=str(person.pk))


# --- the 全国地方公共団体コード ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("452041", "日南市"),
        ("202029", "松本市"),
        ("392103", "四万十市"),
        ("271403", "堺市"),
        ("112011", "川越市"),
        ("012041", "旭川市"),
        ("131016", "千代田区"),
        ("132021", "立川市"),
    ],
)
def test_real_codes_pass_the_check_digit(code: str, name: str) -> None:
    # Given a real municipality's code / When checked / Then it is accepted
    assert jis_code_error(code) is None, name


@pytest.mark.parametrize(
    "code", ["452040", "454021", "45204", "4520411", "４５２０４１", "482041", "45000" + "1", "abcdef"]
)
def test_wrong_codes_are_refused(code: str) -> None:
    # Given a mistyped, swapped, short, full-width, unknown-prefecture or prefecture-level code
    # When checked / Then each is refused with a message
    assert jis_code_error(code)


def test_check_digit_rule_for_remainders_zero_and_one() -> None:
    # Given sums whose remainder mod 11 is 0 (立川市 13202: 33) and 1 (a sum of 12: 00300)
    # Then the digit is the last digit of 11 - remainder: 1 and 0
    assert jis_check_digit("13202") == 1
    assert jis_check_digit("00300") == 0


def test_municipality_create_checks_code_against_prefecture(staff) -> None:
    # Given a valid code whose prefecture is not the chosen one
    with pytest.raises(DomainError) as info:
        people.municipality_create(actor=staff, name="日南市", jis_code="452041", prefecture="46")
    assert info.value.field == "prefecture"
    # When the right prefecture is chosen / Then it is saved and audited
    m = people.municipality_create(actor=staff, name="日南市", jis_code="452041", prefecture="45")
    assert str(m) == "宮崎県日南市"
    assert AuditEvent.objects.filter(action="accounts.municipality_created", target_id=str(m.pk)).exists()


def test_municipality_create_is_staff_only() -> None:
    with pytest.raises(NotFound):
        people.municipality_create(actor=UserFactory(), name="日南市", jis_code="452041", prefecture="45")


# --- roles ----------------------------------------------------------------------------------------------


def test_grant_municipal_role_links_the_municipality_audits_and_mails(
    staff, nichinan, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    # Given a person without the role
    person = UserFactory(is_worker=False)
    # When staff grant the municipal role for 日南市
    with django_capture_on_commit_callbacks(execute=True):
        people.role_grant(
            person=person, actor=staff, role=Role.MUNICIPAL, municipality=nichinan, department="商工課"
        )
    # Then the person is a municipal partner of 日南市, the change is audited and they are told by e-mail
    person.refresh_from_db()
    assert person.is_municipal_staff and person.municipality == nichinan
    assert person.municipality_name == "日南市 商工課"
    assert _audited("accounts.role_granted", person).data["municipality"] == "452041"
    assert Notification.objects.filter(user=person, code="accounts.municipal_role_granted").exists()
    assert [m.to for m in mailoutbox] == [[person.email]]
    assert "自治体パートナー" in mailoutbox[0].subject + mailoutbox[0].body


def test_municipal_role_needs_a_municipality(staff) -> None:
    person = UserFactory()
    with pytest.raises(DomainError) as info:
        people.role_grant(person=person, actor=staff, role=Role.MUNICIPAL)
    assert info.value.code == ErrorCode.INVALID_MUNICIPALITY
    person.refresh_from_db()
    assert not person.is_municipal_staff


def test_revoke_municipal_role_clears_the_link(staff, nichinan, django_capture_on_commit_callbacks) -> None:
    person = MunicipalFactory(municipality=nichinan)
    people.role_revoke(person=person, actor=staff, role=Role.MUNICIPAL)
    person.refresh_from_db()
    assert not person.is_municipal_staff and person.municipality is None
    assert _audited("accounts.role_revoked", person).data["municipality"] == "452041"
    assert Notification.objects.filter(user=person, code="accounts.municipal_role_revoked").exists()


def test_grant_and_revoke_staff_role(staff) -> None:
    person = UserFactory()
    people.role_grant(person=person, actor=staff, role=Role.STAFF)
    person.refresh_from_db()
    assert person.is_staff
    people.role_revoke(person=person, actor=staff, role=Role.STAFF)
    person.refresh_from_db()
    assert not person.is_staff
    assert (
        AuditEvent.objects.filter(target_id=str(person.pk), action__startswith="accounts.role_").count() == 2
    )


def test_granting_a_role_one_has_changes_nothing(staff) -> None:
    person = StaffFactory()
    people.role_grant(person=person, actor=staff, role=Role.STAFF)
    assert not AuditEvent.objects.filter(action="accounts.role_granted").exists()


@pytest.mark.parametrize("role", [Role.WORKER, Role.CLIENT])
def test_self_service_roles_are_not_granted_here(staff, role) -> None:
    with pytest.raises(DomainError):
        people.role_grant(person=UserFactory(is_worker=False), actor=staff, role=role)


def test_wrong_party_gets_not_found(nichinan) -> None:
    # Given a worker, a client and a municipal partner (none of them staff)
    person = UserFactory()
    for actor in (UserFactory(), ClientFactory(), MunicipalFactory()):
        # When they try any staff action / Then it is "not found", and nothing changes
        with pytest.raises(NotFound):
            people.role_grant(person=person, actor=actor, role=Role.STAFF)
        with pytest.raises(NotFound):
            people.account_suspend(person=person, actor=actor, reason="x")
        with pytest.raises(NotFound):
            people.second_factor_reset(
                person=person, actor=actor, identity_check=IdentityCheck.CALLBACK, note="x"
            )
    person.refresh_from_db()
    assert not person.is_staff and person.status == AccountStatus.ACTIVE


def test_staff_cannot_touch_a_superuser_or_themselves(staff) -> None:
    boss = StaffFactory(is_superuser=True)
    with pytest.raises(NotFound):
        people.role_revoke(person=boss, actor=staff, role=Role.STAFF)
    with pytest.raises(DomainError) as info:
        people.role_revoke(person=staff, actor=staff, role=Role.STAFF)
    assert info.value.code == ErrorCode.NOT_ON_ONESELF


# --- suspension -----------------------------------------------------------------------------------------


def test_the_account_machine_moves_both_ways_only() -> None:
    assert ACCOUNT_MACHINE.allows(AccountStatus.ACTIVE, AccountStatus.SUSPENDED)
    assert ACCOUNT_MACHINE.allows(AccountStatus.SUSPENDED, AccountStatus.ACTIVE)
    assert not ACCOUNT_MACHINE.allows(AccountStatus.SUSPENDED, AccountStatus.SUSPENDED)


def test_suspend_then_reinstate(staff, mailoutbox, django_capture_on_commit_callbacks) -> None:
    # Given an active worker
    person = UserFactory()
    # When staff suspend them with a reason
    with django_capture_on_commit_callbacks(execute=True):
        people.account_suspend(
            person=person, actor=staff, reason="外部での直接取引を求めるメッセージが続いたため"
        )
    # Then the account is suspended, the reason is kept and audited, and the person is told by e-mail
    person.refresh_from_db()
    assert person.is_suspended
    suspension = Suspension.objects.get(user=person)
    assert suspension.lifted_at is None and suspension.suspended_by == staff
    assert _audited("accounts.suspended", person).data["reason"].startswith("外部での直接取引")
    assert len(mailoutbox) == 1 and "外部での直接取引" in mailoutbox[0].body
    # When staff reinstate them
    with django_capture_on_commit_callbacks(execute=True):
        people.account_reinstate(person=person, actor=staff, reason="事情を確認できたため")
    # Then the account is active again, the suspension is closed, audited and mailed
    person.refresh_from_db()
    assert person.status == AccountStatus.ACTIVE
    suspension.refresh_from_db()
    assert suspension.lifted_by == staff and suspension.lift_reason == "事情を確認できたため"
    assert _audited("accounts.reinstated", person)
    assert len(mailoutbox) == 2


def test_suspension_needs_a_reason_and_cannot_repeat(staff) -> None:
    person = UserFactory()
    with pytest.raises(DomainError) as info:
        people.account_suspend(person=person, actor=staff, reason="  ")
    assert info.value.field == "reason"
    people.account_suspend(person=person, actor=staff, reason="理由")
    with pytest.raises(InvalidTransition):
        people.account_suspend(person=person, actor=staff, reason="理由")
    assert Suspension.objects.filter(user=person).count() == 1


def test_reinstating_an_active_account_is_refused(staff) -> None:
    with pytest.raises(InvalidTransition):
        people.account_reinstate(person=UserFactory(), actor=staff, reason="理由")


def test_staff_accounts_are_not_suspended(staff) -> None:
    with pytest.raises(DomainError):
        people.account_suspend(person=StaffFactory(), actor=staff, reason="理由")


# --- second factor --------------------------------------------------------------------------------------


def test_second_factor_reset_removes_authenticators_audits_how_identity_was_checked(
    staff, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    # Given a municipal partner with a TOTP authenticator
    person = MunicipalFactory()
    ensure_totp(person)
    # When staff reset it after a video call with the ID document
    with django_capture_on_commit_callbacks(execute=True):
        removed = people.second_factor_reset(
            person=person,
            actor=staff,
            identity_check=IdentityCheck.VIDEO_WITH_DOCUMENT,
            note="12/7 10:00 ビデオ通話で運転免許証と照合",
        )
    # Then the authenticator is gone, the check is in the audit row, and the person is mailed
    assert removed == 1
    assert not Authenticator.objects.filter(user_id=person.pk).exists()
    data = _audited("accounts.second_factor_reset", person).data
    assert data["identity_check"] == "video_document" and "運転免許証" in data["note"]
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [person.email]


def test_second_factor_reset_needs_the_identity_check(staff) -> None:
    person = MunicipalFactory()
    ensure_totp(person)
    with pytest.raises(DomainError) as info:
        people.second_factor_reset(person=person, actor=staff, identity_check="", note="メモ")
    assert info.value.field == "identity_check"
    with pytest.raises(DomainError) as info:
        people.second_factor_reset(person=person, actor=staff, identity_check=IdentityCheck.CALLBACK, note="")
    assert info.value.field == "note"
    assert Authenticator.objects.filter(user_id=person.pk).exists()
    assert not AuditEvent.objects.filter(action="accounts.second_factor_reset").exists()


def test_second_factor_reset_without_authenticator_is_refused(staff) -> None:
    with pytest.raises(InvalidTransition):
        people.second_factor_reset(
            person=UserFactory(), actor=staff, identity_check=IdentityCheck.CALLBACK, note="電話で確認"
        )


def test_the_personal_data_download_holds_suspensions_and_reports_made(staff) -> None:
    # Given a person who reported someone and was suspended
    person = UserFactory()
    reports.report_submit(
        reporter=person, kind="user", target_id=UserFactory().pk, category=ReportCategory.SPAM, body="宣伝"
    )
    people.account_suspend(person=person, actor=staff, reason="確認のため")
    person.refresh_from_db()
    # When their data is exported / Then both are in it
    data = export_user_data(person)
    assert data["アカウント"]["アカウントの状態"] == "一時停止中"
    assert data["一時停止"][0]["理由"] == "確認のため"
    assert data["運営への報告"][0]["内容"] == "宣伝"

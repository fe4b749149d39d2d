"""The staff people pages, the report form and the suspended person's banner (issue 10, items 7 and 8)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hataraku.accounts import people
from hataraku.accounts.constants import IdentityCheck, ReportCategory
from hataraku.accounts.models import Municipality, Report
from hataraku.accounts.tests.mfa import ensure_totp, login_as, login_with_mfa
from hataraku.core.models import AuditEvent

from .factories import ClientFactory, MunicipalFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def nichinan():
    return Municipality.objects.create(name="日南市", jis_code="452041", prefecture="45")


def staff_pages(person_id: int, report_id: int) -> list[str]:
    return [
        reverse("accounts:staff_people"),
        reverse("accounts:staff_person", args=[person_id]),
        reverse("accounts:staff_person_suspend", args=[person_id]),
        reverse("accounts:staff_person_second_factor", args=[person_id]),
        reverse("accounts:staff_municipalities"),
        reverse("accounts:staff_reports"),
        reverse("accounts:staff_report", args=[report_id]),
    ]


def test_staff_pages_answer_404_to_everyone_else(client, staff) -> None:
    # Given a person, a report, and people of every other role
    person = UserFactory()
    report = Report.objects.create(
        reporter=UserFactory(),
        target_kind="user",
        target_type_id=_user_content_type(),
        target_id=person.pk,
        target_label="x",
        category=ReportCategory.SPAM,
    )
    for other in (UserFactory(), ClientFactory(), MunicipalFactory()):
        login_as(client, other)
        # When they open any staff page (or post to it) / Then 404
        for url in staff_pages(person.pk, report.pk):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"action": "grant_staff"}).status_code == 404, url
    # And staff get every page
    login_with_mfa(client, staff)
    for url in staff_pages(person.pk, report.pk):
        assert client.get(url).status_code == 200, url
    person.refresh_from_db()
    assert not person.is_staff


def _user_content_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    from hataraku.accounts.models import User

    return ContentType.objects.get_for_model(User).pk


def test_search_by_email_name_and_id(client, staff) -> None:
    person = UserFactory(email="kenichi@example.jp", display_name="山本 健一")
    UserFactory(email="someone@example.jp", display_name="別の人")
    login_with_mfa(client, staff)
    for q in ["kenichi@", "健一", str(person.pk)]:
        html = client.get(reverse("accounts:staff_people"), {"q": q}).content.decode()
        assert "山本 健一" in html and "別の人" not in html, q


def test_grant_the_municipal_role_from_the_person_page(client, staff, nichinan) -> None:
    # Given staff on a person's page
    person = UserFactory(is_worker=False)
    login_with_mfa(client, staff)
    url = reverse("accounts:staff_person", args=[person.pk])
    # When they post without a municipality / Then the form says so and nothing changes
    response = client.post(url, {"action": "grant_municipal", "municipality": "", "department": ""})
    assert response.status_code == 200
    assert "所属する自治体を選んでください。" in response.content.decode()
    # When they choose 日南市
    response = client.post(
        url, {"action": "grant_municipal", "municipality": nichinan.pk, "department": "商工課"}
    )
    # Then the role is granted (audited) and the page says the person was told
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_municipal_staff and person.municipality_id == nichinan.pk
    assert AuditEvent.objects.filter(action="accounts.role_granted", target_id=str(person.pk)).exists()


def test_a_change_needs_a_recent_second_factor(client, staff) -> None:
    # Given a staff session whose second factor was used ten minutes ago
    person = UserFactory()
    login_with_mfa(client, staff, seconds_ago=600)
    # When they grant a role / Then they are asked for the code again and nothing changes
    response = client.post(reverse("accounts:staff_person", args=[person.pk]), {"action": "grant_staff"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    person.refresh_from_db()
    assert not person.is_staff
    # And the page itself still opens
    assert client.get(reverse("accounts:staff_person", args=[person.pk])).status_code == 200


def test_suspend_and_second_factor_pages(client, staff) -> None:
    person = MunicipalFactory()
    ensure_totp(person)
    login_with_mfa(client, staff)
    response = client.post(reverse("accounts:staff_person_suspend", args=[person.pk]), {"reason": ""})
    assert "理由を入力してください。" in response.content.decode()
    response = client.post(
        reverse("accounts:staff_person_suspend", args=[person.pk]), {"reason": "確認のため"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_suspended
    # The second-factor reset needs the confirmation box
    url = reverse("accounts:staff_person_second_factor", args=[person.pk])
    data = {"identity_check": IdentityCheck.CALLBACK, "note": "登録の電話番号に折り返して確認"}
    response = client.post(url, data)
    assert "確認のチェックを入れてください" in response.content.decode()
    response = client.post(url, {**data, "confirmed": "on"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.second_factor_reset", target_id=str(person.pk)).exists()


def test_the_suspended_person_sees_the_banner_and_the_page(client, staff) -> None:
    person = UserFactory()
    login_as(client, person)
    assert "このアカウントは一時停止中です" not in client.get(reverse("core:dashboard")).content.decode()
    people.account_suspend(person=person, actor=staff, reason="本人確認書類の確認が必要なため")
    html = client.get(reverse("core:dashboard")).content.decode()
    assert "このアカウントは一時停止中です" in html and reverse("accounts:suspension") in html
    html = client.get(reverse("accounts:suspension")).content.decode()
    assert "本人確認書類の確認が必要なため" in html
    assert "自動検収" in html and "出金" in html


def test_report_a_user_through_the_form(client) -> None:
    reporter, person = UserFactory(), UserFactory(display_name="迷惑な人")
    login_as(client, reporter)
    url = reverse("accounts:report", args=["user", person.pk])
    assert "迷惑な人" in client.get(url).content.decode()
    response = client.post(url, {"category": ReportCategory.SPAM, "body": "同じ宣伝が何度も届きます"})
    assert response.status_code == 302
    assert Report.objects.get().target_user == person
    # A target they may not report is 404
    assert client.get(reverse("accounts:report", args=["user", reporter.pk])).status_code == 404
    assert client.get(reverse("accounts:report", args=["job", 999_999])).status_code == 404


def test_django_admin_is_for_superusers_only_and_not_linked_for_staff(client, staff) -> None:
    login_with_mfa(client, staff)
    html = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("admin:index") not in html
    assert reverse("accounts:staff_people") in html
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302  # to the log-in page: staff have no admin
    superuser = StaffFactory(is_superuser=True)
    client.logout()
    login_with_mfa(client, superuser)
    assert client.get(reverse("admin:index")).status_code == 200

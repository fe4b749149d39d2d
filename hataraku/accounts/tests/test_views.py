"""Account pages: settings and roles, personal-data download, deletion, session extension, dashboard."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from hataraku.accounts.models import User
from hataraku.accounts.tests.mfa import login_as
from hataraku.core.models import AuditEvent

from .factories import PASSWORD, ClientFactory, MunicipalFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_from_every_account_page(client):
    for name in ["accounts:settings", "accounts:delete", "core:dashboard"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestSettingsPage:
    def test_shows_roles_and_offers_the_missing_self_service_role(self, client):
        # given a worker
        user = UserFactory()
        login_as(client, user)

        # when they open the settings page
        html = client.get(reverse("accounts:settings")).content.decode()

        # then their role is listed and they may add the client role, but not municipal/staff
        assert "ワーカー(仕事を受ける)" in html
        assert "クライアントの役割を追加する" in html
        assert "ワーカーの役割を追加する" not in html
        assert 'value="municipal"' not in html

    def test_add_client_role(self, client):
        user = UserFactory()
        login_as(client, user)
        response = client.post(
            reverse("accounts:settings"),
            {"action": "add_client", "client-client_kind": "individual", "client-company_name": ""},
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.is_client and user.is_worker

    def test_add_company_client_without_name_shows_error_and_saves_nothing(self, client):
        user = UserFactory()
        login_as(client, user)
        response = client.post(
            reverse("accounts:settings"), {"action": "add_client", "client-client_kind": "company"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "入力内容を確認してください" in html
        assert "会社名を入力してください" in html
        user.refresh_from_db()
        assert not user.is_client

    def test_add_worker_role(self, client):
        user = ClientFactory()
        login_as(client, user)
        client.post(reverse("accounts:settings"), {"action": "add_worker"})
        user.refresh_from_db()
        assert user.is_worker

    def test_edit_name_and_language_switches_language(self, client):
        user = UserFactory()
        login_as(client, user)
        response = client.post(
            reverse("accounts:settings"),
            {"action": "settings", "settings-display_name": "さくら", "settings-preferred_language": "en"},
        )
        assert response.status_code == 302
        assert response.cookies["django_language"].value == "en"
        user.refresh_from_db()
        assert (user.display_name, user.preferred_language) == ("さくら", "en")

    def test_blank_name_is_refused(self, client):
        user = UserFactory(display_name="元の名前")
        login_as(client, user)
        response = client.post(
            reverse("accounts:settings"),
            {"action": "settings", "settings-display_name": "", "settings-preferred_language": "ja"},
        )
        assert response.status_code == 200
        assert "入力内容を確認してください" in response.content.decode()
        user.refresh_from_db()
        assert user.display_name == "元の名前"


class TestDataDownload:
    def test_download_is_my_data_only_and_audited(self, client, frozen_clock):
        # given me with an authenticator, and another person
        me = UserFactory(email="me@example.jp", display_name="わたし")
        TOTP.activate(me, secret := generate_totp_secret())
        other = UserFactory(email="other@example.jp", display_name="ほかの人")
        login_as(client, me)

        # when I download my data (a POST: the download is audited)
        response = client.post(reverse("accounts:data_download"))

        # then it is a JSON attachment named by today's date in Japan
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"] == 'attachment; filename="hataraku-data-20261201.json"'
        body = response.content.decode("utf-8")
        data = json.loads(body)
        account = data["データ"]["accounts"]
        assert account["アカウント"]["メールアドレス"] == "me@example.jp"
        assert account["アカウント"]["表示名"] == "わたし"
        assert [a["種類"] for a in account["2段階認証"]] == ["totp"]
        # and it holds neither the other person nor any secret, and Japanese is not escaped
        assert "other@example.jp" not in body and "ほかの人" not in body
        assert secret not in body and "secret" not in body
        assert "わたし" in body
        assert other.pk != me.pk
        # and the download is on the audit log
        assert AuditEvent.objects.filter(action="privacy.exported", actor=me).count() == 1

    def test_opening_the_link_discloses_and_records_nothing(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:data_download")).status_code == 405
        assert not AuditEvent.objects.filter(action="privacy.exported").exists()


class TestDeleteAccount:
    def test_wrong_password_changes_nothing(self, client):
        user = UserFactory()
        login_as(client, user)
        response = client.post(reverse("accounts:delete"), {"password": "wrong", "understood": "on"})
        assert response.status_code == 200
        assert "パスワードが正しくありません" in response.content.decode()
        user.refresh_from_db()
        assert user.is_active and user.deleted_at is None

    def test_without_the_check_changes_nothing(self, client):
        user = UserFactory()
        login_as(client, user)
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
        assert "確認のチェックを入れてください" in response.content.decode()
        user.refresh_from_db()
        assert user.is_active

    def test_delete_logs_out_and_blocks_log_in(self, client):
        # given a logged-in person
        user = UserFactory(email="leaving@example.jp")
        login_as(client, user)

        # when they confirm with their password and the checkbox
        response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "understood": "on"})

        # then they are logged out and sent home, the row is anonymised
        assert response.status_code == 302
        assert response["Location"] == reverse("core:home")
        assert "_auth_user_id" not in client.session
        user = User.objects.get(pk=user.pk)
        assert user.email == f"deleted-{user.pk}@invalid" and not user.is_active
        # and they cannot log in again with the old address and password
        again = client.post(reverse("account_login"), {"login": "leaving@example.jp", "password": PASSWORD})
        assert again.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_other_browsers_are_logged_out(self, client, django_user_model):
        # given a person logged in on two devices (the second one through the real log-in)
        from django.test import Client

        user = UserFactory()
        phone = Client()
        phone.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert phone.get(reverse("core:dashboard")).status_code == 200
        login_as(client, user)

        # when they delete the account from the first
        client.post(reverse("accounts:delete"), {"password": PASSWORD, "understood": "on"})

        # then the phone's session no longer works
        assert phone.get(reverse("core:dashboard")).status_code == 302


class TestSessionExtend:
    def test_post_moves_the_expiry(self, client, settings):
        # given a logged-in person whose session is about to end
        user = UserFactory()
        login_as(client, user)
        key = client.session.session_key
        soon = timezone.now() + dt.timedelta(seconds=60)
        Session.objects.filter(session_key=key).update(expire_date=soon)

        # when the page asks to extend
        response = client.post(reverse("core:session_extend"))

        # then the session lasts a full SESSION_COOKIE_AGE again
        assert response.status_code == 200
        assert response.json() == {"expires_in": settings.SESSION_COOKIE_AGE}
        expiry = Session.objects.get(session_key=key).expire_date
        assert expiry >= soon + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)

    def test_anonymous_cannot_extend(self, client):
        response = client.post(reverse("core:session_extend"))
        assert response.status_code in (302, 403)
        assert "expires_in" not in response.content.decode()

    def test_get_is_not_allowed(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("core:session_extend")).status_code == 405

    def test_pages_carry_the_timeout_for_the_warning(self, client, settings):
        client.force_login(UserFactory())
        html = client.get(reverse("core:dashboard")).content.decode()
        assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in html
        assert 'id="session-dialog"' in html


class TestDashboard:
    @pytest.mark.parametrize(
        ("factory", "shown", "hidden"),
        [
            (UserFactory, ["dash-worker"], ["dash-client", "dash-municipal", "dash-staff"]),
            (ClientFactory, ["dash-client"], ["dash-worker", "dash-municipal", "dash-staff"]),
            (MunicipalFactory, ["dash-municipal"], ["dash-worker", "dash-client", "dash-staff"]),
            (StaffFactory, ["dash-staff"], ["dash-worker", "dash-client", "dash-municipal"]),
        ],
    )
    def test_cards_follow_roles(self, client, factory, shown, hidden):
        login_as(client, factory())
        html = client.get(reverse("core:dashboard")).content.decode()
        for card in shown:
            assert f'id="{card}"' in html
        for card in hidden:
            assert f'id="{card}"' not in html

    def test_worker_and_client_see_both(self, client):
        login_as(client, UserFactory(is_client=True, client_kind="individual"))
        html = client.get(reverse("core:dashboard")).content.decode()
        assert 'id="dash-worker"' in html and 'id="dash-client"' in html
        # and the menu leads to both money pages: earnings as a worker, funding as a client
        assert f'href="{reverse("payments:earnings")}"' in html
        assert f'href="{reverse("payments:funding")}"' in html

    def test_mfa_nudge_until_enabled(self, client):
        user = UserFactory()
        login_as(client, user)
        assert "2段階認証を設定する(おすすめ)" in client.get(reverse("core:dashboard")).content.decode()
        TOTP.activate(user, generate_totp_secret())
        assert "2段階認証(設定済み)" in client.get(reverse("core:dashboard")).content.decode()


class TestAuditLog:
    def test_staff_sees_it(self, client):
        login_as(client, StaffFactory())
        response = client.get(reverse("core:audit_log"))
        assert response.status_code == 200
        assert "<h1>監査ログ</h1>" in response.content.decode()

    @pytest.mark.parametrize("factory", [UserFactory, ClientFactory, MunicipalFactory])
    def test_others_do_not(self, client, factory):
        login_as(client, factory())
        response = client.get(reverse("core:audit_log"))
        assert response.status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(reverse("core:audit_log"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_audit_log_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    # given staff and a page of events by several people
    from hataraku.core.audit import audit_record

    staff = StaffFactory()
    login_as(client, staff)
    client.get(reverse("core:audit_log"))  # warm the session

    def add_events(n: int) -> None:
        from django.db import transaction

        with transaction.atomic():
            for _ in range(n):
                person = UserFactory()
                audit_record(actor=person, action="test.event", target=person)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add_events(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:audit_log"))

    # when there are many more rows, the page costs the same number of queries
    add_events(10)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("core:audit_log"))
    assert response.content.decode().count("test.event") >= 12

"""Staff and municipal sessions need a second factor (issue 7, item 3): enforced by role for every page, a
fresh one before revealing or moving anything sensitive, and the Django admin only through allauth."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from .factories import PASSWORD, ClientFactory, MunicipalFactory, StaffFactory, UserFactory
from .mfa import ensure_totp, login_with_mfa, totp_code

pytestmark = pytest.mark.django_db

# A sample of pages across apps, public and private; none of them is set-up.
PAGES = [
    "/dashboard/",
    "/",
    "/staff/audit/",
    "/payments/staff/transfers/",
    "/payments/staff/batches/",
    "/jobs/",
    "/me/settings/",
    "/accounts/email/",
    "/django-admin/",
    "/django-admin/accounts/user/",
]


def password_login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("factory", [StaffFactory, MunicipalFactory], ids=["staff", "municipal"])
def test_password_alone_reaches_only_the_set_up(client, factory):
    # given a staff or municipal person without a second factor, logged in with the password alone
    person = factory()
    assert password_login(client, person).status_code == 302
    assert logged_in(client)

    # when they open any page
    for path in PAGES:
        response = client.get(path)
        # then they are sent to set up a second factor
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_index"), path

    # and the set-up pages themselves, log-out and the health check answer
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/healthz").status_code == 200
    index = client.get(reverse("mfa_index"), follow=True).content.decode()
    assert "2段階認証" in index


def test_the_message_says_why(client):
    # given a staff member without a second factor
    password_login(client, StaffFactory())
    # when she opens the dashboard
    page = client.get("/dashboard/", follow=True).content.decode()
    # then the set-up page says, in Japanese, why she is there
    assert "パスワードに加えて2段階認証" in page


def test_api_answers_403_json_in_the_api_shape(client):
    # given a staff member whose session has no second factor
    password_login(client, StaffFactory())
    # when the API is called
    response = client.get("/api/health")
    # then it is a 403 in the API's error shape
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body["code"] == "second_factor_setup_required"
    assert "2段階認証" in body["detail"]


def test_workers_and_clients_are_not_asked(client):
    # given people without staff or municipal roles, logged in with a password
    for person in (UserFactory(), ClientFactory()):
        client.force_login(person)
        # when they open their dashboard, then it answers
        assert client.get("/dashboard/").status_code == 200


def test_log_in_with_password_and_totp_code_reaches_every_page(client):
    # given a staff member with a TOTP authenticator
    staff = StaffFactory()
    ensure_totp(staff)
    # when she logs in with the password
    first = password_login(client, staff)
    # then the code is asked before she is logged in
    assert first["Location"] == reverse("mfa_authenticate")
    assert not logged_in(client)
    # when she types the code from her app
    second = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    # then she is in, and pages answer
    assert second.status_code == 302
    assert logged_in(client)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/payments/staff/transfers/").status_code == 200


def test_a_session_that_did_not_use_the_authenticator_is_asked_for_it(client):
    # given a staff member who has TOTP, in a session that never used it
    staff = StaffFactory()
    ensure_totp(staff)
    client.force_login(staff)

    # when she opens a page, then she is asked for the code and brought back afterwards
    response = client.get("/staff/audit/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=%2Fstaff%2Faudit%2F"
    # and the set-up pages are shut too: a password alone must not add a second authenticator
    assert client.get(reverse("mfa_add_webauthn"))["Location"].startswith(reverse("mfa_reauthenticate"))
    assert client.get(reverse("mfa_index"))["Location"].startswith(reverse("mfa_reauthenticate"))

    # when she types the code
    done = client.post(
        reverse("mfa_reauthenticate") + "?next=%2Fstaff%2Faudit%2F", {"code": totp_code(staff)}
    )
    # then she is sent back to the page, which now answers
    assert done.status_code == 302
    assert done["Location"] == "/staff/audit/"
    assert client.get("/staff/audit/").status_code == 200


# A real commit: allauth announces the new authenticator after its transaction commits.
@pytest.mark.django_db(transaction=True)
def test_setting_up_totp_opens_the_platform_without_logging_in_again(client):
    # given a new staff member without a second factor, logged in with the password
    staff = StaffFactory()
    password_login(client, staff)
    # when she confirms her password, as allauth asks before adding an authenticator
    activate = reverse("mfa_activate_totp")
    to_reauth = client.get(activate)
    assert to_reauth["Location"].startswith(reverse("account_reauthenticate"))
    client.post(to_reauth["Location"], {"password": PASSWORD})
    # and adds the secret to her app and types its code
    assert client.get(activate).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(activate, {"code": code}).status_code == 302
    # then she has a TOTP authenticator and every page answers in this same session
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/staff/audit/").status_code == 200


class TestDjangoAdmin:
    def test_the_admin_log_in_form_is_allauths(self, client):
        # given a superuser who knows the password
        admin = StaffFactory(is_superuser=True)
        # when she posts it to the Django admin's own log-in form
        response = client.post(
            "/django-admin/login/?next=/django-admin/", {"username": admin.email, "password": PASSWORD}
        )
        # then she is not logged in but sent to allauth's log-in, which asks for the second factor
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert not logged_in(client)

    def test_a_password_alone_reaches_no_admin_page(self, client):
        # given a superuser logged in with the password alone (with and without an authenticator)
        admin = StaffFactory(is_superuser=True)
        client.force_login(admin)
        for path in (
            "/django-admin/",
            "/django-admin/accounts/user/",
            f"/django-admin/accounts/user/{admin.pk}/change/",
        ):
            assert client.get(path).status_code == 302, path
        ensure_totp(admin)
        for path in ("/django-admin/", "/django-admin/accounts/user/"):
            assert client.get(path)["Location"].startswith(reverse("mfa_reauthenticate")), path

    def test_with_the_second_factor_the_admin_opens(self, client):
        # given a superuser whose session used TOTP
        admin = StaffFactory(is_superuser=True)
        login_with_mfa(client, admin)
        # when she opens the admin, then it answers
        assert client.get("/django-admin/").status_code == 200


class TestRecentSecondFactor:
    """Revealing special-care data or identity documents, confirming a transfer and producing a payout
    file each need the second factor within the last five minutes."""

    def test_an_old_second_factor_is_asked_again_and_the_page_follows(self, client, frozen_clock):
        # given a staff member who used TOTP at log-in, six minutes ago
        staff = StaffFactory()
        worker = UserFactory()
        login_with_mfa(client, staff)
        frozen_clock.advance(dt.timedelta(minutes=6))
        url = reverse("profiles:staff_sensitive", args=[worker.pk])

        # when she opens a worker's special-care page
        response = client.get(url)
        # then the code is asked first
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))
        # when she types it, then she goes on to the page
        done = client.post(response["Location"], {"code": totp_code(staff)})
        assert done["Location"] == url
        assert client.get(url).status_code == 200

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("post", "/payments/staff/transfers/999999/confirm/"),
            ("post", "/payments/staff/batches/999999/zengin/"),
            ("post", "/jobs/staff/verifications/999999/document/"),
        ],
        ids=["transfer-confirmation", "zengin-file", "identity-document"],
    )
    def test_money_and_documents_need_a_recent_second_factor(self, client, frozen_clock, method, path):
        # given a staff member whose second factor is six minutes old
        staff = StaffFactory()
        login_with_mfa(client, staff)
        frozen_clock.advance(dt.timedelta(minutes=6))
        # when she confirms a transfer, asks for a payout file or opens an identity document
        refused = getattr(client, method)(path)
        # then the code is asked first
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("mfa_reauthenticate"))
        # when she has just used it, then the request reaches the view (here: nothing by that number)
        login_with_mfa(client, staff)
        assert getattr(client, method)(path).status_code in (404, 405)

    def test_the_interrupted_post_is_replayed_after_the_code(self, client, frozen_clock):
        # given a staff member with an old second factor who confirms a transfer
        staff = StaffFactory()
        login_with_mfa(client, staff, seconds_ago=600)
        path = "/payments/staff/transfers/999999/confirm/"
        refused = client.post(path)
        # when she types the code on the page she was sent to
        replayed = client.post(refused["Location"], {"code": totp_code(staff)})
        # then the POST she made goes on to the view (which finds no such transfer) instead of being lost
        assert replayed.status_code == 404


def test_the_explanation_is_shown_once_however_many_pages_were_refused(client):
    # given a staff member without a second factor who opens three pages before the set-up page loads
    password_login(client, StaffFactory())
    for path in ("/dashboard/", "/favicon.ico", "/staff/audit/"):
        client.get(path)
    # when the set-up page is shown, then the explanation appears once
    page = client.get(reverse("mfa_index")).content.decode()
    assert page.count("パスワードに加えて2段階認証") == 1

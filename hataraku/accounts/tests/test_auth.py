"""Sign-up, e-mail confirmation, log-in with a second factor, and throttling of failed log-ins."""

from __future__ import annotations

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from hataraku.accounts.models import User

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def current_totp(secret: str) -> str:
    # The same computation allauth checks against (30-second steps of the real clock).
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def log_in(client, email: str, password: str):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_sends_verification_and_confirming_logs_in(client):
    # given a new person filling in the sign-up form as a worker who also wants to hire, as a company
    data = {
        "email": "Hanako@Example.jp",
        "display_name": "山田 花子",
        "password1": "hanako-no-himitsu-2026",
        "password2": "hanako-no-himitsu-2026",
        "want_work": "on",
        "want_hire": "on",
        "client_kind": "company",
        "company_name": "山田商店",
    }

    # when they sign up
    response = client.post(reverse("account_signup"), data)

    # then they are sent to "check your mail", not logged in yet, and one verification mail went out
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None
    user = User.objects.get(email="hanako@example.jp")
    assert (user.display_name, user.is_worker, user.is_client) == ("山田 花子", True, True)
    assert (user.client_kind, user.company_name) == ("company", "山田商店")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hanako@example.jp"]
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", str(mail.outbox[0].body))
    assert link is not None

    # when they open the link and press the confirm button
    page = client.get(link.group(0))
    assert page.status_code == 200
    confirmed = client.post(link.group(0))

    # then the address is verified and they are logged in
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert logged_in_user_id(client) == str(user.pk)


def test_signup_without_any_role_shows_error_summary_and_saves_nothing(client):
    # given a sign-up with neither 仕事を受けたい nor 仕事を依頼したい
    data = {
        "email": "norole@example.jp",
        "display_name": "役割なし",
        "password1": "hanako-no-himitsu-2026",
        "password2": "hanako-no-himitsu-2026",
    }

    # when it is sent
    response = client.post(reverse("account_signup"), data)

    # then the form comes back with the summary and the reason, and no account or mail exists
    html = response.content.decode()
    assert response.status_code == 200
    assert "入力内容を確認してください" in html
    assert "少なくとも一つを選んでください" in html
    assert not User.objects.filter(email="norole@example.jp").exists()
    assert mail.outbox == []


def test_login_page_is_japanese_with_labels(client):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert '<label for="id_login"' in html
    assert '<label for="id_password"' in html
    assert "パスワードをお忘れですか" in html


def test_unverified_email_cannot_log_in(client):
    # given a person who has not confirmed their address yet
    user = UserFactory(verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    # when they log in with the right password
    response = log_in(client, user.email, PASSWORD)

    # then they are asked to verify first
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert logged_in_user_id(client) is None


class TestTwoFactor:
    def test_totp_is_required_and_accepted(self, client):
        # given a person with an authenticator app
        user = UserFactory()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)

        # when they log in with the password only
        response = log_in(client, user.email, PASSWORD)

        # then they are asked for the code and are not logged in yet
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert logged_in_user_id(client) is None
        assert client.get(reverse("core:dashboard")).status_code == 302

        # when they enter the current code
        done = client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})

        # then they are logged in and reach the dashboard
        assert done.status_code == 302
        assert logged_in_user_id(client) == str(user.pk)
        assert client.get(reverse("core:dashboard")).status_code == 200

    def test_wrong_code_is_refused_with_a_message(self, client):
        # given a person with TOTP who passed the password step
        user = UserFactory()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        log_in(client, user.email, PASSWORD)
        wrong = "000000" if current_totp(secret) != "000000" else "111111"

        # when they type a wrong code
        response = client.post(reverse("mfa_authenticate"), {"code": wrong})

        # then the page says so in Japanese, and they are not logged in
        assert response.status_code == 200
        assert "コードが正しくありません" in response.content.decode()
        assert logged_in_user_id(client) is None

    def test_recovery_code_logs_in_once(self, client):
        # given a person with TOTP and recovery codes, who lost their phone
        user = UserFactory()
        TOTP.activate(user, generate_totp_secret())
        codes = RecoveryCodes.activate(user).get_unused_codes()

        # when they log in with a recovery code
        log_in(client, user.email, PASSWORD)
        response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

        # then they are in
        assert response.status_code == 302
        assert logged_in_user_id(client) == str(user.pk)

        # and the same code does not work a second time
        client.logout()
        log_in(client, user.email, PASSWORD)
        again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
        assert again.status_code == 200
        assert logged_in_user_id(client) is None


class TestLoginThrottling:
    def test_five_failures_throttle_that_account_only(self, client):
        # given two people on the same network (the test client always sends 127.0.0.1)
        a = UserFactory()
        b = UserFactory()

        # when A mistypes the password five times
        for _ in range(5):
            failed = log_in(client, a.email, "wrong-password")
            assert failed.status_code == 200

        # then even the right password is refused for A, with a clear Japanese message
        refused = log_in(client, a.email, PASSWORD)
        assert refused.status_code == 200
        assert "このアカウントへのログインを" in refused.content.decode()
        assert logged_in_user_id(client) is None

        # and B, from the same address, logs in normally
        ok = log_in(client, b.email, PASSWORD)
        assert ok.status_code == 302
        assert logged_in_user_id(client) == str(b.pk)

    def test_a_training_room_of_typos_does_not_lock_out_the_room(self, client):
        # given a municipal training room: many people behind one IP address
        people = UserFactory.create_batch(4)
        newcomer = UserFactory()

        # when four of them each fail five times within the same minute (20 failures from one IP)
        for person in people:
            for _ in range(5):
                log_in(client, person.email, "wrong-password")

        # then someone else in the room can still log in
        ok = log_in(client, newcomer.email, PASSWORD)
        assert ok.status_code == 302
        assert logged_in_user_id(client) == str(newcomer.pk)

    def test_four_failures_do_not_throttle(self, client):
        # given a person who mistyped four times
        a = UserFactory()
        for _ in range(4):
            log_in(client, a.email, "wrong-password")

        # when they type the right password
        ok = log_in(client, a.email, PASSWORD)

        # then they are in: the limit is five failures
        assert ok.status_code == 302
        assert logged_in_user_id(client) == str(a.pk)


def test_login_applies_the_preferred_language(client):
    # given a person who chose English in their settings
    user = UserFactory(preferred_language="en")

    # when they log in on a new browser
    response = log_in(client, user.email, PASSWORD)

    # then the language cookie follows them
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"

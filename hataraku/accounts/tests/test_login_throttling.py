"""Log-in throttling cannot lock out a town (issue 7, item 6): strict per account, generous per network
address, the message names the real reason, the owner is told and a password reset lets her in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_LOCKED = "このアカウントへのログインを"
NETWORK_BUSY = "あなたのアカウントが止められたわけではありません"


def log_in(client, email: str, password: str, **headers: str):
    return client.post(reverse("account_login"), {"login": email, "password": password}, headers=headers)


def logged_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def test_a_training_room_of_thirty_with_typos_all_log_in():
    # given a training room: 30 people behind one router (the test client is always 127.0.0.1)
    people = UserFactory.create_batch(30)
    # when each mistypes three times and then types the right password
    for person in people:
        browser = Client()
        for _ in range(3):
            assert log_in(browser, person.email, "wrong-password").status_code == 200
        response = log_in(browser, person.email, PASSWORD)
        # then every one of them is in
        assert response.status_code == 302, person.email
        assert logged_in_as(browser) == str(person.pk)


def test_the_sixth_wrong_password_locks_that_account_only_and_tells_its_owner(
    client, django_capture_on_commit_callbacks
):
    # given two people on the same network
    sakura, neighbour = UserFactory(), UserFactory()
    # when someone types a wrong password for Sakura five times
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            log_in(client, sakura.email, "wrong-password")
    # then the owner is told by e-mail, once, in Japanese, with the way back in
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [sakura.email]
    assert "ログインを一時的に止めました" in notice.subject
    assert reverse("account_reset_password") in notice.body
    # when the sixth attempt comes, even with the right password
    with django_capture_on_commit_callbacks(execute=True):
        refused = log_in(client, sakura.email, PASSWORD)
    # then it is refused with a message about this account (not the network), and no second mail is sent
    page = refused.content.decode()
    assert refused.status_code == 200
    assert ACCOUNT_LOCKED in page
    assert NETWORK_BUSY not in page
    assert logged_in_as(client) is None
    assert len(mail.outbox) == 1
    # and her neighbour on the same network logs in normally
    assert log_in(Client(), neighbour.email, PASSWORD).status_code == 302


def test_an_unknown_address_is_locked_alike_and_nobody_is_mailed(client, django_capture_on_commit_callbacks):
    # given an address that has no account
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(6):
            response = log_in(client, "nobody@example.jp", "wrong-password")
    # then the answer is the same as for a real account, and no mail goes anywhere
    assert ACCOUNT_LOCKED in response.content.decode()
    assert mail.outbox == []


def test_a_password_reset_lifts_the_lock(client):
    # given an account locked by wrong passwords
    owner = UserFactory()
    for _ in range(6):
        log_in(client, owner.email, "wrong-password")
    mail.outbox.clear()
    # when the owner resets her password from the link in the e-mail
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = re.search(r"/accounts/password/reset/key/\S+/", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(0), follow=True)
    new_password = "atarashii-himitsu-2026"
    done = client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    # then she can log in at once with the new password
    browser = Client()
    response = log_in(browser, owner.email, new_password)
    assert response.status_code == 302
    assert logged_in_as(browser) == str(owner.pk)


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "5/5m/key", "login_failed_ip": "3/15m/ip"})
def test_when_the_network_limit_trips_the_message_says_so():
    # given a network whose allowance of failures is used up by other people's typos
    for person in UserFactory.create_batch(3):
        log_in(Client(), person.email, "wrong-password")
    # when someone else on it types her correct password
    newcomer = UserFactory()
    response = log_in(Client(), newcomer.email, PASSWORD)
    # then she is told the network is the reason, not her account
    page = response.content.decode()
    assert NETWORK_BUSY in page
    assert ACCOUNT_LOCKED not in page
    assert mail.outbox == []


class TestClientAddressBehindAProxy:
    @pytest.fixture(autouse=True)
    def small_network_allowance(self, settings):
        settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key", "login_failed_ip": "3/15m/ip"}

    def use_up_the_allowance_of(self, address: str) -> None:
        for person in UserFactory.create_batch(3):
            log_in(Client(), person.email, "wrong-password", x_forwarded_for=address)

    def test_forwarded_for_is_ignored_unless_configured(self):
        # given no trusted proxy: a client can write any X-Forwarded-For it likes
        self.use_up_the_allowance_of("203.0.113.5")
        # when someone "from another address" logs in through the same connection
        response = log_in(Client(), UserFactory().email, PASSWORD, x_forwarded_for="198.51.100.7")
        # then the header changed nothing: the real peer address used up its allowance
        assert NETWORK_BUSY in response.content.decode()

    def test_with_one_trusted_proxy_each_client_address_counts_alone(self, settings):
        # given one proxy of ours in front, setting X-Forwarded-For
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        self.use_up_the_allowance_of("203.0.113.5")
        # when a person at another address logs in through the same proxy
        browser = Client()
        response = log_in(browser, UserFactory().email, PASSWORD, x_forwarded_for="198.51.100.7")
        # then she is in: the address that failed is not hers
        assert response.status_code == 302
        # and the address that failed is still limited
        again = log_in(Client(), UserFactory().email, PASSWORD, x_forwarded_for="203.0.113.5")
        assert NETWORK_BUSY in again.content.decode()

    def test_a_configured_client_address_header_is_used(self, settings):
        # given a proxy that puts the client's address in X-Real-IP
        settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
        for person in UserFactory.create_batch(3):
            log_in(Client(), person.email, "wrong-password", x_real_ip="203.0.113.5")
        # when a person at another address logs in
        response = log_in(Client(), UserFactory().email, PASSWORD, x_real_ip="198.51.100.7")
        # then she is in
        assert response.status_code == 302

"""Every kind of e-mail names the service and links to its public address (`HATARAKU_SITE_URL`), never the
host of the request that caused it (issue 10, item 9): allauth's sign-up, password-reset, unknown-account
and already-registered mails, the log-in lock mails and the notification mails (one and a digest)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from hataraku.accounts.tests.factories import UserFactory
from hataraku.messaging.constants import EmailMode
from hataraku.messaging.services import notifications_send_due

from .factories import NotificationPreferenceFactory, WorkerFactory, notify

pytestmark = pytest.mark.django_db

PUBLIC = "https://hataraku.example"
# The request comes in on a local address, as it does behind a proxy or in development.
LOCAL_HOST = "127.0.0.1:8000"


@pytest.fixture
def public_site(settings):  # type: ignore[no-untyped-def]
    settings.HATARAKU_SITE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    return settings


def local_client() -> Client:
    # (the visitor's own address is a documentation address, so that "127.0.0.1" can only be the host)
    return Client(HTTP_HOST=LOCAL_HOST, REMOTE_ADDR="192.0.2.10")


def bodies(message: mail.EmailMessage) -> list[str]:
    texts = [str(message.body)]
    texts += [str(content) for content, _type in getattr(message, "alternatives", [])]
    return texts


def assert_names_the_service(message: mail.EmailMessage) -> None:
    assert message.subject.startswith("[Hataraku] ")
    for text in bodies(message):
        assert "Hataraku" in text
        assert f"{PUBLIC}/" in text
        assert "127.0.0.1" not in text
        assert "testserver" not in text
        assert "example.com" not in text


def sign_up(client: Client, email: str) -> None:
    client.post(
        reverse("account_signup"),
        {
            "email": email,
            "display_name": "山田 花子",
            "password1": "hanako-no-himitsu-2026",
            "password2": "hanako-no-himitsu-2026",
            "want_work": "on",
        },
    )


def test_signup_confirmation_links_to_the_public_address(public_site):
    # given a newcomer signing up on a local address
    # when she sends the form
    sign_up(local_client(), "hanako@example.jp")
    # then the confirmation mail names Hataraku and its link opens on the public address
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert_names_the_service(message)
    assert f"{PUBLIC}/accounts/confirm-email/" in message.body
    assert "メールアドレスの確認をお願いします" in message.subject
    assert "山田 花子 さん" in message.body


def test_signup_with_a_registered_address_mails_the_owner_from_the_public_address(public_site):
    # given an account that already exists
    owner = UserFactory.create()
    # when someone signs up again with its address
    sign_up(local_client(), owner.email)
    # then the owner gets one mail pointing to the password reset on the public address
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert_names_the_service(message)
    assert f"{PUBLIC}{reverse('account_reset_password')}" in message.body


def test_password_reset_and_unknown_address_mails_use_the_public_address(public_site):
    # given one registered person
    person = UserFactory.create()
    client = local_client()
    # when a reset is asked for her address and for an address nobody has
    client.post(reverse("account_reset_password"), {"email": person.email})
    client.post(reverse("account_reset_password"), {"email": "nobody@example.jp"})
    # then both mails name Hataraku and link to the public address
    assert [m.to for m in mail.outbox] == [[person.email], ["nobody@example.jp"]]
    reset, unknown = mail.outbox
    for message in (reset, unknown):
        assert_names_the_service(message)
    assert f"{PUBLIC}/accounts/password/reset/key/" in reset.body
    assert f"{PUBLIC}{reverse('account_signup')}" in unknown.body


def test_log_in_lock_mail_uses_the_public_address(public_site, django_capture_on_commit_callbacks):
    # given a person whose password someone keeps getting wrong
    person = UserFactory.create()
    client = local_client()
    # when the fifth wrong password locks her account
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.post(reverse("account_login"), {"login": person.email, "password": "wrong-password"})
    # then the mail that tells her names Hataraku and links to the public address
    assert len(mail.outbox) == 1
    assert_names_the_service(mail.outbox[0])


def test_notification_and_digest_mails_use_the_public_address(
    public_site, frozen_clock, django_capture_on_commit_callbacks
):
    # given a worker mailed at once and one who chose the daily digest
    worker = WorkerFactory.create()
    digest = NotificationPreferenceFactory.create(email_mode=EmailMode.DAILY_DIGEST, digest_hour=20).user
    # when each is told two things
    with django_capture_on_commit_callbacks(execute=True):
        for person in (worker, digest):
            notify(user=person, title="応募が届きました", url="/jobs/1/")
            notify(user=person, title="メッセージが届きました", url="/messages/")
    frozen_clock.advance(dt.timedelta(days=1))
    notifications_send_due()
    # then every mail (plain text and HTML) names Hataraku, links to the public address and to the settings
    assert {tuple(m.to) for m in mail.outbox} == {(worker.email,), (digest.email,)}
    for message in mail.outbox:
        assert_names_the_service(message)
        assert f"{PUBLIC}{reverse('messaging:notification_settings')}" in message.body
    # and the links to what happened are on the public address too (the digest holds both)
    (digest_mail,) = [m for m in mail.outbox if m.to == [digest.email]]
    assert f"{PUBLIC}/jobs/1/" in digest_mail.body and f"{PUBLIC}/messages/" in digest_mail.body

"""Second-factor secrets are stored encrypted and shown nowhere in the admin (issue 7 review)."""

from __future__ import annotations

import importlib

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.db import connection
from django.urls import reverse

from .factories import PASSWORD, StaffFactory, UserFactory
from .test_auth import current_totp, log_in, logged_in_user_id

pytestmark = pytest.mark.django_db


def table_dump() -> str:
    """What a database dump or a leaked backup of the authenticator table holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator")
        return "\n".join(str(row[0]) for row in cursor.fetchall())


def test_the_totp_secret_is_not_stored_in_the_clear_and_its_codes_still_log_in(client):
    # given a person who set up an authenticator app, and recovery codes
    user = UserFactory()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    recovery = RecoveryCodes.activate(user)
    seed = decrypt(recovery.instance.data["seed"])
    # when the table is dumped
    dump = table_dump()
    # then neither the secret nor the recovery codes' seed is in it
    assert secret not in dump
    assert seed not in dump
    assert "fernet:" in dump
    # and a code the app shows from the secret still logs her in
    assert log_in(client, user.email, PASSWORD)["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)}).status_code == 302
    assert logged_in_user_id(client) == str(user.pk)


def test_the_migration_encrypts_secrets_stored_in_the_clear_once():
    # given authenticators written before secrets were encrypted
    user = UserFactory()
    secret = generate_totp_secret()
    totp = Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    codes = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    migration = importlib.import_module("hataraku.accounts.migrations.0002_encrypt_mfa_secrets")
    # when the migration runs, twice
    migration.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    first = totp.data["secret"]
    migration.encrypt_secrets(apps, None)
    totp.refresh_from_db()
    codes.refresh_from_db()
    # then nothing is left in the clear, nothing was encrypted twice, and the values read back the same
    dump = table_dump()
    assert secret not in dump and "ab" * 40 not in dump and "12345678" not in dump
    assert totp.data["secret"] == first
    assert decrypt(totp.data["secret"]) == secret
    assert decrypt(codes.data["seed"]) == "ab" * 40
    assert [decrypt(code) for code in codes.data["migrated_codes"]] == ["12345678"]
    assert codes.data["used_mask"] == 0


def test_a_secret_still_in_the_clear_is_read_as_it_is(client):
    # given an authenticator restored from an old backup, its secret in the clear
    user = UserFactory()
    secret = generate_totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    # when she logs in with the code her app shows
    log_in(client, user.email, PASSWORD)
    client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    # then she is in
    assert logged_in_user_id(client) == str(user.pk)


@pytest.mark.parametrize(
    "path",
    ["/django-admin/mfa/authenticator/", "/django-admin/usersessions/usersession/"],
)
def test_the_admin_shows_no_authenticator_or_session(client, path):
    # given a superuser logged in with her second factor, and someone's authenticator
    from .mfa import login_with_mfa

    admin = login_with_mfa(client, StaffFactory(is_superuser=True))
    TOTP.activate(UserFactory(), generate_totp_secret())
    # when she opens the admin's list of authenticators or sessions
    response = client.get(path)
    # then there is no such page, and the admin's index does not offer one
    assert response.status_code == 404
    index = client.get("/django-admin/").content.decode()
    assert "/django-admin/mfa/" not in index and "/django-admin/usersessions/" not in index
    assert admin.is_superuser

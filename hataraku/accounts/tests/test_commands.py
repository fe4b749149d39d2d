"""`hataraku createstaff` and `hataraku demo --accounts`."""

from __future__ import annotations

import json
import re
import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import CommandError, call_command
from django.urls import reverse

from hataraku.accounts.models import User
from hataraku.core import demo
from hataraku.core.demo import DEMO_PASSWORD, PERSONAS
from hataraku.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_createstaff_creates_a_verified_staff_account():
    # when staff is created from the command line
    out = StringIO()
    call_command(
        "hataraku_createstaff",
        "--email",
        "Support@Hataraku.example",
        "--password",
        "long-enough-pass-2026",
        stdout=out,
    )

    # then the account is staff, can log in with a verified address, and the creation is audited
    user = User.objects.get(email="support@hataraku.example")
    assert user.is_staff and user.check_password("long-enough-pass-2026")
    assert EmailAddress.objects.get(user=user).verified
    assert AuditEvent.objects.filter(action="accounts.staff_created", target_id=str(user.pk)).exists()
    assert "スタッフアカウントを作成しました" in out.getvalue()


def test_createstaff_refuses_a_duplicate_email_in_japanese():
    call_command(
        "hataraku_createstaff", "--email", "staff@hataraku.example", "--password", "long-enough-pass-2026"
    )
    with pytest.raises(CommandError, match="すでに登録されています"):
        call_command(
            "hataraku_createstaff", "--email", "STAFF@hataraku.example", "--password", "long-enough-pass-2026"
        )
    assert User.objects.count() == 1


def test_createstaff_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("hataraku_createstaff", "--email", "weak@hataraku.example", "--password", "1234")
    assert not User.objects.exists()


def test_demo_accounts_table_lists_every_persona():
    out = StringIO()
    call_command("hataraku_demo", "--accounts", stdout=out)
    text = out.getvalue()
    for persona in PERSONAS:
        assert persona.email in text
        assert persona.persona in text
    assert DEMO_PASSWORD in text


def test_demo_accounts_json_is_valid_and_complete():
    out = StringIO()
    call_command("hataraku_demo", "--accounts", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {row["email"] for row in rows} == {p.email for p in PERSONAS}
    assert {row["role"] for row in rows} == {"worker", "client", "municipal", "staff"}
    assert all(row["password"] == DEMO_PASSWORD for row in rows)


def test_demo_staff_and_municipal_accounts_come_with_a_totp_secret(client):
    # given the demo people, loaded twice (loading is idempotent)
    demo.ensure_people()
    demo.ensure_people()
    # when the accounts are printed as JSON
    out = StringIO()
    call_command("hataraku_demo", "--accounts", "--json", stdout=out)
    rows = {row["email"]: row for row in json.loads(out.getvalue())}
    # then staff and municipal accounts have a base32 TOTP secret (one device each), the others none
    for row in rows.values():
        if row["role"] in ("staff", "municipal"):
            assert re.fullmatch(r"[A-Z2-7]{32}", row["totp_secret"]), row["email"]
        else:
            assert row["totp_secret"] == "", row["email"]
    staff_row = rows["staff@demo.hataraku.jp"]
    assert Authenticator.objects.filter(user__email=staff_row["email"], type="totp").count() == 1
    # and the printed secret logs the demo staff account in with the password and the app's code
    login = client.post(reverse("account_login"), {"login": staff_row["email"], "password": DEMO_PASSWORD})
    assert login["Location"] == reverse("mfa_authenticate")
    code = format_hotp_value(hotp_value(staff_row["totp_secret"], int(time.time()) // 30))
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get("/staff/audit/").status_code == 200


def test_demo_accounts_table_has_a_totp_secret_column():
    demo.ensure_people()
    out = StringIO()
    call_command("hataraku_demo", "--accounts", stdout=out)
    assert "totp_secret" in out.getvalue().splitlines()[0]

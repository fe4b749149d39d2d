"""The cross-app personal-data export and erasure (hataraku.core.privacy)."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from hataraku.accounts import services
from hataraku.accounts.models import User
from hataraku.core import privacy
from hataraku.core.models import AuditEvent

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_accounts_privacy_module_is_found():
    labels = [label for label, _module in privacy.privacy_modules()]
    assert "accounts" in labels
    assert all(not label.startswith("django") for label in labels)


def test_export_has_every_app_and_is_audited(frozen_clock):
    # given a person
    user = UserFactory()

    # when their data is exported
    text = privacy.personal_data_export(user=user, actor=user)

    # then every app with a privacy module contributed a section, and the export is on the audit log
    data = json.loads(text)
    assert set(data["データ"]) == {label for label, _module in privacy.privacy_modules()}
    assert data["ユーザーID"] == user.pk
    assert AuditEvent.objects.get(action="privacy.exported").target_id == str(user.pk)


def test_erasers_run_dependants_first(monkeypatch):
    # given three apps in INSTALLED_APPS order
    calls: list[str] = []

    def fake(label: str) -> Any:
        return SimpleNamespace(
            export_user_data=lambda user: {}, erase_user_data=lambda user: calls.append(label)
        )

    monkeypatch.setattr(
        privacy,
        "privacy_modules",
        lambda: [("accounts", fake("accounts")), ("jobs", fake("jobs")), ("contracts", fake("contracts"))],
    )

    # when a person's data is erased
    privacy.erase_user_data(object())

    # then apps that depend on others erase first
    assert calls == ["contracts", "jobs", "accounts"]


def test_a_failing_eraser_rolls_the_whole_deletion_back(monkeypatch):
    # given an app whose eraser fails half-way, after accounts has deleted the e-mail addresses
    user = UserFactory(email="stay@example.jp")

    def broken(user: Any) -> None:
        raise RuntimeError("disk full")

    real = privacy.privacy_modules()
    monkeypatch.setattr(
        privacy,
        "privacy_modules",
        lambda: [("broken", SimpleNamespace(export_user_data=lambda u: {}, erase_user_data=broken)), *real],
    )

    # when the account is deleted
    with pytest.raises(RuntimeError):
        services.account_delete(user=user, actor=user)

    # then nothing changed: the person still has their account and address
    user = User.objects.get(pk=user.pk)
    assert user.email == "stay@example.jp" and user.is_active and user.deleted_at is None
    assert EmailAddress.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="accounts.deleted").exists()


def test_export_filename_uses_the_date_in_japan(frozen_clock):
    import datetime as dt

    from hataraku.core import clock

    # 23:30 UTC on 30 November is already 1 December in Japan
    frozen_clock.set(dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC))
    assert privacy.export_filename() == "hataraku-data-20261201.json"
    assert clock.today() == dt.date(2026, 12, 1)

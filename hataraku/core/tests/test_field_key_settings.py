"""Issue 7 item 5: production starts only with real Fernet keys; the derived key exists only locally."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from hataraku.core import fields

ROOT = Path(__file__).resolve().parents[3]
GOOD = Fernet.generate_key().decode()
OTHER_GOOD = Fernet.generate_key().decode()


@pytest.fixture
def production_env(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Everything production needs except the field key, which each test sets."""
    monkeypatch.setenv("SECRET_KEY", "s" * 60)
    monkeypatch.setenv("HATARAKU_SITE_URL", "https://hataraku.example")
    monkeypatch.setenv("ALLOWED_HOSTS", "hataraku.example")

    def load(field_key: str | None) -> dict[str, Any]:
        if field_key is None:
            monkeypatch.delenv("HATARAKU_FIELD_KEY", raising=False)
        else:
            monkeypatch.setenv("HATARAKU_FIELD_KEY", field_key)
        return runpy.run_module("config.settings.production")

    return load


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(",", id="comma"),
        pytest.param(" ", id="space"),
        pytest.param("", id="empty"),
        pytest.param("not-a-fernet-key", id="not-a-key"),
        pytest.param(f"{GOOD},not-a-fernet-key", id="good-then-bad"),
        pytest.param(f"not-a-fernet-key,{GOOD}", id="bad-then-good"),
        pytest.param(f"{GOOD},", id="good-then-empty-entry"),
    ],
)
def test_production_refuses_to_start_without_real_field_keys(production_env: Any, bad: str) -> None:
    # given production settings and a field key that is not a list of Fernet keys
    # when the settings are loaded
    # then production refuses to start, saying what is wrong, and never shows the value
    with pytest.raises(ImproperlyConfigured, match="HATARAKU_FIELD_KEY") as refused:
        production_env(bad)
    assert "not-a-fernet-key" not in str(refused.value)
    assert GOOD not in str(refused.value)


def test_production_refuses_to_start_without_the_variable(production_env: Any) -> None:
    # given no HATARAKU_FIELD_KEY at all
    # when production settings are loaded
    # then they refuse (no key derived from the data folder)
    with pytest.raises(ImproperlyConfigured, match="HATARAKU_FIELD_KEY is empty"):
        production_env(None)


def test_production_names_the_bad_entry_by_position(production_env: Any) -> None:
    # given a rotation list whose second key has a typo
    # when production settings are loaded
    # then the message points at entry 2 of 2
    with pytest.raises(ImproperlyConfigured, match="entry 2 of 2"):
        production_env(f"{GOOD},{OTHER_GOOD[:-2]}")


def test_production_starts_with_a_list_of_real_keys(production_env: Any) -> None:
    # given two real Fernet keys (spaces around the comma are forgiven)
    # when production settings are loaded
    loaded = production_env(f" {GOOD} , {OTHER_GOOD} ")

    # then the keys are kept, in order, ready for rotation (the first encrypts, both decrypt)
    assert loaded["HATARAKU_FIELD_KEY"] == f"{GOOD},{OTHER_GOOD}"
    token = Fernet(OTHER_GOOD.encode()).encrypt(b"old")
    assert fields._fernet(loaded["HATARAKU_FIELD_KEY"]).decrypt(token) == b"old"


def test_the_encrypted_fields_never_derive_a_key_themselves() -> None:
    # given settings that name no key (a settings module other than local or test)
    # when an encrypted value is written
    # then the fields refuse instead of deriving a key from the data folder
    with pytest.raises(ImproperlyConfigured, match="HATARAKU_FIELD_KEY"):
        fields._fernet(" , ")


@pytest.mark.parametrize("value", ["", " ", ","])
def test_local_settings_derive_a_key_only_when_none_is_set(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    # given a local run with no key (or only separators)
    monkeypatch.setenv("HATARAKU_FIELD_KEY", value)

    # when the local settings are loaded
    loaded = runpy.run_module("config.settings.local")

    # then they hold a real key derived for this machine, which the fields accept
    assert (
        fields._fernet(loaded["HATARAKU_FIELD_KEY"]).decrypt(
            fields._fernet(loaded["HATARAKU_FIELD_KEY"]).encrypt(b"x")
        )
        == b"x"
    )


def test_local_settings_check_a_key_that_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a local run with a mistyped key
    monkeypatch.setenv("HATARAKU_FIELD_KEY", "not-a-fernet-key")

    # when the local settings are loaded
    # then they refuse at once rather than at the first encrypted read
    with pytest.raises(ImproperlyConfigured, match="entry 1 of 1"):
        runpy.run_module("config.settings.local")


def test_a_real_production_start_stops_on_a_bad_key() -> None:
    # given the production settings module and the example of a bad key
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "s" * 60,
        "HATARAKU_SITE_URL": "https://hataraku.example",
        "ALLOWED_HOSTS": "hataraku.example",
        "HATARAKU_FIELD_KEY": "not-a-fernet-key",
    }
    env.pop("DATABASE_URL", None)

    # when Django starts as the server would
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then it does not start, and says why
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "HATARAKU_FIELD_KEY" in result.stderr

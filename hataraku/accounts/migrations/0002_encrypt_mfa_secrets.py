"""Second-factor secrets were stored in the clear in `mfa_authenticator.data` (issue 7 review). Encrypt the
TOTP secret, the recovery codes' seed and any migrated recovery codes with the field key, as
`hataraku.accounts.adapters.MFAAdapter` now does for new ones. Values already encrypted are left alone, so
running it twice, or after part of the rows were re-created, is harmless."""

from typing import Any

from django.db import migrations

SECRET_KEYS = ("secret", "seed")


def _convert(data: dict[str, Any], change: Any, done: Any) -> dict[str, Any]:
    data = dict(data)
    for key in SECRET_KEYS:
        if isinstance(data.get(key), str) and not done(data[key]):
            data[key] = change(data[key])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [code if done(code) else change(code) for code in data["migrated_codes"]]
    return data


def _each(apps: Any, change: Any, done: Any) -> None:
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.exclude(type="webauthn").iterator():
        converted = _convert(authenticator.data or {}, change, done)
        if converted != authenticator.data:
            authenticator.data = converted
            authenticator.save(update_fields=["data"])


def encrypt_secrets(apps: Any, schema_editor: Any) -> None:
    from hataraku.core.fields import encrypt_text, is_encrypted

    _each(apps, encrypt_text, is_encrypted)


def decrypt_secrets(apps: Any, schema_editor: Any) -> None:
    from hataraku.core.fields import decrypt_text, is_encrypted

    _each(apps, decrypt_text, lambda value: not is_encrypted(value))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
    ]

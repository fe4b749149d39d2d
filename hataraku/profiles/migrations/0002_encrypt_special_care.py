"""Issue 7: accessibility needs and date-exception notes become encrypted, and the reasons of accommodation
requests get their encrypted home (SensitiveNote). Existing rows are converted through the encrypted
fields, so they keep their meaning; the plain columns are dropped."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hataraku.core.fields

# The four plain flags and the AccessibilityNeed value each one meant (constants.AccessibilityNeed).
_FLAGS = {
    "uses_screen_reader": "screen_reader",
    "keyboard_only": "keyboard_only",
    "low_vision": "low_vision",
    "deaf_or_hard_of_hearing": "deaf_hoh",
}


def flags_to_needs(apps: Any, schema_editor: Any) -> None:
    WorkConditions = apps.get_model("profiles", "WorkConditions")
    for row in WorkConditions.objects.values("pk", *_FLAGS):
        needs = sorted(need for flag, need in _FLAGS.items() if row[flag])
        # Saved through the field, so the list is stored encrypted.
        WorkConditions.objects.filter(pk=row["pk"]).update(accessibility_needs=needs)


def needs_to_flags(apps: Any, schema_editor: Any) -> None:
    WorkConditions = apps.get_model("profiles", "WorkConditions")
    for row in WorkConditions.objects.all():
        needs = set(row.accessibility_needs or [])
        WorkConditions.objects.filter(pk=row.pk).update(
            **{flag: need in needs for flag, need in _FLAGS.items()}
        )


def encrypt_notes(apps: Any, schema_editor: Any) -> None:
    DateException = apps.get_model("profiles", "DateException")
    for pk, note in DateException.objects.exclude(note="").values_list("pk", "note"):
        DateException.objects.filter(pk=pk).update(note_encrypted=note)


def decrypt_notes(apps: Any, schema_editor: Any) -> None:
    DateException = apps.get_model("profiles", "DateException")
    for pk, note in DateException.objects.exclude(note_encrypted="").values_list("pk", "note_encrypted"):
        DateException.objects.filter(pk=pk).update(note=note[:200])


class Migration(migrations.Migration):
    dependencies = [
        ("profiles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="workconditions",
            name="accessibility_needs",
            field=hataraku.core.fields.EncryptedJSONField(
                blank=True, default=list, verbose_name="アクセシビリティ"
            ),
        ),
        migrations.RunPython(flags_to_needs, needs_to_flags),
        migrations.RemoveField(model_name="workconditions", name="deaf_or_hard_of_hearing"),
        migrations.RemoveField(model_name="workconditions", name="keyboard_only"),
        migrations.RemoveField(model_name="workconditions", name="low_vision"),
        migrations.RemoveField(model_name="workconditions", name="uses_screen_reader"),
        migrations.AddField(
            model_name="dateexception",
            name="note_encrypted",
            field=hataraku.core.fields.EncryptedTextField(blank=True, default="", verbose_name="メモ"),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_notes, decrypt_notes),
        migrations.RemoveField(model_name="dateexception", name="note"),
        migrations.RenameField(model_name="dateexception", old_name="note_encrypted", new_name="note"),
        migrations.CreateModel(
            name="SensitiveNote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(db_index=True, editable=False, verbose_name="作成日時")),
                ("updated_at", models.DateTimeField(editable=False, verbose_name="更新日時")),
                ("subject", models.CharField(max_length=60, verbose_name="対象")),
                ("category", hataraku.core.fields.EncryptedTextField(blank=True, verbose_name="理由の区分")),
                ("note", hataraku.core.fields.EncryptedTextField(blank=True, verbose_name="補足")),
                (
                    "consent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="profiles.sensitiveconsent",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "配慮のお願いの理由",
                "verbose_name_plural": "配慮のお願いの理由",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]

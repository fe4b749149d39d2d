"""Issue 7: the reason category and note of an accommodation request leave their plain columns. Each
existing reason moves, encrypted, into profiles.SensitiveNote (linked with the worker's active consent if
she has one; rows written before consent was asked keep a null consent and are erased with her next
withdrawal or her account), so the worker and staff's audited view still see what she wrote."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def reasons_to_sensitive_notes(apps: Any, schema_editor: Any) -> None:
    AccommodationRequest = apps.get_model("contracts", "AccommodationRequest")
    SensitiveNote = apps.get_model("profiles", "SensitiveNote")
    SensitiveConsent = apps.get_model("profiles", "SensitiveConsent")
    rows = AccommodationRequest.objects.values_list("pk", "requested_by_id", "reason", "note", "created_at")
    for pk, user_id, reason, note, created_at in rows:
        if not reason and not note:
            continue
        consent = (
            SensitiveConsent.objects.filter(user_id=user_id, status="given")
            .order_by("-given_at", "-id")
            .first()
        )
        # Saved through the model, so category and note are encrypted by their fields.
        record = SensitiveNote.objects.create(
            user_id=user_id,
            consent=consent,
            subject=f"accommodation:{pk}",
            category=reason or "",
            note=note or "",
            created_at=created_at,
            updated_at=created_at,
        )
        AccommodationRequest.objects.filter(pk=pk).update(sensitive_reason=record)


def sensitive_notes_to_reasons(apps: Any, schema_editor: Any) -> None:
    AccommodationRequest = apps.get_model("contracts", "AccommodationRequest")
    SensitiveNote = apps.get_model("profiles", "SensitiveNote")
    for request in AccommodationRequest.objects.exclude(sensitive_reason=None):
        record = SensitiveNote.objects.get(pk=request.sensitive_reason_id)
        AccommodationRequest.objects.filter(pk=request.pk).update(
            reason=record.category or "other", note=record.note
        )
    AccommodationRequest.objects.filter(sensitive_reason=None, reason="").update(reason="other")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0003_week_payment_reminded_at"),
        ("profiles", "0002_encrypt_special_care"),
    ]

    operations = [
        migrations.AddField(
            model_name="accommodationrequest",
            name="sensitive_reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="profiles.sensitivenote",
            ),
        ),
        # The old reason column was required; allow blank while reversing, so a reverse run can fill it.
        migrations.AlterField(
            model_name="accommodationrequest",
            name="reason",
            field=models.CharField(blank=True, max_length=12, verbose_name="理由の区分"),
        ),
        migrations.RunPython(reasons_to_sensitive_notes, sensitive_notes_to_reasons),
        migrations.RemoveField(model_name="accommodationrequest", name="note"),
        migrations.RemoveField(model_name="accommodationrequest", name="reason"),
    ]

# Identity verification moved here from the jobs app. The table keeps its name (jobs_identityverification)
# and every row: this migration only tells Django's state that the model is now accounts.IdentityVerification;
# jobs 0004 removes it from the jobs app's state. Neither touches the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import hataraku.accounts.models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_encrypt_mfa_secrets"),
        # The table is created by jobs 0001; it must exist before this app claims it.
        ("jobs", "0003_job_description_html"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdentityVerification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, editable=False, verbose_name="作成日時"),
                        ),
                        ("updated_at", models.DateTimeField(editable=False, verbose_name="更新日時")),
                        (
                            "document",
                            models.FileField(
                                blank=True,
                                max_length=200,
                                upload_to=hataraku.accounts.models._verification_path,
                                verbose_name="本人確認書類",
                            ),
                        ),
                        ("content_type", models.CharField(blank=True, max_length=40)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "確認待ち"),
                                    ("approved", "本人確認済み"),
                                    ("rejected", "確認できませんでした"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=10,
                                verbose_name="状態",
                            ),
                        ),
                        ("reason", models.TextField(blank=True, verbose_name="理由")),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="確認日時")),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="identity_verifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "本人確認",
                        "verbose_name_plural": "本人確認",
                        "db_table": "jobs_identityverification",
                        "ordering": ["created_at", "id"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("status", "pending")),
                                fields=("user",),
                                name="identity_one_pending_per_user",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

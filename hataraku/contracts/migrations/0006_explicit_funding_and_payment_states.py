"""Explicit states for money on its way: a milestone whose funding was started but not confirmed is
`funding_requested`, and an hourly week whose billed money reached the worker is `paid` (`billed` now
reads 「承認済み・お支払い待ち」). Existing rows move to the state that describes them."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    HourlyWeek = apps.get_model("contracts", "HourlyWeek")
    Milestone = apps.get_model("contracts", "Milestone")
    Funding = apps.get_model("ledger", "Funding")
    # Weeks whose money was released, and approved weeks with nothing to pay, are settled.
    HourlyWeek.objects.filter(status__in=["billed", "resolved"], released_at__isnull=False).update(
        status="paid"
    )
    HourlyWeek.objects.filter(status="billed", billed_amount=0).update(status="paid")
    waiting = Funding.objects.filter(status="pending").values("escrow_id")
    Milestone.objects.filter(status="pending", escrow_id__in=waiting).update(status="funding_requested")


def backwards(apps, schema_editor):
    HourlyWeek = apps.get_model("contracts", "HourlyWeek")
    Milestone = apps.get_model("contracts", "Milestone")
    # A paid week was billed or decided by staff; a week with a dispute on it was resolved.
    Dispute = apps.get_model("contracts", "Dispute")
    decided = Dispute.objects.filter(week__isnull=False).values("week_id")
    HourlyWeek.objects.filter(status="paid", pk__in=decided).update(status="resolved")
    HourlyWeek.objects.filter(status="paid").update(status="billed")
    Milestone.objects.filter(status="funding_requested").update(status="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0005_hourly_week_submission"),
        ("ledger", "0003_funding_reserves_client_balance"),
    ]

    operations = [
        migrations.AlterField(
            model_name="hourlyweek",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "記録中"),
                    ("submitted", "提出済み(確認待ち)"),
                    ("correction", "修正の依頼あり"),
                    ("billed", "承認済み・お支払い待ち"),
                    ("disputed", "運営が仲介中"),
                    ("resolved", "仲介で決定済み"),
                    ("paid", "支払い済み"),
                ],
                default="open",
                max_length=10,
                verbose_name="状態",
            ),
        ),
        migrations.AlterField(
            model_name="milestone",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "仮払い待ち"),
                    ("funding_requested", "入金の確認待ち"),
                    ("funded", "仮払い済み(作業できます)"),
                    ("delivered", "納品済み(検収待ち)"),
                    ("returned", "差し戻し"),
                    ("accepted", "検収済み"),
                    ("released", "支払い済み"),
                    ("disputed", "運営が仲介中"),
                    ("cancelled", "取り消し"),
                ],
                db_index=True,
                default="pending",
                max_length=20,
                verbose_name="状態",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]

# Card refunds of a client's refundable balance (issue 9, item 2): where the money goes, the card payment
# it is refunded to, the provider's refund id, and the "at the card company" state. Written by hand
# (makemigrations could not run while another app was being edited); `makemigrations --check` agrees.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_payout_held_for_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="clientwithdrawal",
            name="destination",
            field=models.CharField(
                choices=[("bank", "銀行口座"), ("card", "お支払いに使ったカード")],
                default="bank",
                max_length=10,
                verbose_name="返金先",
            ),
        ),
        migrations.AddField(
            model_name="clientwithdrawal",
            name="external_id",
            field=models.CharField(blank=True, db_index=True, max_length=100, verbose_name="決済代行の返金ID"),
        ),
        migrations.AddField(
            model_name="clientwithdrawal",
            name="provider_funding",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="card_refunds",
                to="payments.providerfunding",
                verbose_name="返金するカード払い",
            ),
        ),
        migrations.AlterField(
            model_name="clientwithdrawal",
            name="status",
            field=models.CharField(
                choices=[
                    ("requested", "申請済み"),
                    ("batched", "振込準備中"),
                    ("provider", "カード会社で返金手続き中"),
                    ("paid", "振込完了"),
                    ("failed", "振込できませんでした"),
                ],
                default="requested",
                max_length=10,
                verbose_name="状態",
            ),
        ),
    ]

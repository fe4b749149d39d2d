# A payout hold keeps no status of its own: the payout's life is payments.Payout.status, and whether the
# hold is settled or failed is the kind of its final journal entry (PayoutHold.outcome).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_funding_reserves_client_balance"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="payouthold",
            name="status",
        ),
    ]

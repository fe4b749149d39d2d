# The ledger's Funding.status is the one truth for whether a client's money arrived; the twin status of
# ProviderFunding goes (it always moved together with the funding, in the same transaction).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0002_provider_funding_action_url"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="providerfunding",
            name="status",
        ),
    ]

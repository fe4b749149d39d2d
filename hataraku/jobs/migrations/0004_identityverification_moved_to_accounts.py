# Identity verification now belongs to the accounts app (accounts 0003), which keeps using this app's
# table, jobs_identityverification, with every row in it. Only Django's state changes: the table is not
# dropped.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0003_job_description_html"),
        ("accounts", "0003_identityverification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdentityVerification")],
            database_operations=[],
        ),
    ]

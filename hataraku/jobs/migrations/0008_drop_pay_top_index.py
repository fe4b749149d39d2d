from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0007_job_order_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="job",
            name="job_pay_top_id",
        ),
    ]

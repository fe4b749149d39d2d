# The job list reads open jobs newest first by the first index; the second served 「あなたにできる仕事」's index lists (removed in 0008).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0006_filters_onsite_prefecture_effective_hourly"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["published_at", "id"], name="job_published_id"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["effective_hourly_max", "id"], name="job_pay_top_id"),
        ),
    ]

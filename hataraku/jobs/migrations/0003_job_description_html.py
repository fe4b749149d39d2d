"""Job descriptions are rendered once, on save, and stored (issue 7 review: a table at the length cap took
2.5 s per view). Existing jobs get their HTML here, with the bounded renderer of today."""

from typing import Any

from django.db import migrations, models

BATCH = 500


def render_existing(apps: Any, schema_editor: Any) -> None:
    # The renderer of the code base, not a frozen copy: it has no model state, and its bounds (table size)
    # are what keep rendering an old, unchecked description cheap.
    from hataraku.jobs.rendering import render_markdown

    Job = apps.get_model("jobs", "Job")
    batch = []
    for job in Job.objects.only("pk", "description_md").iterator(chunk_size=BATCH):
        job.description_html = render_markdown(job.description_md)
        batch.append(job)
        if len(batch) >= BATCH:
            Job.objects.bulk_update(batch, ["description_html"])
            batch = []
    Job.objects.bulk_update(batch, ["description_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0002_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="description_html",
            field=models.TextField(blank=True, editable=False, verbose_name="仕事の内容(表示用)"),
        ),
        migrations.RunPython(render_existing, migrations.RunPython.noop, elidable=True),
    ]

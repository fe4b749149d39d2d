import django.db.models.functions.datetime
from django.db import migrations, models

# Every write to a job leaves a row in matching_jobchange, whoever writes (matching/columns.py reads them).
SQLITE = [
    f"CREATE TRIGGER matching_job_{name} AFTER {event} ON jobs_job "
    f"BEGIN INSERT INTO matching_jobchange (job_id, nonce) VALUES ({row}.id, random()); END"
    for name, event, row in (
        ("insert", "INSERT", "NEW"),
        ("update", "UPDATE", "NEW"),
        ("delete", "DELETE", "OLD"),
    )
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS matching_job_{name}" for name in ("insert", "update", "delete")]
POSTGRES = [
    """CREATE FUNCTION matching_job_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            INSERT INTO matching_jobchange (job_id, nonce) VALUES (OLD.id, (random() * 9e18)::bigint);
            RETURN OLD;
        END IF;
        INSERT INTO matching_jobchange (job_id, nonce) VALUES (NEW.id, (random() * 9e18)::bigint);
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER matching_job_changed AFTER INSERT OR UPDATE OR DELETE ON jobs_job "
    "FOR EACH ROW EXECUTE FUNCTION matching_job_changed()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS matching_job_changed ON jobs_job",
    "DROP FUNCTION IF EXISTS matching_job_changed()",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0001_initial"),
        ("jobs", "0007_job_order_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="JobChange",
            fields=[
                ("seq", models.BigAutoField(primary_key=True, serialize=False)),
                ("job_id", models.BigIntegerField()),
                ("nonce", models.BigIntegerField(default=0)),
                (
                    "at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), db_index=True),
                ),
            ],
            options={
                "verbose_name": "仕事の変更",
                "verbose_name_plural": "仕事の変更",
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
